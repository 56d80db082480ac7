#include "extract/config/helm_template.h"

#include <algorithm>

namespace mlaudit {

bool is_helm_template(std::string_view path, std::string_view content) {
  bool in_templates = path.starts_with("templates/") || path.find("/templates/") != std::string_view::npos;
  return in_templates && content.find("{{") != std::string_view::npos;
}

std::string render_literal_parts(std::string_view content) {
  std::string out;
  out.reserve(content.size());
  size_t line_start = 0;     // where the current line begins in `out`
  bool action = false;       // the current line has an action
  bool literal = false;      // ...and something else than blanks besides
  auto end_line = [&] {
    if (action && !literal) out.resize(line_start);  // an action-only line: left empty
    action = literal = false;
  };
  for (size_t i = 0; i < content.size();) {
    if (content.compare(i, 2, "{{") == 0) {
      auto close = content.find("}}", i + 2);
      if (close == std::string_view::npos) close = content.size();  // unterminated: to the end
      // An action spanning lines (a long comment) keeps its newlines, empty.
      for (size_t j = i; j < close; ++j)
        if (content[j] == '\n') {
          end_line();
          out += '\n';
          line_start = out.size();
        }
      action = true;
      out += kHelmPlaceholder;
      i = std::min(close + 2, content.size());
      continue;
    }
    char c = content[i++];
    if (c == '\n') {
      end_line();
      out += '\n';
      line_start = out.size();
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\r') literal = true;
    out += c;
  }
  end_line();
  return out;
}

}  // namespace mlaudit
