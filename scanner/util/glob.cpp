#include "util/glob.h"

namespace mlaudit {
namespace {

// Matches a [...] class at pattern[p]; sets `consumed` to its length.
bool match_class(std::string_view pattern, size_t p, char c, size_t& consumed) {
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  for (; i < pattern.size() && (first || pattern[i] != ']'); ++i, first = false) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (c >= pattern[i] && c <= pattern[i + 2]) matched = true;
      i += 2;
    } else if (pattern[i] == c) {
      matched = true;
    }
  }
  if (i >= pattern.size()) {  // unterminated: treat '[' literally
    consumed = 1;
    return c == '[';
  }
  consumed = i - p + 1;
  return matched != negate;
}

bool match_from(std::string_view pattern, size_t p, std::string_view text, size_t t) {
  while (p < pattern.size()) {
    char pc = pattern[p];
    if (pc == '*') {
      bool double_star = p + 1 < pattern.size() && pattern[p + 1] == '*';
      if (double_star) {
        size_t next = p + 2;
        // "**/" also matches zero folders
        if (next < pattern.size() && pattern[next] == '/') {
          if (match_from(pattern, next + 1, text, t)) return true;
        }
        for (size_t k = t; k <= text.size(); ++k)
          if (match_from(pattern, next, text, k)) return true;
        return false;
      }
      for (size_t k = t; k <= text.size(); ++k) {
        if (match_from(pattern, p + 1, text, k)) return true;
        if (k < text.size() && text[k] == '/') break;
      }
      return false;
    }
    if (t >= text.size()) return false;
    if (pc == '?') {
      if (text[t] == '/') return false;
      ++p, ++t;
      continue;
    }
    if (pc == '[') {
      size_t consumed = 1;
      if (text[t] == '/' || !match_class(pattern, p, text[t], consumed)) return false;
      p += consumed, ++t;
      continue;
    }
    if (pc == '\\' && p + 1 < pattern.size()) pc = pattern[++p];
    if (pc != text[t]) return false;
    ++p, ++t;
  }
  return t == text.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return match_from(pattern, 0, text, 0); }

}  // namespace mlaudit
