#include "extract/python/large_literals.h"

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace mlaudit::python {
namespace {

bool is_prefix_letter(char c) {
  c = static_cast<char>(c | 0x20);
  return c == 'r' || c == 'b' || c == 'u' || c == 'f';
}

// The end (one past the closing quote) of the string whose quote is at `quote`.
size_t string_end(std::string_view source, size_t quote) {
  char q = source[quote];
  bool triple = source.substr(quote, 3) == std::string_view(q == '"' ? "\"\"\"" : "'''");
  size_t i = quote + (triple ? 3 : 1);
  while (i < source.size()) {
    char c = source[i];
    if (c == '\\') {  // raw strings too: a backslash keeps the next quote in the string
      i += 2;
      continue;
    }
    if (!triple && c == '\n') return i;  // unterminated: ends with its line
    if (c == q && (!triple || source.substr(i, 3) == std::string_view(q == '"' ? "\"\"\"" : "'''")))
      return i + (triple ? 3 : 1);
    ++i;
  }
  return source.size();
}

}  // namespace

std::string blank_large_literals(std::string_view source, uint64_t max_bytes, uint64_t max_depth,
                                 std::vector<BlankedRegion>& regions) {
  std::string out(source);
  if (source.size() <= max_bytes && max_depth >= source.size()) return out;  // nothing can exceed a limit
  struct Open {
    size_t at;
    uint32_t line;
  };
  struct Region {
    size_t from, to;  // [from, to): the inside of a bracket pair
    BlankedRegion report;
  };
  std::vector<Open> open;
  std::vector<Region> found;
  uint32_t line = 1;
  for (size_t i = 0; i < source.size(); ++i) {
    char c = source[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {
      while (i + 1 < source.size() && source[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      size_t end = string_end(source, i);
      line += static_cast<uint32_t>(std::count(source.begin() + static_cast<ptrdiff_t>(i),
                                               source.begin() + static_cast<ptrdiff_t>(end), '\n'));
      i = end - 1;
    } else if (is_prefix_letter(c) && (i == 0 || !(std::isalnum(static_cast<unsigned char>(source[i - 1])) || source[i - 1] == '_'))) {
      // rb"...", f'...': step over the prefix so the quote is seen as a string start
      size_t j = i;
      while (j < source.size() && j - i < 2 && is_prefix_letter(source[j])) ++j;
      if (j < source.size() && (source[j] == '"' || source[j] == '\'')) {
        i = j - 1;
      } else {
        while (i + 1 < source.size() && (std::isalnum(static_cast<unsigned char>(source[i + 1])) || source[i + 1] == '_')) ++i;
      }
    } else if (c == '(' || c == '[' || c == '{') {
      open.push_back({i, line});
    } else if ((c == ')' || c == ']' || c == '}') && !open.empty()) {
      Open start = open.back();
      open.pop_back();
      uint64_t length = i - start.at - 1;
      bool deep = open.size() >= max_depth;  // this pair sits at depth max_depth + 1
      if (length > max_bytes || deep) found.push_back({start.at + 1, i, {start.line, length, length <= max_bytes}});
    }
  }
  // Pairs never closed (a cut file) are judged up to the end.
  for (const Open& start : open) {
    uint64_t length = source.size() - start.at - 1;
    if (length > max_bytes) found.push_back({start.at + 1, source.size(), {start.line, length, false}});
  }
  // Blanking a region blanks what it holds: keep and report the outermost ones only.
  std::sort(found.begin(), found.end(), [](const Region& a, const Region& b) { return a.from < b.from || (a.from == b.from && a.to > b.to); });
  size_t blanked_to = 0;
  for (const Region& region : found) {
    if (region.to <= blanked_to) continue;
    for (size_t i = region.from; i < region.to; ++i)
      if (out[i] != '\n' && out[i] != '\r') out[i] = ' ';
    blanked_to = region.to;
    regions.push_back(region.report);
  }
  return out;
}

}  // namespace mlaudit::python
