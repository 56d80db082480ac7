#include "engine/derived_facts.h"

#include "integrity/dvc_integrity.h"
#include "personal/code_fields.h"

namespace mlaudit {

void add_derived_facts(const std::filesystem::path& root, const ProjectConfig& config, Extraction& extraction) {
  std::vector<Fact> derived = verify_dvc_records(root, extraction.facts);
  for (auto& fact : personal::personal_fields(extraction.facts)) derived.push_back(std::move(fact));
  std::string source = config.source.empty() ? std::string(".mlaudit.yml")
                                             : std::filesystem::path(config.source).lexically_relative(root).generic_string();
  if (source.empty() || source.starts_with("..")) source = std::filesystem::path(config.source).filename().string();
  for (const auto& declaration : config.privacy) {
    nlohmann::ordered_json props = declaration.props;
    props["scope"] = declaration.scope;
    props["target"] = declaration.target;
    derived.push_back({FactType::privacy_declaration, Location{source, declaration.line, 1}, std::move(props)});
  }
  extraction.facts.insert(extraction.facts.end(), std::make_move_iterator(derived.begin()),
                          std::make_move_iterator(derived.end()));
}

}  // namespace mlaudit
