#pragma once
// The one masker for report text: whatever a report quotes from the project (snippets,
// messages, evidence) passes here. Secrets: the exact spans the secrets extractor found,
// plus any `password = value` assignment and user:password@ in URLs. Personal data: values
// recognisable on their own (e-mail, international phone, IBAN, card, national id) wherever
// they appear, and every word of lines that are data rather than code (dataset rows,
// notebook outputs), masked with personal::mask_value. Dataset column names survive.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "facts/fact.h"

namespace mlaudit {

class Redactor {
 public:
  explicit Redactor(const std::vector<Fact>& facts);

  // Masks `line_text` (line `line` of `file`): the secret spans found there, every value
  // when the line is data, then the generic patterns.
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
  std::unordered_map<std::string, std::unordered_set<std::string>> dataset_columns_;  // data files and their column names
  std::unordered_map<std::string, std::vector<std::pair<uint32_t, uint32_t>>> output_lines_;  // notebook outputs
  bool is_data_line(const std::string& file, uint32_t line) const;
};

}  // namespace mlaudit
