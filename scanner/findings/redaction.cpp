#include "findings/redaction.h"

#include <re2/re2.h>

#include "util/text.h"

namespace mlaudit {

Redactor::Redactor(const std::vector<Fact>& facts) {
  for (const auto& fact : facts) {
    if (fact.type != FactType::secret) continue;
    const Location& at = fact.location;
    spans_[at.file].push_back({at.line, at.column, at.end_line, at.end_column, fact.props.value("masked", "***")});
  }
}

std::string Redactor::redact_line(const std::string& file, uint32_t line, std::string_view line_text) const {
  std::string text(line_text);
  if (auto found = spans_.find(file); found != spans_.end()) {
    for (const Span& span : found->second) {
      if (line < span.line || line > span.end_line) continue;
      if (span.line != span.end_line && line > span.line) {  // inside a multi-line secret (a key block)
        text = "…(redacted)…";
        continue;
      }
      size_t begin = span.column > 0 ? span.column - 1 : 0;
      size_t end = span.line == span.end_line && span.end_column > 0 ? span.end_column - 1 : text.size();
      if (begin < text.size()) text.replace(begin, std::min(end, text.size()) - begin, span.masked);
    }
  }
  return redact_text(text);
}

std::string Redactor::redact_text(std::string_view input) {
  std::string text(input);
  static const RE2 assignment(
      R"((?i)((?:password|passwd|pwd|secret|token|api_?key|apikey|access_?key|private_?key|client_?secret|credentials?)[\w.\-]*["']?\s*[:=]\s*[bru]?["']?)([^\s"',;)}\]]{3,}))");
  static const RE2 url_credentials(R"(([a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@"']+:)([^@/\s"']+)@)");
  RE2::GlobalReplace(&text, assignment, R"(\1***)");
  RE2::GlobalReplace(&text, url_credentials, R"(\1***@)");
  return text;
}

void Redactor::redact_json(nlohmann::ordered_json& value) {
  if (value.is_string()) {
    value = redact_text(value.get<std::string>());
  } else if (value.is_structured()) {
    for (auto& item : value) redact_json(item);
  }
}

}  // namespace mlaudit
