#pragma once
// The attacks mlaudit-probe runs, in the order it runs them, and the report section each
// fills. `--attacks` and `.mlaudit.yml`'s `attacks:` accept these names and `pgd` (another
// name for pgd_linf).
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct ProbeAttack {
  std::string_view name;
  std::string_view section;   // the report's key: evasion, backdoor, strip, poisoning, membership
};

inline constexpr std::array<ProbeAttack, 7> kProbeAttacks{{{"fgsm", "evasion"},
                                                           {"pgd_linf", "evasion"},
                                                           {"pgd_l2", "evasion"},
                                                           {"backdoor", "backdoor"},
                                                           {"strip", "strip"},
                                                           {"poisoning", "poisoning"},
                                                           {"membership", "membership"}}};

// Every name an option may give, aliases included: fgsm, pgd, pgd_linf, ...
std::vector<std::string> accepted_attack_names();
// pgd -> pgd_linf; other names unchanged.
std::string canonical_attack_name(std::string_view name);
// "fgsm, pgd_linf (pgd), pgd_l2, ...", for help texts.
std::string attack_names_for_help();

}  // namespace mlaudit
