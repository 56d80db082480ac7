#include "derive/privacy_declarations.h"

namespace mlaudit {

std::vector<Fact> declaration_facts(const std::string& config_file, std::span<const PrivacyDeclaration> declarations) {
  std::vector<Fact> facts;
  for (const auto& declaration : declarations) {
    nlohmann::ordered_json props = declaration.props;
    props["scope"] = declaration.scope;
    props["target"] = declaration.target;
    facts.push_back({FactType::privacy_declaration, Location{config_file, declaration.line, 1}, std::move(props)});
  }
  return facts;
}

}  // namespace mlaudit
