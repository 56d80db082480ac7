#include "util/toml_nesting.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace mlaudit {

size_t deepest_dotted_key(std::string_view text) {
  size_t deepest = 0, run = 0;
  bool after_dot = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') {  // comment to the end of the line
      while (i < text.size() && text[i] != '\n') ++i;
      run = 0, after_dot = false;
      continue;
    }
    if (c == '"' || c == '\'') {  // a string, perhaps multi-line, is one key segment at most
      bool triple = text.substr(i, 3) == std::string(3, c);
      size_t end = i + (triple ? 3 : 1);
      while (end < text.size()) {
        if (c == '"' && text[end] == '\\') {
          end += 2;
          continue;
        }
        if (triple ? text.substr(end, 3) == std::string(3, c) : text[end] == c) break;
        if (!triple && text[end] == '\n') break;
        ++end;
      }
      i = std::min(text.size(), end + (triple ? 3 : 1)) - 1;
      run = after_dot ? run + 1 : 1;
      after_dot = false;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      while (i + 1 < text.size() && (std::isalnum(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '_' || text[i + 1] == '-'))
        ++i;
      run = after_dot ? run + 1 : 1;
      after_dot = false;
    } else if (c == '.') {
      after_dot = true;
    } else if (c != ' ' && c != '\t') {
      run = 0, after_dot = false;
    }
    deepest = std::max(deepest, run);
  }
  return deepest;
}

}  // namespace mlaudit
