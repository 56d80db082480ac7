#pragma once
#include <cstdint>
#include <string>

namespace mlaudit {

// A place in the scanned tree. `file` is relative to the scan root with '/' separators.
// Lines and columns are 1-based; line 0 means "the whole file".
struct Location {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;

  bool has_region() const { return line > 0; }
  friend bool operator==(const Location&, const Location&) = default;
  friend auto operator<=>(const Location&, const Location&) = default;
};

}  // namespace mlaudit
