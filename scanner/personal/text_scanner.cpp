#include "personal/text_scanner.h"

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
  for_each_personal_value(text, line, [&](const Category& category, std::string_view value, size_t at_line) {
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
