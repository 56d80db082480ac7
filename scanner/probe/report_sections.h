#pragma once
// The probes' results as sections of the typed report (probe_contract/probe_report.h),
// values rounded for printing: the child fills a ProbeReport with these and prints its JSON.
#include <optional>

#include "probe/backdoor.h"
#include "probe/evasion.h"
#include "probe/membership.h"
#include "probe/poisoning.h"
#include "probe_contract/probe_report.h"

namespace mlaudit::probe {

EvasionReport evasion_section(double clean_accuracy, const std::vector<EvasionResult>& results, EvasionRunSettings settings);
BackdoorReport backdoor_section(const BackdoorResult& result);
StripReport strip_section(const StripResult& result);
PoisoningReport poisoning_section(const PoisoningResult& result, int64_t train_samples, size_t limit = 200);
MembershipReport membership_section(const MembershipResult& result);
// Adversarial examples and recovered triggers as nested lists (rounded), for drawing.
ProbeFigures figures_section(const std::vector<EvasionResult>& evasion, const std::optional<BackdoorResult>& backdoor,
                             const std::optional<MembershipResult>& membership);

}  // namespace mlaudit::probe
