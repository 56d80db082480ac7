#pragma once
// Keeps secrets out of reports: exact spans found by the secrets extractor, plus any
// `password = value` style assignment and user:password@ in URLs, wherever report text
// quotes the project (snippets, messages, evidence).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facts/fact.h"

namespace mlaudit {

class Redactor {
 public:
  explicit Redactor(const std::vector<Fact>& facts);

  // Masks `line_text` (line `line` of `file`) using the exact secret spans found there,
  // then the generic patterns.
  std::string redact_line(const std::string& file, uint32_t line, std::string_view line_text) const;
  // Generic patterns only, for text that is not a line of a file.
  static std::string redact_text(std::string_view text);
  static void redact_json(nlohmann::ordered_json& value);

 private:
  struct Span {
    uint32_t line, column, end_line, end_column;
    std::string masked;
  };
  std::unordered_map<std::string, std::vector<Span>> spans_;
};

}  // namespace mlaudit
