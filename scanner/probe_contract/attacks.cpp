#include "probe_contract/attacks.h"

namespace mlaudit {

std::vector<std::string> accepted_attack_names() {
  std::vector<std::string> names;
  for (const auto& attack : kProbeAttacks) {
    names.emplace_back(attack.name);
    if (attack.name == "pgd_linf") names.emplace_back("pgd");
  }
  return names;
}

std::string canonical_attack_name(std::string_view name) { return name == "pgd" ? "pgd_linf" : std::string(name); }

std::string attack_names_for_help() {
  std::string text;
  for (const auto& attack : kProbeAttacks)
    text += (text.empty() ? "" : ", ") + std::string(attack.name) + (attack.name == "pgd_linf" ? " (pgd)" : "");
  return text;
}

}  // namespace mlaudit
