#include "derive/probe_results.h"

#include <algorithm>
#include <limits>

namespace mlaudit {
using json = nlohmann::ordered_json;

json probe_measures(const json& report, const ProbeThresholds& thresholds) {
  json measures = json::object();
  const json& evasion = report.contains("evasion") ? report["evasion"] : json();
  measures["evasion_ran"] = evasion.is_object();
  measures["evasion_weak"] = false;
  if (evasion.is_object()) {
    // Judged at each attack's smallest budget: the weakest perturbation that still works.
    double worst = std::numeric_limits<double>::infinity();
    std::string weakest;
    double eps = 0;
    for (const char* attack : {"fgsm", "pgd_linf", "pgd_l2"}) {
      if (!evasion.contains(attack) || evasion[attack].empty()) continue;
      const json& first = evasion[attack][0];
      if (first.value("robust_accuracy", 1.0) < worst) {
        worst = first.value("robust_accuracy", 1.0);
        weakest = attack;
        eps = first.value("eps", 0.0);
      }
    }
    if (!weakest.empty()) {
      measures["clean_accuracy"] = evasion.value("clean_accuracy", 0.0);
      measures["min_robust_accuracy"] = worst;
      measures["weakest_attack"] = weakest;
      measures["weakest_eps"] = eps;
      measures["robust_accuracy_threshold"] = thresholds.min_robust_accuracy;
      measures["evasion_weak"] = worst < thresholds.min_robust_accuracy;
    }
  }
  const json& backdoor = report.contains("backdoor") ? report["backdoor"] : json();
  measures["backdoor_ran"] = backdoor.is_object();
  measures["backdoor_flagged"] = backdoor.is_object() && backdoor.value("flagged", false);
  if (backdoor.is_object()) {
    measures["backdoor_target"] = backdoor["target_class"];
    measures["backdoor_verdict"] = backdoor.value("verdict", backdoor.value("flagged", false) ? "suspected" : "not-found");
    measures["backdoor_reason"] = backdoor.value("reason", "");
    double strongest = 0;
    for (const auto& index : backdoor["anomaly_index"]) strongest = std::max(strongest, index.get<double>());
    measures["backdoor_max_index"] = strongest;
    measures["anomaly_threshold"] = backdoor.value("threshold", 2.0);
  }
  if (report.contains("strip") && report["strip"].is_object()) measures["strip_flagged_rate"] = report["strip"].value("flagged_rate", 0.0);
  const json& poisoning = report.contains("poisoning") ? report["poisoning"] : json();
  size_t suspects = 0;
  std::vector<std::string> methods;
  // Spectral signatures rank every class's most outlying samples (a fixed share): a
  // ranking to review, not a verdict. The other two methods decide.
  if (poisoning.is_object())
    for (const char* method : {"activation_clustering", "label_noise"})
      if (size_t count = poisoning["counts"].value(method, size_t{0}); count > 0) suspects += count, methods.push_back(method);
  measures["poisoning_ran"] = poisoning.is_object();
  measures["poisoning_suspects"] = suspects;
  measures["poisoning_methods"] = methods;
  // A handful of suspects is normal (ambiguous samples, a stray cluster split); a sizeable
  // share of the training set is not.
  size_t train = poisoning.is_object() ? poisoning.value("train_samples", size_t{0}) : 0;
  double share = train ? double(suspects) / train : 0.0;
  measures["poisoning_suspect_share"] = share;
  measures["poisoning_share_threshold"] = thresholds.max_suspect_share;
  measures["poisoning_flagged"] = share >= thresholds.max_suspect_share;
  const json& membership = report.contains("membership") ? report["membership"] : json();
  measures["membership_ran"] = membership.is_object();
  measures["membership_vulnerable"] = false;
  if (membership.is_object()) {
    measures["membership_attack"] = membership.value("strongest_attack", "loss");
    measures["membership_auc"] = membership.value("auc", 0.5);
    measures["membership_tpr_at_1pct_fpr"] = membership.value("tpr_at_1pct_fpr", 0.0);
    measures["membership_auc_threshold"] = thresholds.max_membership_auc;
    measures["membership_vulnerable"] = membership.value("auc", 0.5) > thresholds.max_membership_auc;
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
    for (const auto& note : outcome.report.value("diagnostics", json::array()))
      diagnostics.push_back({DiagnosticLevel::note, "probe-note", Location{run.model},
                             note.value("probe", "") + ": " + note.value("message", "")});
    json props = probe_measures(outcome.report, run.thresholds);
    props["model"] = run.model;
    props["report"] = outcome.report;
    facts.push_back({FactType::probe_result, Location{run.model}, std::move(props)});
  }
  return facts;
}

}  // namespace mlaudit
