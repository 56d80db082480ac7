#include "personal/validators.h"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace mlaudit::personal {
namespace {

bool all_digits(std::string_view value) {
  if (value.empty()) return false;
  for (char c : value)
    if (c < '0' || c > '9') return false;
  return true;
}

int digit(char c) { return c - '0'; }

bool valid_date(int year, int month, int day) {
  static constexpr std::array<int, 12> days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1850 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  if (day > days[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

}  // namespace

std::string digits_only(std::string_view value) {
  std::string digits;
  for (char c : value) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c != ' ' && c != '-' && c != '.' && c != '/') return {};
  }
  return digits;
}

bool luhn_valid(std::string_view digits) {
  if (!all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = digit(*it);
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool verhoeff_valid(std::string_view digits) {
  static constexpr int d[10][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
                                    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
                                    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
                                    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
                                    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static constexpr int p[8][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
                                   {5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
                                   {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
                                   {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  if (!all_digits(digits)) return false;
  int check = 0;
  size_t i = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++i) check = d[check][p[i % 8][digit(*it)]];
  return check == 0;
}

bool is_email(std::string_view value) {
  static const RE2 email(R"([A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24})");
  return value.size() <= 254 && value.find('@') != std::string_view::npos && RE2::FullMatch(value, email);
}

bool is_iban(std::string_view value) {
  static const std::map<std::string, size_t, std::less<>> lengths = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
      {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20},
      {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18},
      {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
      {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
      {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28},
      {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
      {"SM", 27}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VG", 24}, {"XK", 20}};
  std::string compact;
  for (char c : value) {
    if (c == ' ' || c == '-') continue;
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    compact += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (compact.size() < 15 || compact.size() > 34) return false;
  auto expected = lengths.find(std::string_view(compact).substr(0, 2));
  if (expected == lengths.end() || expected->second != compact.size()) return false;
  if (!std::isdigit(static_cast<unsigned char>(compact[2])) || !std::isdigit(static_cast<unsigned char>(compact[3])))
    return false;
  std::string rearranged = compact.substr(4) + compact.substr(0, 4);
  int remainder = 0;
  for (char c : rearranged) {
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A' + 10;
    remainder = v >= 10 ? (remainder * 100 + v) % 97 : (remainder * 10 + v) % 97;
  }
  return remainder == 1;
}

bool is_payment_card(std::string_view value) {
  std::string digits = digits_only(value);
  if (digits.size() < 13 || digits.size() > 19 || !luhn_valid(digits)) return false;
  auto prefix = [&](size_t n) { return std::stoi(digits.substr(0, n)); };
  int two = prefix(2), three = prefix(3), four = prefix(4), six = prefix(6);
  size_t n = digits.size();
  if (digits[0] == '4') return n == 13 || n == 16 || n == 19;                                   // Visa
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return n == 16;               // Mastercard
  if (two == 34 || two == 37) return n == 15;                                                    // Amex
  if (four == 6011 || two == 65 || (three >= 644 && three <= 649) || (six >= 622126 && six <= 622925))
    return n >= 16;                                                                              // Discover
  if (four >= 3528 && four <= 3589) return n >= 16;                                              // JCB
  if (two == 36 || two == 38 || two == 39 || (three >= 300 && three <= 305)) return n >= 14;     // Diners
  if (two == 62) return n >= 16;                                                                 // UnionPay
  if (two == 50 || (two >= 56 && two <= 69)) return n >= 12;                                     // Maestro
  return false;
}

bool is_ipv4(std::string_view value) {
  if (value.size() < 7 || value.size() > 15) return false;
  in_addr address{};
  return inet_pton(AF_INET, std::string(value).c_str(), &address) == 1;
}

bool is_ipv6(std::string_view value) {
  if (value.size() < 2 || value.size() > 45 || value.find(':') == std::string_view::npos) return false;
  in6_addr address{};
  return inet_pton(AF_INET6, std::string(value).c_str(), &address) == 1;
}

bool is_mac_address(std::string_view value) {
  static const RE2 mac(
      R"([0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})");
  return value.size() >= 14 && value.size() <= 17 && RE2::FullMatch(value, mac);
}

bool is_uuid(std::string_view value) {
  static const RE2 uuid(R"([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})");
  return value.size() == 36 && RE2::FullMatch(value, uuid);
}

bool is_imei(std::string_view value) {
  std::string digits = digits_only(value);
  return digits.size() == 15 && luhn_valid(digits);
}

bool is_us_ssn(std::string_view value) {
  static const RE2 ssn(R"((\d{3})-(\d{2})-(\d{4}))");
  std::string area, group, serial;
  if (!RE2::FullMatch(value, ssn, &area, &group, &serial)) return false;
  return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000";
}

bool is_uk_nino(std::string_view value) {
  static const RE2 nino(R"(([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?\d{2} ?\d{2} ?\d{2} ?[A-D])");
  std::string prefix;
  std::string upper(value);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!RE2::FullMatch(upper, nino, &prefix)) return false;
  return prefix != "BG" && prefix != "GB" && prefix != "NK" && prefix != "KN" && prefix != "TN" && prefix != "NT" &&
         prefix != "ZZ";
}

bool is_uk_nhs_number(std::string_view value) {
  std::string digits = digits_only(value);
  if (digits.size() != 10) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += digit(digits[i]) * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  return check != 10 && check == digit(digits[9]);
}

bool is_de_tax_id(std::string_view value) {
  std::string digits = digits_only(value);
  if (digits.size() != 11 || digits[0] == '0') return false;
  // In the first ten digits one digit appears two or three times, and at least one is missing.
  std::array<int, 10> counts{};
  for (int i = 0; i < 10; ++i) ++counts[digit(digits[i])];
  int repeated = 0, missing = 0;
  for (int count : counts) {
    if (count == 0) ++missing;
    if (count == 2 || count == 3) ++repeated;
    if (count > 3) return false;
  }
  if (repeated != 1 || missing == 0) return false;
  int product = 10;
  for (int i = 0; i < 10; ++i) {
    int sum = (digit(digits[i]) + product) % 10;
    if (sum == 0) sum = 10;
    product = (sum * 2) % 11;
  }
  int check = 11 - product;
  if (check == 10) check = 0;
  return check == digit(digits[10]);
}

bool is_pl_pesel(std::string_view value) {
  if (value.size() != 11 || !all_digits(value)) return false;
  static constexpr int weights[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
  int sum = 0;
  for (int i = 0; i < 10; ++i) sum += digit(value[i]) * weights[i];
  if ((10 - sum % 10) % 10 != digit(value[10])) return false;
  int year = digit(value[0]) * 10 + digit(value[1]);
  int month = digit(value[2]) * 10 + digit(value[3]);
  int day = digit(value[4]) * 10 + digit(value[5]);
  int century = 1900;
  if (month > 80) century = 1800, month -= 80;
  else if (month > 60) century = 2200, month -= 60;
  else if (month > 40) century = 2100, month -= 40;
  else if (month > 20) century = 2000, month -= 20;
  return valid_date(std::min(century + year, 2100), month, day);
}

bool is_in_aadhaar(std::string_view value) {
  std::string digits = digits_only(value);
  return digits.size() == 12 && digits[0] != '0' && digits[0] != '1' && verhoeff_valid(digits);
}

bool is_es_dni(std::string_view value) {
  static constexpr std::string_view letters = "TRWAGMYFPDXBNJZSQVHLCKE";
  if (value.size() != 9) return false;
  std::string number(value.substr(0, 8));
  char prefix = static_cast<char>(std::toupper(static_cast<unsigned char>(number[0])));
  if (prefix == 'X' || prefix == 'Y' || prefix == 'Z') number[0] = static_cast<char>('0' + (prefix - 'X'));
  if (!all_digits(number)) return false;
  char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(value[8])));
  return letters[std::stoul(number) % 23] == letter;
}

bool is_br_cpf(std::string_view value) {
  std::string digits = digits_only(value);
  if (digits.size() != 11 || std::all_of(digits.begin(), digits.end(), [&](char c) { return c == digits[0]; }))
    return false;
  for (int check = 9; check <= 10; ++check) {
    int sum = 0;
    for (int i = 0; i < check; ++i) sum += digit(digits[i]) * (check + 1 - i);
    if ((sum * 10) % 11 % 10 != digit(digits[check])) return false;
  }
  return true;
}

std::string_view national_id_scheme(std::string_view value) {
  if (value.size() < 9 || value.size() > 16) return {};
  if (is_us_ssn(value)) return "US SSN";
  if (is_es_dni(value)) return "Spanish DNI/NIE";
  if (is_uk_nino(value)) return "UK National Insurance number";
  if (is_pl_pesel(value)) return "PESEL";
  if (is_de_tax_id(value)) return "German tax ID";
  if (is_in_aadhaar(value)) return "Aadhaar";
  if (is_uk_nhs_number(value)) return "NHS number";
  if (is_br_cpf(value)) return "Brazilian CPF";
  return {};
}

bool parse_date(std::string_view value, int& year, int& month, int& day) {
  static const RE2 iso(R"((\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?)");
  static const RE2 european(R"((\d{1,2})[./](\d{1,2})[./](\d{4}))");
  if (value.size() < 8 || value.size() > 32) return false;
  if (RE2::FullMatch(value, iso, &year, &month, &day)) return valid_date(year, month, day);
  int first = 0, second = 0;
  if (!RE2::FullMatch(value, european, &first, &second, &year)) return false;
  if (valid_date(year, second, first)) {  // D.M.Y / D/M/Y
    month = second;
    day = first;
    return true;
  }
  if (valid_date(year, first, second)) {  // M/D/Y
    month = first;
    day = second;
    return true;
  }
  return false;
}

}  // namespace mlaudit::personal
