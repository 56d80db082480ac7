#include "probe/probe_report.h"

#include <cmath>

namespace mlaudit::probe {
namespace {

using json = nlohmann::ordered_json;

double rounded(double value, double scale = 1e4) { return std::round(value * scale) / scale; }

// A tensor as nested lists (2-D images: rows; 3-D: channels of rows), 3 decimals.
json tensor_json(const torch::Tensor& tensor) {
  auto t = tensor.to(torch::kFloat32).contiguous();
  if (t.dim() == 0) return rounded(t.item<double>(), 1e3);
  json out = json::array();
  for (int64_t i = 0; i < t.size(0); ++i) out.push_back(tensor_json(t[i]));
  return out;
}

json suspects_json(const std::vector<Suspect>& suspects, size_t limit) {
  json out = json::array();
  for (size_t i = 0; i < suspects.size() && i < limit; ++i)
    out.push_back({{"index", suspects[i].index}, {"score", rounded(suspects[i].score)}});
  return out;
}

json interval_json(const Interval& interval) { return json::array({rounded(interval.low), rounded(interval.high)}); }

json roc_json(const AttackRoc& roc) {
  json curve = json::array();
  for (const auto& point : roc.curve) curve.push_back({rounded(point.fpr), rounded(point.tpr)});
  return {{"auc", rounded(roc.auc)},
          {"auc_ci", interval_json(roc.auc_ci)},
          {"tpr_at_01pct_fpr", rounded(roc.tpr_at_01pct_fpr)},
          {"tpr_at_01pct_fpr_ci", interval_json(roc.tpr_at_01pct_fpr_ci)},
          {"tpr_at_1pct_fpr", rounded(roc.tpr_at_1pct_fpr)},
          {"tpr_at_1pct_fpr_ci", interval_json(roc.tpr_at_1pct_fpr_ci)},
          {"curve", curve}};
}

json finite_or_null(double value) { return std::isfinite(value) ? json(rounded(value)) : json(nullptr); }

}  // namespace

json evasion_json(double clean_accuracy, const std::vector<EvasionResult>& results) {
  json out = {{"clean_accuracy", rounded(clean_accuracy)}};
  for (const auto& result : results) {
    json points = json::array();
    for (const auto& point : result.points)
      points.push_back({{"eps", point.eps}, {"robust_accuracy", rounded(point.robust_accuracy)},
                        {"success_rate", rounded(point.success_rate)}});
    out[to_string(result.attack)] = points;
  }
  return out;
}

json backdoor_json(const BackdoorResult& result) {
  json index = json::array(), norms = json::array(), classes = json::array();
  for (const auto& trigger : result.triggers) {
    index.push_back(rounded(trigger.anomaly_index));
    norms.push_back(rounded(trigger.mask_l1));
    json starts = json::array();
    for (double l1 : trigger.start_l1) starts.push_back(finite_or_null(l1));
    classes.push_back({{"class", trigger.target_class}, {"mask_l1", rounded(trigger.mask_l1)}, {"start_l1", starts},
                       {"reached_success_target", trigger.reached_target}, {"attack_success", rounded(trigger.attack_success)},
                       {"heldout_attack_success", rounded(trigger.heldout_success)},
                       {"strip_entropy", rounded(trigger.strip_entropy)}, {"anomaly_index", rounded(trigger.anomaly_index)}});
  }
  const auto& settings = result.settings;
  return {{"verdict", to_string(result.verdict)},
          {"reason", result.reason},
          {"flagged", result.flagged()},
          {"target_class", result.target_class ? json(*result.target_class) : json(nullptr)},
          {"anomaly_index", index},
          {"threshold", result.threshold},
          {"trigger_l1", norms},
          {"classes", classes},
          {"clean_strip_entropy_mean", rounded(result.clean_strip_entropy_mean)},
          {"strip_entropy_threshold", rounded(result.strip_entropy_threshold)},
          {"settings", {{"steps", settings.steps}, {"restarts", settings.restarts}, {"batch", settings.batch},
                        {"heldout_success", settings.heldout_success}, {"strip_quantile", settings.strip_quantile},
                        {"min_spread", settings.min_spread}, {"optimisation_inputs", result.optimisation_inputs},
                        {"heldout_inputs", result.heldout_inputs}}},
          {"method", "neural-cleanse"}};
}

json strip_json(const StripResult& result) {
  json flagged = json::array();
  for (auto index : result.flagged) flagged.push_back(index);
  double mean = 0;
  for (double value : result.entropy) mean += value;
  return {{"threshold", rounded(result.threshold)},
          {"clean_entropy_mean", rounded(result.clean_mean)},
          {"clean_entropy_std", rounded(result.clean_std)},
          {"suspect_entropy_mean", rounded(result.entropy.empty() ? 0 : mean / result.entropy.size())},
          {"inputs", result.entropy.size()},
          {"flagged_indices", flagged},
          {"flagged_rate", rounded(result.entropy.empty() ? 0 : double(result.flagged.size()) / result.entropy.size())}};
}

json poisoning_json(const PoisoningResult& result, size_t limit) {
  json layers = json::array(), classes = json::array();
  for (const auto& layer : result.layers) layers.push_back({{"layer", layer.layer}, {"separation", rounded(layer.statistic)}});
  for (const auto& split : result.classes)
    classes.push_back({{"class", split.label}, {"samples", split.samples}, {"silhouette", rounded(split.silhouette)},
                       {"spread_index", rounded(split.index)}, {"poison_cluster", split.poison_cluster},
                       {"source_entropy", {rounded(split.source_entropy[0]), rounded(split.source_entropy[1])}}});
  return {{"suspected_indices",
           {{"activation_clustering", suspects_json(result.activation_clustering, limit)},
            {"spectral_signatures", suspects_json(result.spectral_signatures, limit)},
            {"label_noise", suspects_json(result.label_noise, limit)},
            {"combined", suspects_json(result.combined, limit)}}},
          {"counts",
           {{"activation_clustering", result.activation_clustering.size()},
            {"spectral_signatures", result.spectral_signatures.size()},
            {"label_noise", result.label_noise.size()},
            {"combined", result.combined.size()}}},
          {"layer", result.layer.empty() ? json(nullptr) : json(result.layer)},
          {"layers", layers},
          {"classes", classes},
          {"label_noise_ran", result.label_noise_ran}};
}

json membership_json(const MembershipResult& result) {
  const AttackRoc& strongest = result.strongest_attack();
  json attacks = json::object();
  for (const auto& attack : result.attacks) attacks[attack.name] = roc_json(attack);
  json epochs = json::array();
  for (int count : result.shadow_epochs) epochs.push_back(count);
  return {{"strongest_attack", strongest.name},
          {"auc", rounded(strongest.auc)},
          {"auc_ci", interval_json(strongest.auc_ci)},
          {"tpr_at_01pct_fpr", rounded(strongest.tpr_at_01pct_fpr)},
          {"tpr_at_1pct_fpr", rounded(strongest.tpr_at_1pct_fpr)},
          {"tpr_at_1pct_fpr_ci", interval_json(strongest.tpr_at_1pct_fpr_ci)},
          {"member_accuracy", rounded(result.member_accuracy)},
          {"nonmember_accuracy", rounded(result.nonmember_accuracy)},
          {"member_loss", rounded(result.member_loss)},
          {"shadows", result.shadows},
          {"shadow_epochs", epochs},
          {"attacks", attacks}};
}

json figures_json(const std::vector<EvasionResult>& evasion, const std::optional<BackdoorResult>& backdoor,
                  const std::optional<MembershipResult>& membership) {
  json figures = json::object();
  json examples = json::array();
  for (const auto& result : evasion)
    for (const auto& example : result.examples)
      examples.push_back({{"attack", to_string(result.attack)}, {"eps", example.eps}, {"index", example.index},
                          {"label", example.label}, {"adversarial_label", example.adversarial_label},
                          {"original", tensor_json(example.original)}, {"adversarial", tensor_json(example.adversarial)}});
  figures["adversarial_examples"] = examples;
  if (backdoor) {
    json triggers = json::array();
    for (const auto& trigger : backdoor->triggers)
      triggers.push_back({{"class", trigger.target_class}, {"l1", rounded(trigger.mask_l1)},
                          {"attack_success", rounded(trigger.attack_success)}, {"anomaly_index", rounded(trigger.anomaly_index)},
                          {"mask", trigger.mask.defined() ? tensor_json(trigger.mask) : json(nullptr)},
                          {"pattern", trigger.pattern.defined() ? tensor_json(trigger.pattern) : json(nullptr)}});
    figures["triggers"] = triggers;
  }
  if (membership) {
    json curves = json::object();
    for (const auto& attack : membership->attacks) curves[attack.name] = roc_json(attack)["curve"];
    figures["membership_roc"] = curves;
  }
  return figures;
}

}  // namespace mlaudit::probe
