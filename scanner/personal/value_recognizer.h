#pragma once
// Value checks per recognizer. `named` says the column's name already suggests the
// category: some checks (a bare ten-digit phone number, an integer age, a coordinate) are
// only meaningful then.
#include <string_view>

#include "personal/category_catalog.h"

namespace mlaudit::personal {

// Character counts of a value, computed once and used to skip checks that cannot pass.
struct ValueShape {
  size_t size = 0, digits = 0, letters = 0, spaces = 0, at = 0, plus = 0, colons = 0, dots = 0, dashes = 0;
  size_t other = 0;  // anything else (punctuation, non-ASCII bytes)
  explicit ValueShape(std::string_view value);
};

// A necessary condition for `recognizer` to accept a value of this shape (cheap).
bool shape_fits(Recognizer recognizer, const ValueShape& shape);

struct ValueMatch {
  bool matched = false;
  bool child = false;             // an age or birth date under 16
  std::string_view detail;        // e.g. the national-id scheme
};

ValueMatch recognize(Recognizer recognizer, std::string_view value, bool named);

// Whether a recognizer can classify a column from its values alone, without a telling name.
bool recognizes_without_name(Recognizer recognizer);

}  // namespace mlaudit::personal
