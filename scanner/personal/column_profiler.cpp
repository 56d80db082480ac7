#include "personal/column_profiler.h"

#include <algorithm>

#include "personal/masking.h"
#include "personal/value_recognizer.h"

namespace mlaudit::personal {
namespace {

// A column's values must mostly pass a check for the values alone to classify it.
constexpr double kValueOnlyShare = 0.8;
// With a telling name, half is enough (real columns hold blanks, "n/a", typos).
constexpr double kNamedShare = 0.5;
// With a telling name, so few passing values means a look-alike (invalid checksums).
constexpr double kLookAlikeShare = 0.2;
constexpr uint64_t kMinValues = 3;
// Values of a column checked in full before its candidates are settled or dropped.
constexpr uint64_t kSettleValues = 10000;

std::string_view trim_value(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.remove_suffix(1);
  return value;
}

// Recognizers whose values carry check digits: a telling name over values that mostly fail
// the check is a look-alike (test data, order numbers), not personal data.
bool has_checksum(Recognizer recognizer) {
  return recognizer == Recognizer::iban || recognizer == Recognizer::payment_card || recognizer == Recognizer::national_id;
}

// Values confirm names: a telling name over values none of which has the category's own
// format (an '@', a dialable number) is a look-alike: a `telephone` of yes/no. A few passing
// values among blanks or placeholders still confirm it. Addresses are written in too many
// ways for the check to refute one (a city, a zip under `address.*`), but a street column
// of short letter codes only (Grvl, Pave: a road surface) holds no address.
bool contradicted_by_values(Recognizer recognizer, uint64_t values, uint64_t matched, double share, uint64_t codes,
                            uint64_t small_numbers) {
  // A handful of values refutes a name only when none could be the category at all: a
  // `3SsnPorch` of 0, a `Street` of Pave in one sample record.
  if (values < 5)
    return values > 0 && recognizes_without_name(recognizer) && matched == 0 && codes + small_numbers == values;
  if (has_checksum(recognizer)) return share < kLookAlikeShare;
  if (recognizer == Recognizer::street_address) return matched == 0 && codes == values;
  return recognizes_without_name(recognizer) && matched == 0;
}

bool is_null_marker(std::string_view value) {
  return value.empty() || value == "NA" || value == "N/A" || value == "n/a" || value == "null" || value == "NULL" ||
         value == "None" || value == "nan" || value == "NaN" || value == "-";
}

}  // namespace

ColumnProfiler::ColumnProfiler(std::string name) : name_(std::move(name)) {
  const CategoryCatalog& catalog = CategoryCatalog::get();
  std::vector<const Category*> named = catalog.match_name(name_);
  for (const auto& category : catalog.categories()) {
    bool is_named = std::find(named.begin(), named.end(), &category) != named.end();
    bool by_values = (category.recognizer != Recognizer::none && recognizes_without_name(category.recognizer)) ||
                     !category.values.empty();
    if (is_named || by_values) candidates_.push_back({&category, is_named});
    if (by_values && category.recognizer == Recognizer::none) has_vocabulary_ = true;
  }
}

void ColumnProfiler::add(std::string_view raw) {
  std::string_view value = trim_value(raw);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  if (is_null_marker(value)) return;
  ++non_empty_;
  if (!active_) return;
  ValueShape shape(value);
  if (shape.size <= 4 && shape.letters == shape.size) ++letter_codes_;
  else if (shape.digits > 0 && shape.digits <= 4 && value.find_first_not_of("0123456789.-") == std::string_view::npos)
    ++small_numbers_;
  uint64_t vocabulary = 0;
  if (has_vocabulary_ && value.size() <= 40 && shape.digits == 0 && shape.letters > 0) {
    key_ = normalize_name(value);
    vocabulary = CategoryCatalog::get().vocabulary_mask(key_);
  }
  for (auto& candidate : candidates_) {
    if (candidate.dropped) continue;
    const Category& category = *candidate.category;
    bool matched = false;
    if (category.recognizer != Recognizer::none) {
      if (!shape_fits(category.recognizer, shape)) continue;
      if (candidate.settled) {
        matched = true;  // the column's values have been checked; this one has their shape
      } else {
        ValueMatch match = recognize(category.recognizer, value, candidate.named);
        matched = match.matched;
        if (match.child) ++candidate.children;
        if (matched && candidate.detail.empty() && !match.detail.empty()) candidate.detail = match.detail;
      }
    } else {
      matched = (vocabulary >> category.index) & 1;
    }
    if (!matched) continue;
    ++candidate.matched;
    if (candidate.example.empty()) candidate.example = mask_value(value);
  }
  if (non_empty_ == kSettleValues) settle();
}

// After the settling window a column's nature is known. Checks that almost always pass
// are trusted to the value's shape from then on (libphonenumber and the checksum
// validators cost microseconds a value); value-only candidates that almost never pass
// are dropped. Age and birth-date checks keep running: they count children.
void ColumnProfiler::settle() {
  for (auto& candidate : candidates_) {
    double share = static_cast<double>(candidate.matched) / static_cast<double>(non_empty_);
    Recognizer recognizer = candidate.category->recognizer;
    bool counts_children = recognizer == Recognizer::age || recognizer == Recognizer::date_of_birth;
    if (recognizer != Recognizer::none && share >= 0.95 && !counts_children) candidate.settled = true;
    if (!candidate.named && share < 0.01) candidate.dropped = true;
  }
  active_ = std::any_of(candidates_.begin(), candidates_.end(), [](const Candidate& candidate) { return !candidate.dropped; });
  has_vocabulary_ = std::any_of(candidates_.begin(), candidates_.end(), [](const Candidate& candidate) {
    return !candidate.dropped && candidate.category->recognizer == Recognizer::none && !candidate.category->values.empty();
  });
}

ColumnProfiler::NameCheck ColumnProfiler::check_name(const Candidate& candidate) const {
  const Category& category = *candidate.category;
  bool checkable = category.recognizer != Recognizer::none || !category.values.empty();
  double share = non_empty_ ? static_cast<double>(candidate.matched) / static_cast<double>(non_empty_) : 0.0;
  if (checkable && non_empty_ >= kMinValues && share >= kNamedShare) return NameCheck::confirmed;
  if (contradicted_by_values(category.recognizer, non_empty_, candidate.matched, share, letter_codes_, small_numbers_)) return NameCheck::refuted;
  return NameCheck::unchecked;
}

std::vector<const Category*> ColumnProfiler::look_alikes() const {
  std::vector<const Category*> out;
  for (const auto& candidate : candidates_)
    if (candidate.named && check_name(candidate) == NameCheck::refuted) out.push_back(candidate.category);
  return out;
}

std::vector<ColumnVerdict> ColumnProfiler::verdicts() const {
  std::vector<ColumnVerdict> out;
  for (const auto& candidate : candidates_) {
    const Category& category = *candidate.category;
    double share = non_empty_ ? static_cast<double>(candidate.matched) / static_cast<double>(non_empty_) : 0.0;
    ColumnVerdict verdict{&category, "", "", non_empty_, candidate.matched, candidate.example, candidate.detail};
    if (candidate.named) {
      NameCheck check = check_name(candidate);
      if (check == NameCheck::confirmed) {
        verdict.confidence = "high";
        verdict.source = "name+values";
      } else if (check == NameCheck::refuted) {
        continue;  // named like it, but the values fail the check: a look-alike
      } else {
        verdict.confidence = "medium";
        verdict.source = "name";
      }
    } else {
      if (non_empty_ < kMinValues || share < kValueOnlyShare) continue;
      verdict.confidence = "high";
      verdict.source = "values";
    }
    bool children = candidate.children > 0;
    if (children)
      verdict.detail = std::to_string(candidate.children) + (candidate.children == 1 ? " person" : " people") + " under 16";
    out.push_back(verdict);
    // Ages or birth dates under 16 make it data about children (Art. 8) as well.
    if (children && verdict.source != "name")
      if (const Category* child = CategoryCatalog::get().find("child")) {
        verdict.category = child;
        verdict.matched = candidate.children;
        verdict.example.clear();
        out.push_back(std::move(verdict));
      }
  }
  // Best first: checked by values before name-only, then catalog order.
  std::stable_sort(out.begin(), out.end(), [](const ColumnVerdict& a, const ColumnVerdict& b) {
    return (a.confidence == "high") > (b.confidence == "high");
  });
  return out;
}

}  // namespace mlaudit::personal
