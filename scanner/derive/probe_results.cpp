#include "derive/probe_results.h"

#include <algorithm>

namespace mlaudit {
using json = nlohmann::ordered_json;

json probe_measures(const ProbeReport& report, const ProbeThresholds& thresholds) {
  json measures = json::object();
  measures["evasion_ran"] = report.evasion.has_value();
  if (report.evasion) {
    // Judged at each attack's smallest budget: the weakest perturbation that still works.
    const EvasionCurve* weakest = nullptr;
    for (const auto& curve : report.evasion->curves)
      if (!curve.points.empty() && (!weakest || curve.points[0].robust_accuracy < weakest->points[0].robust_accuracy))
        weakest = &curve;
    if (weakest) {
      measures["clean_accuracy"] = report.evasion->clean_accuracy;
      measures["min_robust_accuracy"] = weakest->points[0].robust_accuracy;
      measures["weakest_attack"] = weakest->attack;
      measures["weakest_eps"] = weakest->points[0].eps;
      measures["robust_accuracy_threshold"] = thresholds.min_robust_accuracy;
    }
  }
  const auto& backdoor = report.backdoor;
  measures["backdoor_ran"] = backdoor.has_value();
  measures["backdoor_flagged"] = backdoor && backdoor->flagged;
  if (backdoor) {
    measures["backdoor_target"] = backdoor->target_class ? json(*backdoor->target_class) : json(nullptr);
    measures["backdoor_verdict"] = backdoor->verdict;
    measures["backdoor_reason"] = backdoor->reason;
    double strongest = 0;
    for (double index : backdoor->anomaly_index) strongest = std::max(strongest, index);
    measures["backdoor_max_index"] = strongest;
    measures["anomaly_threshold"] = backdoor->threshold;
  }
  if (report.strip) measures["strip_flagged_rate"] = report.strip->flagged_rate;
  const auto& poisoning = report.poisoning;
  size_t suspects = 0;
  std::vector<std::string> methods;
  // Spectral signatures rank every class's most outlying samples (a fixed share): a
  // ranking to review, not a verdict. The other two methods decide.
  if (poisoning)
    for (const char* method : {"activation_clustering", "label_noise"})
      if (int64_t count = poisoning->count(method); count > 0) suspects += count, methods.push_back(method);
  measures["poisoning_ran"] = poisoning.has_value();
  measures["poisoning_suspects"] = suspects;
  measures["poisoning_methods"] = methods;
  // A handful of suspects is normal (ambiguous samples, a stray cluster split); a sizeable
  // share of the training set is not.
  int64_t train = poisoning ? poisoning->train_samples : 0;
  double share = train > 0 ? double(suspects) / train : 0.0;
  measures["poisoning_suspect_share"] = share;
  measures["poisoning_share_threshold"] = thresholds.max_suspect_share;
  const auto& membership = report.membership;
  measures["membership_ran"] = membership.has_value();
  if (membership) {
    measures["membership_attack"] = membership->strongest_attack;
    measures["membership_auc"] = membership->auc;
    measures["membership_tpr_at_1pct_fpr"] = membership->tpr_at_1pct_fpr;
    measures["membership_auc_threshold"] = thresholds.max_membership_auc;
  }
  return measures;
}

std::vector<Fact> probe_result_facts(std::span<const ProbeRun> runs, std::vector<Diagnostic>& diagnostics) {
  std::vector<Fact> facts;
  for (const auto& run : runs) {
    const ProbeOutcome& outcome = run.outcome;
    if (!outcome.ran) {
      diagnostics.push_back({DiagnosticLevel::warning, outcome.refused ? "probe-refused" : "probe-failed",
                             Location{run.model}, outcome.problem});
      continue;
    }
    for (const auto& note : outcome.report.diagnostics)
      diagnostics.push_back({DiagnosticLevel::note, "probe-note", Location{run.model}, note.probe + ": " + note.message});
    json props = probe_measures(outcome.report, run.thresholds);
    props["model"] = run.model;
    props["report"] = outcome.report.to_json();
    facts.push_back({FactType::probe_result, Location{run.model}, std::move(props)});
  }
  return facts;
}

}  // namespace mlaudit
