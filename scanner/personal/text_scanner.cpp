#include "personal/text_scanner.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "personal/category_catalog.h"
#include "personal/masking.h"
#include "personal/value_recognizer.h"

namespace mlaudit::personal {
namespace {

bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';' || c == '|' || c == '"' ||
         c == '\'' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
         c == '=' || c == '\\';  // a backslash: text quoted from JSON (\" \n) is scanned too
}

// Trailing punctuation of a sentence is not part of the value.
std::string_view trimmed(std::string_view token) {
  while (!token.empty() && (token.back() == '.' || token.back() == ':' || token.back() == '!' || token.back() == '?'))
    token.remove_suffix(1);
  return token;
}

// The first strict recognizer that accepts `token`, or none.
const Category* strict_match(std::string_view token) {
  static const Recognizer kStrict[] = {Recognizer::email, Recognizer::iban, Recognizer::payment_card,
                                       Recognizer::national_id, Recognizer::phone};
  if (token.size() < 6 || token.size() > 64) return nullptr;
  // A decimal number (a probability 0.7848022143906432, a coordinate) is no card or id.
  static const RE2 decimal(R"(^[+-]?[0-9]*\.[0-9]+([eE][+-]?[0-9]+)?$)");
  if (RE2::FullMatch(token, decimal)) return nullptr;
  ValueShape shape(token);
  if (shape.digits < 6 && shape.at == 0) return nullptr;  // every strict check needs one or the other
  for (Recognizer recognizer : kStrict) {
    // A phone number in free text must be international (+49 ...); bare digit runs are ids, counts, prices.
    if (recognizer == Recognizer::phone && !token.starts_with('+')) continue;
    if (!shape_fits(recognizer, shape) || !recognize(recognizer, token, false).matched) continue;
    for (const auto& category : CategoryCatalog::get().categories())
      if (category.recognizer == recognizer) return &category;
  }
  return nullptr;
}

// Where a value written in groups ("+49 30 901820", "DE89 3704 0044 ...", "4111 1111 ...")
// may end: after each short alphanumeric group joined by a single space or dash, longest
// first (the words after a number are groups too: "+44 20 7946 0958 or ...").
std::vector<size_t> grouped_ends(std::string_view text, size_t start, size_t end) {
  std::vector<size_t> ends;
  while (ends.size() < 8 && end + 1 < text.size() && (text[end] == ' ' || text[end] == '-') &&
         std::isalnum(static_cast<unsigned char>(text[end + 1]))) {
    size_t next = end + 1;
    while (next < text.size() && std::isalnum(static_cast<unsigned char>(text[next]))) ++next;
    if (next - end - 1 > 6 || next - start > 40) break;
    end = next;
    ends.push_back(end);
  }
  std::reverse(ends.begin(), ends.end());
  return ends;
}

// Whether `words` (a label, a header line) name `category`: "SSN:", "card number", a
// printed frame's header "name  ssn  city".
bool names_category(std::string_view words, const Category& category) {
  size_t at = 0;
  while (at < words.size()) {
    while (at < words.size() && !std::isalnum(static_cast<unsigned char>(words[at]))) ++at;
    size_t end = at;
    while (end < words.size() && (std::isalnum(static_cast<unsigned char>(words[end])) || words[end] == '_')) ++end;
    if (end > at) {
      // The word alone and with the next one ("card number", "tax id").
      size_t next = end;
      while (next < words.size() && (words[next] == ' ' || words[next] == '-')) ++next;
      size_t pair_end = next;
      while (pair_end < words.size() && (std::isalnum(static_cast<unsigned char>(words[pair_end])) || words[pair_end] == '_')) ++pair_end;
      for (std::string_view candidate : {words.substr(at, end - at), words.substr(at, pair_end - at)}) {
        auto named = CategoryCatalog::get().match_name(candidate);
        if (std::find(named.begin(), named.end(), &category) != named.end()) return true;
      }
    }
    at = end;
  }
  return false;
}

// A bare run of digits that passes a national-id or card check is, in free text, mostly a
// number (an epoch timestamp, an element of a printed array, a count, `n/n` progress): it counts only with
// a label before it on its line or a header naming the category on the text's first line.
// Digits written in groups ("4111 1111 1111 1111") have the format's own shape, unless the
// groups are part of a longer run of numbers: "[2003 1976 2001 1915 ...", a printed array of years.
bool needs_label(const Category& category, std::string_view text, std::string_view value) {
  if (category.recognizer != Recognizer::national_id && category.recognizer != Recognizer::payment_card) return false;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  // Digits alone, or split by a slash (wget's `[877247/877247]` byte counts, a page `12/480`).
  if (std::all_of(value.begin(), value.end(), [&](char c) { return digit(c) || c == '/'; })) return true;
  if (!std::all_of(value.begin(), value.end(), [&](char c) { return digit(c) || c == ' ' || c == '-'; })) return false;
  size_t offset = static_cast<size_t>(value.data() - text.data());
  size_t after = offset + value.size();
  bool number_before = offset >= 2 && text[offset - 1] == ' ' && digit(text[offset - 2]);
  bool array_before = offset >= 1 && (text[offset - 1] == '[' || text[offset - 1] == '(');
  bool number_after = after + 1 < text.size() && text[after] == ' ' && digit(text[after + 1]);
  return number_before || array_before || number_after;
}

bool labelled(std::string_view text, std::string_view value, const Category& category) {
  size_t offset = static_cast<size_t>(value.data() - text.data());
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1;
  size_t label_start = offset - std::min<size_t>(offset - line_start, 40);
  if (names_category(text.substr(label_start, offset - label_start), category)) return true;
  std::string_view first_line = text.substr(0, std::min(text.find('\n'), size_t{400}));
  return line_start > 0 && names_category(first_line, category);
}

}  // namespace

void TextScanner::add(const std::string& category, std::string_view value, size_t line) {
  auto found = std::find_if(hits_.begin(), hits_.end(), [&](const TextHit& hit) { return hit.category == category; });
  if (found == hits_.end()) {
    hits_.push_back({category, mask_value(value), 1, line});
    return;
  }
  ++found->count;
}

void for_each_personal_value(std::string_view text, size_t line, const PersonalValueSink& found) {
  size_t at = 0;
  while (at < text.size()) {
    if (text[at] == '\n') ++line;
    if (is_separator(text[at])) {
      ++at;
      continue;
    }
    size_t end = at;
    while (end < text.size() && !is_separator(text[end])) ++end;
    bool may_be_grouped = end - at <= 6 && (text[at] == '+' || std::isalnum(static_cast<unsigned char>(text[at])));
    if (may_be_grouped) {
      bool matched = false;
      for (size_t group_end : grouped_ends(text, at, end)) {
        std::string_view grouped = trimmed(text.substr(at, group_end - at));
        if (const Category* category = strict_match(grouped)) {
          found(*category, grouped, line);
          at = group_end;
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    std::string_view token = trimmed(text.substr(at, end - at));
    at = end;
    if (const Category* category = strict_match(token)) found(*category, token, line);
  }
}

void TextScanner::scan(std::string_view text, size_t line) {
  // The masker (findings/redaction) still hides every value for_each_personal_value finds.
  for_each_personal_value(text, line, [&](const Category& category, std::string_view value, size_t at_line) {
    if (needs_label(category, text, value) && !labelled(text, value, category)) return;
    add(category.id, value, at_line);
  });
}

std::vector<TextHit> TextScanner::hits() const {
  std::vector<TextHit> sorted = hits_;
  const auto& catalog = CategoryCatalog::get();
  auto index = [&](const TextHit& hit) {
    const auto* category = catalog.find(hit.category);
    return category ? category->index : SIZE_MAX;
  };
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) { return index(a) < index(b); });
  return sorted;
}

}  // namespace mlaudit::personal
