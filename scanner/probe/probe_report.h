#pragma once
// The probe's JSON document (printed on stdout, read by `mlaudit probe` and `mlaudit scan`).
// Its keys are a documented, stable interface (README, "Probing models"): model, device,
// output_kind, classes, evasion, backdoor, strip, poisoning, membership, diagnostics, and
// `figures` (adversarial examples, recovered triggers, ROC curves) for the HTML report.
#include <nlohmann/json.hpp>

#include <optional>

#include "probe/backdoor.h"
#include "probe/evasion.h"
#include "probe/membership.h"
#include "probe/poisoning.h"

namespace mlaudit::probe {

nlohmann::ordered_json evasion_json(double clean_accuracy, const std::vector<EvasionResult>& results);
nlohmann::ordered_json backdoor_json(const BackdoorResult& result);
nlohmann::ordered_json strip_json(const StripResult& result);
nlohmann::ordered_json poisoning_json(const PoisoningResult& result, size_t limit = 200);
nlohmann::ordered_json membership_json(const MembershipResult& result);
// Adversarial examples and recovered triggers as nested lists (rounded), for drawing.
nlohmann::ordered_json figures_json(const std::vector<EvasionResult>& evasion, const std::optional<BackdoorResult>& backdoor,
                                    const std::optional<MembershipResult>& membership);

}  // namespace mlaudit::probe
