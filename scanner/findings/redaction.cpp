#include "findings/redaction.h"

#include <re2/re2.h>

#include <cctype>

#include "personal/masking.h"
#include "personal/text_scanner.h"
#include "util/text.h"

namespace mlaudit {
namespace {

bool is_word_separator(char c) {
  return c == ' ' || c == '\t' || c == ',' || c == ';' || c == '|' || c == '"' || c == '\'' || c == ':' || c == '=' ||
         c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '<' || c == '>';
}

// Every word of a data line masked, except the dataset's column names; JSON escapes
// ("\n") kept as they are.
std::string mask_words(std::string_view text, const std::unordered_set<std::string>* column_names) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    if (text[at] == '\\' && at + 1 < text.size()) {
      out.append(text.substr(at, 2));
      at += 2;
      continue;
    }
    if (is_word_separator(text[at])) {
      out += text[at++];
      continue;
    }
    size_t end = at;
    while (end < text.size() && !is_word_separator(text[end]) && text[end] != '\\') ++end;
    std::string word(text.substr(at, end - at));
    out += column_names && column_names->contains(word) ? word : personal::mask_value(word);
    at = end;
  }
  return out;
}

// Personal values that stand on their own, wherever they appear.
std::string mask_personal_values(std::string_view text) {
  std::string out;
  size_t copied = 0;
  personal::for_each_personal_value(text, 0, [&](const personal::Category&, std::string_view value, size_t) {
    auto begin = static_cast<size_t>(value.data() - text.data());
    out.append(text.substr(copied, begin - copied));
    out += personal::mask_value(value);
    copied = begin + value.size();
  });
  out.append(text.substr(copied));
  return out;
}

}  // namespace

Redactor::Redactor(const std::vector<Fact>& facts) {
  for (const auto& fact : facts) {
    const Location& at = fact.location;
    if (fact.type == FactType::secret) {
      spans_[at.file].push_back({at.line, at.column, at.end_line, at.end_column, fact.props.value("masked", "***")});
    } else if (fact.type == FactType::dataset) {
      auto& names = dataset_columns_[at.file];
      for (const auto& column : fact.props.value("columns", nlohmann::ordered_json::array())) {
        if (!column.is_string()) continue;
        std::string name = column.get<std::string>();
        names.insert(name);
        if (auto dot = name.rfind('.'); dot != std::string::npos) names.insert(name.substr(dot + 1));  // nested JSON keys
        size_t start = 0;  // the words of "First Name", as mask_words sees them
        for (size_t i = 0; i <= name.size(); ++i)
          if (i == name.size() || is_word_separator(name[i])) {
            if (i > start) names.insert(name.substr(start, i - start));
            start = i + 1;
          }
      }
    } else if (fact.type == FactType::output_personal_data) {
      auto& ranges = output_lines_[at.file];
      if (!ranges.empty()) continue;  // every fact of a notebook carries the same ranges
      for (const auto& range : fact.props.value("output_lines", nlohmann::ordered_json::array()))
        if (range.is_array() && range.size() == 2) ranges.emplace_back(range[0].get<uint32_t>(), range[1].get<uint32_t>());
    }
  }
}

bool Redactor::is_data_line(const std::string& file, uint32_t line) const {
  auto outputs = output_lines_.find(file);
  if (outputs == output_lines_.end()) return false;
  for (const auto& [first, last] : outputs->second)
    if (line >= first && line <= last) return true;
  return false;
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
  if (auto dataset = dataset_columns_.find(file); dataset != dataset_columns_.end())
    text = mask_words(text, &dataset->second);
  else if (is_data_line(file, line))
    text = mask_words(text, nullptr);
  return redact_text(text);
}

std::string Redactor::redact_text(std::string_view input) {
  std::string text = mask_personal_values(input);
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
