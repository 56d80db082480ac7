#pragma once
#include <cstdint>
#include <string>

namespace mlaudit {

// A place in the scanned tree. `file` is relative to the scan root with '/' separators.
// Lines and columns are 1-based; line 0 means "the whole file" unless byte_offset says where.
struct Location {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;
  int64_t byte_offset = -1;  // for binary files (a pickle opcode, a zip member): where in the file

  bool has_region() const { return line > 0; }
  friend bool operator==(const Location&, const Location&) = default;
  friend auto operator<=>(const Location&, const Location&) = default;
};

}  // namespace mlaudit
