#pragma once
// Personal data in free text (notebook outputs, printed frames, logs committed to the
// repository): tokens that pass a value check strict enough to stand without a column name —
// e-mail addresses, international phone numbers, IBANs, payment cards, national IDs.
// Looser shapes (IP addresses, bare digit runs, street names) are left out: in free text
// they are mostly something else.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "personal/category_catalog.h"

namespace mlaudit::personal {

// Calls `found` with each personal value in `text` as it stands in the text, and the line it
// is on (`line` is where the text starts). Callers mask what they keep: see mask_value.
using PersonalValueSink = std::function<void(const Category& category, std::string_view value, size_t line)>;
void for_each_personal_value(std::string_view text, size_t line, const PersonalValueSink& found);

struct TextHit {
  std::string category;   // catalog id
  std::string example;    // masked
  size_t count = 0;
  size_t first_line = 0;  // 0-based line of the first hit within the text given
};

class TextScanner {
 public:
  // Adds the personal values in `text`; `line` is where the text starts.
  void scan(std::string_view text, size_t line);
  // One hit per category, in catalog order.
  std::vector<TextHit> hits() const;

 private:
  std::vector<TextHit> hits_;
  void add(const std::string& category, std::string_view value, size_t line);
};

}  // namespace mlaudit::personal
