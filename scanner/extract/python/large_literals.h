#pragma once
// A Python collection literal of megabytes (`DATA = [1, 2, 3, …]`) costs tree-sitter about a
// hundred bytes per element: a 9 MB list took 1 GB. Its inside holds data, not the calls and
// imports the analysis looks for, so before parsing, the inside of every bracket pair longer
// than a limit (or nested deeper than one) is blanked: replaced by spaces, line breaks kept,
// so every other byte keeps its line and column.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit::python {

struct BlankedRegion {
  uint32_t line = 0;    // 1-based line of the opening bracket
  uint64_t bytes = 0;   // length of what was blanked
  bool too_deep = false;  // blanked for its nesting, not its size
};

// Returns `source` with the insides of brackets longer than `max_bytes` or nested deeper
// than `max_depth` blanked; `regions` lists them. Comments and strings are skipped by a
// small lexer (prefixes, triple quotes, escapes), so brackets inside them do not count.
std::string blank_large_literals(std::string_view source, uint64_t max_bytes, uint64_t max_depth,
                                 std::vector<BlankedRegion>& regions);

}  // namespace mlaudit::python
