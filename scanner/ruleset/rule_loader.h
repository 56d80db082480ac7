#pragma once
// Loads rule packs: the ones embedded at build time (rules/<pack>/*.yml) and any user
// folders given with --rules. Each file is validated against rules/rule.schema.yml;
// problems come back as values naming the file, line and column.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ruleset/named_list.h"
#include "ruleset/rule.h"
#include "ruleset/schema.h"

namespace mlaudit {

struct RuleLoadError {
  std::string file;
  int line = 0, column = 0;
  std::string message;
  std::string to_string() const;
};

struct RuleSet {
  ListCatalog lists;  // named lists the rules' conditions refer to
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<RuleLoadError> errors;
  const Rule* find(std::string_view id) const;
};

RuleSet load_rules(const std::vector<std::filesystem::path>& user_folders);

// Problems of one rule document against rules/rule.schema.yml.
std::vector<SchemaError> validate_rule_document(const YAML::Node& document);

// Parses one rule document; throws RuleError (with position) on semantic problems.
std::unique_ptr<Rule> parse_rule(const YAML::Node& document, const std::string& source, const std::string& pack,
                                 const ListCatalog* lists = nullptr);

// Keeps the rules whose ids match `enable` (all when empty) and none of `disable`
// (globs such as "stride.*" work in both).
void filter_rules(RuleSet& rules, const std::vector<std::string>& enable, const std::vector<std::string>& disable);

}  // namespace mlaudit
