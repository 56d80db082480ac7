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

json roc_json(const AttackRoc& roc) {
  json curve = json::array();
  for (const auto& point : roc.curve) curve.push_back({rounded(point.fpr), rounded(point.tpr)});
  return {{"auc", rounded(roc.auc)}, {"tpr_at_1pct_fpr", rounded(roc.tpr_at_1pct_fpr)}, {"curve", curve}};
}

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
  json index = json::array(), norms = json::array();
  for (const auto& trigger : result.triggers) {
    index.push_back(rounded(trigger.anomaly_index));
    norms.push_back(rounded(trigger.mask_l1));
  }
  return {{"flagged", result.flagged},
          {"target_class", result.target_class ? json(*result.target_class) : json(nullptr)},
          {"anomaly_index", index},
          {"threshold", result.threshold},
          {"trigger_l1", norms},
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
  return {{"suspected_indices",
           {{"activation_clustering", suspects_json(result.activation_clustering, limit)},
            {"spectral_signatures", suspects_json(result.spectral_signatures, limit)},
            {"label_noise", suspects_json(result.label_noise, limit)}}},
          {"counts",
           {{"activation_clustering", result.activation_clustering.size()},
            {"spectral_signatures", result.spectral_signatures.size()},
            {"label_noise", result.label_noise.size()}}}};
}

json membership_json(const MembershipResult& result) {
  return {{"auc", rounded(result.auc)},
          {"tpr_at_1pct_fpr", rounded(result.tpr_at_1pct_fpr)},
          {"member_accuracy", rounded(result.member_accuracy)},
          {"nonmember_accuracy", rounded(result.nonmember_accuracy)},
          {"attacks", {{"loss", roc_json(result.loss)}, {"confidence", roc_json(result.confidence)}}}};
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
  if (membership)
    figures["membership_roc"] = {{"loss", roc_json(membership->loss)["curve"]},
                                 {"confidence", roc_json(membership->confidence)["curve"]}};
  return figures;
}

}  // namespace mlaudit::probe
