#include "personal/value_recognizer.h"

#include <phonenumbers/phonenumberutil.h>
#include <re2/re2.h>

#include <array>
#include <charconv>
#include <chrono>
#include <string>

#include "personal/validators.h"

namespace mlaudit::personal {
namespace {

int current_year() {
  static const int year = [] {
    auto now = std::chrono::system_clock::now();
    auto days = std::chrono::floor<std::chrono::days>(now);
    return static_cast<int>(std::chrono::year_month_day(days).year());
  }();
  return year;
}

bool phone_shaped(std::string_view value) {
  size_t digits = 0;
  for (char c : value) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.' && c != '/') return false;
  }
  return digits >= 7 && digits <= 15;
}

bool is_phone(std::string_view value, bool named) {
  if (!phone_shaped(value)) return false;
  bool international = value.starts_with('+') || value.starts_with("00");
  // Without a telling name only international numbers count: any ten digits are a valid
  // North American number, so bare digits would make every numeric id a phone number.
  if (!international && !named) return false;
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  static const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string text(value);
  if (value.starts_with("00")) text = "+" + text.substr(2);
  static const char* regions[] = {"US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "IN", "BR"};
  PhoneNumber number;
  if (text.starts_with('+'))
    return util.Parse(text, "ZZ", &number) == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(number);
  for (const char* region : regions)
    if (util.Parse(text, region, &number) == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(number)) return true;
  return false;
}

bool is_person_name(std::string_view value, bool named) {
  if (value.size() < 2 || value.size() > 60) return false;
  int words = 0;
  bool word_start = true;
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c == ' ') {
      word_start = true;
      continue;
    }
    bool letter = std::isalpha(c) || c >= 0x80;
    if (!letter && c != '\'' && c != '-' && c != '.') return false;
    if (word_start) {
      if (!(std::isupper(c) || c >= 0x80)) return false;  // names are capitalised
      ++words;
      word_start = false;
    }
  }
  return words >= (named ? 1 : 2) && words <= 4;
}

bool is_street_address(std::string_view value) {
  static const RE2 street(
      R"((?i)(\d+[a-z]?\s*,?\s+.*\b(street|st|road|rd|avenue|ave|lane|ln|drive|dr|way|boulevard|blvd|court|ct|place|pl|square|sq|terrace|close|crescent|highway|hwy)\b)|)"
      R"((\b\p{L}*(strasse|straße|str\.|weg|gasse|platz|allee|ring|damm|straat|laan|plein|gracht)\s+\d+)|)"
      R"((\b(rue|avenue|boulevard|chemin|place|calle|avenida|plaza|carrer|paseo|via|viale|piazza|corso|ulica|ul\.|aleja|rua|travessa)\b.*\d))");
  return value.size() >= 6 && value.size() <= 200 && RE2::PartialMatch(value, street);
}

ValueMatch date_of_birth(std::string_view value) {
  int year = 0, month = 0, day = 0;
  if (!parse_date(value, year, month, day)) return {};
  int age = current_year() - year;
  if (age < 0 || age > 120) return {};
  return {true, age < 16, {}};
}

ValueMatch age(std::string_view value) {
  double number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || number < 0 || number > 120) return {};
  return {true, number < 16, {}};
}

bool is_coordinate(std::string_view value) {
  static const RE2 single(R"(-?\d{1,3}\.\d{3,})");
  static const RE2 pair(R"(\(?\s*-?\d{1,2}\.\d{3,}\s*[,;]\s*-?\d{1,3}\.\d{3,}\s*\)?)");
  if (RE2::FullMatch(value, pair)) return true;
  if (!RE2::FullMatch(value, single)) return false;
  double number = std::strtod(std::string(value).c_str(), nullptr);
  return number >= -180 && number <= 180;
}

// With a telling name: a UUID, an IMEI, or an opaque token (hex or base64, 16-128 characters).
bool is_device_id(std::string_view value) {
  static const RE2 token(R"([0-9A-Za-z_+/=-]{16,128})");
  return is_uuid(value) || is_imei(value) || (RE2::FullMatch(value, token) && value.find_first_of("0123456789") != std::string_view::npos);
}

}  // namespace

namespace {

enum CharClass : uint8_t { kDigit, kLetter, kSpace, kAt, kPlus, kColon, kDot, kDash, kOther };

constexpr std::array<uint8_t, 256> char_classes() {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = kOther;
  for (int c = '0'; c <= '9'; ++c) table[c] = kDigit;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = table[c - 'a' + 'A'] = kLetter;
  table[' '] = kSpace, table['@'] = kAt, table['+'] = kPlus, table[':'] = kColon, table['.'] = kDot, table['-'] = kDash;
  return table;
}

}  // namespace

ValueShape::ValueShape(std::string_view value) : size(value.size()) {
  static constexpr std::array<uint8_t, 256> classes = char_classes();
  size_t counts[9] = {};
  for (char c : value) ++counts[classes[static_cast<unsigned char>(c)]];
  digits = counts[kDigit], letters = counts[kLetter], spaces = counts[kSpace], at = counts[kAt], plus = counts[kPlus];
  colons = counts[kColon], dots = counts[kDot], dashes = counts[kDash], other = counts[kOther];
}

bool shape_fits(Recognizer recognizer, const ValueShape& s) {
  switch (recognizer) {
    case Recognizer::none: return false;
    case Recognizer::email: return s.at == 1 && s.dots >= 1 && s.size >= 6;
    case Recognizer::phone: return s.digits >= 7 && s.digits <= 15 && s.letters == 0 && s.at == 0 && s.colons == 0;
    case Recognizer::person_name: return s.letters + s.other >= 2 && s.digits == 0 && s.size <= 60 && s.at == 0;
    case Recognizer::street_address: return s.digits >= 1 && s.letters >= 3 && s.spaces >= 1;
    case Recognizer::national_id: return s.size >= 9 && s.size <= 16 && s.digits >= 6;
    case Recognizer::iban: return s.letters >= 2 && s.digits >= 12 && s.size >= 15 && s.size <= 42 && s.other == 0;
    case Recognizer::payment_card: return s.digits >= 13 && s.digits <= 19 && s.letters == 0;
    case Recognizer::ip_address: return (s.dots == 3 && s.digits >= 4 && s.letters == 0) || s.colons >= 2;
    case Recognizer::mac_address: return s.size >= 14 && s.size <= 17 && (s.colons == 5 || s.dashes == 5 || s.dots == 2);
    case Recognizer::device_id: return s.size >= 15;
    case Recognizer::date_of_birth: return s.digits >= 6 && s.letters <= 1;
    case Recognizer::age: return s.digits >= 1 && s.digits <= 3 && s.letters == 0 && s.size <= 6;
    case Recognizer::coordinate: return s.digits >= 4 && s.dots >= 1;
  }
  return false;
}

bool recognizes_without_name(Recognizer recognizer) {
  switch (recognizer) {
    case Recognizer::email: case Recognizer::phone: case Recognizer::national_id: case Recognizer::iban:
    case Recognizer::payment_card: case Recognizer::ip_address: case Recognizer::mac_address:
    case Recognizer::street_address:
      return true;
    default:
      return false;
  }
}

ValueMatch recognize(Recognizer recognizer, std::string_view value, bool named) {
  switch (recognizer) {
    case Recognizer::none: return {};
    case Recognizer::email: return {is_email(value)};
    case Recognizer::phone: return {is_phone(value, named)};
    case Recognizer::person_name: return {is_person_name(value, named)};
    case Recognizer::street_address: return {is_street_address(value)};
    case Recognizer::iban: return {is_iban(value)};
    case Recognizer::payment_card: return {is_payment_card(value)};
    case Recognizer::ip_address: {
      // Without a telling name, dotted quads of small numbers are more often version strings:
      // an IPv4 address counts only with an octet of 100 or more.
      if (is_ipv6(value)) return {true};
      if (!is_ipv4(value)) return {};
      if (named) return {true};
      bool large_octet = false;
      for (size_t start = 0; start <= value.size();) {
        size_t end = value.find('.', start);
        if (end == std::string_view::npos) end = value.size();
        if (end - start == 3) large_octet = true;
        start = end + 1;
      }
      return {large_octet};
    }
    case Recognizer::mac_address: return {is_mac_address(value)};
    case Recognizer::device_id: return {named && is_device_id(value)};
    case Recognizer::national_id: {
      std::string_view scheme = national_id_scheme(value);
      return {!scheme.empty(), false, scheme};
    }
    case Recognizer::date_of_birth: return named ? date_of_birth(value) : ValueMatch{};
    case Recognizer::age: return named ? age(value) : ValueMatch{};
    case Recognizer::coordinate: return {named && is_coordinate(value)};
  }
  return {};
}

}  // namespace mlaudit::personal
