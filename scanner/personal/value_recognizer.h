#pragma once
// Value checks per recognizer. `named` says the column's name already suggests the
// category: some checks (a bare ten-digit phone number, an integer age, a coordinate) are
// only meaningful then.
#include <string_view>

#include "personal/category_catalog.h"

namespace mlaudit::personal {

struct ValueMatch {
  bool matched = false;
  bool child = false;             // an age or birth date under 16
  std::string_view detail;        // e.g. the national-id scheme
};

ValueMatch recognize(Recognizer recognizer, std::string_view value, bool named);

// Whether a recognizer can classify a column from its values alone, without a telling name.
bool recognizes_without_name(Recognizer recognizer);

}  // namespace mlaudit::personal
