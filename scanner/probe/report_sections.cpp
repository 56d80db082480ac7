#include "probe/report_sections.h"

#include <cmath>

namespace mlaudit::probe {
namespace {

double rounded(double value, double scale = 1e4) { return std::round(value * scale) / scale; }

// A tensor as nested lists (2-D images: rows; 3-D: channels of rows), 3 decimals.
ImageJson image_of(const torch::Tensor& tensor) {
  auto t = tensor.to(torch::kFloat32).contiguous();
  if (t.dim() == 0) return rounded(t.item<double>(), 1e3);
  ImageJson out = ImageJson::array();
  for (int64_t i = 0; i < t.size(0); ++i) out.push_back(image_of(t[i]));
  return out;
}

std::vector<SuspectScore> suspects_of(const std::vector<Suspect>& suspects, size_t limit) {
  std::vector<SuspectScore> out;
  for (size_t i = 0; i < suspects.size() && i < limit; ++i) out.push_back({suspects[i].index, rounded(suspects[i].score)});
  return out;
}

ConfidenceInterval interval_of(const Interval& interval) { return {rounded(interval.low), rounded(interval.high)}; }

std::vector<std::array<double, 2>> curve_of(const AttackRoc& roc) {
  std::vector<std::array<double, 2>> curve;
  for (const auto& point : roc.curve) curve.push_back({rounded(point.fpr), rounded(point.tpr)});
  return curve;
}

RocReport roc_report(const AttackRoc& roc) {
  return {roc.name,
          rounded(roc.auc),
          interval_of(roc.auc_ci),
          rounded(roc.tpr_at_01pct_fpr),
          interval_of(roc.tpr_at_01pct_fpr_ci),
          rounded(roc.tpr_at_1pct_fpr),
          interval_of(roc.tpr_at_1pct_fpr_ci),
          curve_of(roc)};
}

std::optional<double> finite_or_none(double value) {
  return std::isfinite(value) ? std::optional<double>(rounded(value)) : std::nullopt;
}

}  // namespace

EvasionReport evasion_section(double clean_accuracy, const std::vector<EvasionResult>& results, EvasionRunSettings settings) {
  EvasionReport out{rounded(clean_accuracy), {}, std::move(settings)};
  for (const auto& result : results) {
    EvasionCurve curve{to_string(result.attack), {}};
    for (const auto& point : result.points)
      curve.points.push_back({point.eps, rounded(point.robust_accuracy), rounded(point.success_rate)});
    out.curves.push_back(std::move(curve));
  }
  return out;
}

BackdoorReport backdoor_section(const BackdoorResult& result) {
  BackdoorReport out;
  for (const auto& trigger : result.triggers) {
    out.anomaly_index.push_back(rounded(trigger.anomaly_index));
    out.trigger_l1.push_back(rounded(trigger.mask_l1));
    BackdoorClassReport entry{trigger.target_class, rounded(trigger.mask_l1), {}, trigger.reached_target,
                              rounded(trigger.attack_success), rounded(trigger.heldout_success),
                              rounded(trigger.strip_entropy), rounded(trigger.anomaly_index)};
    for (double l1 : trigger.start_l1) entry.start_l1.push_back(finite_or_none(l1));
    out.classes.push_back(std::move(entry));
  }
  const auto& settings = result.settings;
  out.verdict = to_string(result.verdict);
  out.reason = result.reason;
  out.flagged = result.flagged();
  out.target_class = result.target_class;
  out.threshold = result.threshold;
  out.clean_strip_entropy_mean = rounded(result.clean_strip_entropy_mean);
  out.strip_entropy_threshold = rounded(result.strip_entropy_threshold);
  out.settings = {settings.steps,          settings.restarts,   settings.batch,
                  settings.heldout_success, settings.strip_quantile, settings.min_spread,
                  result.optimisation_inputs, result.heldout_inputs};
  return out;
}

StripReport strip_section(const StripResult& result) {
  double mean = 0;
  for (double value : result.entropy) mean += value;
  auto inputs = static_cast<int64_t>(result.entropy.size());
  return {rounded(result.threshold),
          rounded(result.clean_mean),
          rounded(result.clean_std),
          rounded(inputs ? mean / inputs : 0),
          inputs,
          result.flagged,
          rounded(inputs ? double(result.flagged.size()) / inputs : 0)};
}

PoisoningReport poisoning_section(const PoisoningResult& result, int64_t train_samples, size_t limit) {
  PoisoningReport out;
  for (auto [method, suspects] : {std::pair{"activation_clustering", &result.activation_clustering},
                                  {"spectral_signatures", &result.spectral_signatures},
                                  {"label_noise", &result.label_noise},
                                  {"combined", &result.combined}})
    out.methods.push_back({method, suspects_of(*suspects, limit), static_cast<int64_t>(suspects->size())});
  if (!result.layer.empty()) out.layer = result.layer;
  for (const auto& layer : result.layers) out.layers.push_back({layer.layer, rounded(layer.statistic)});
  for (const auto& split : result.classes)
    out.classes.push_back({split.label, split.samples, rounded(split.silhouette), rounded(split.index), split.poison_cluster,
                           {rounded(split.source_entropy[0]), rounded(split.source_entropy[1])}});
  out.label_noise_ran = result.label_noise_ran;
  out.train_samples = train_samples;
  return out;
}

MembershipReport membership_section(const MembershipResult& result) {
  const AttackRoc& strongest = result.strongest_attack();
  MembershipReport out;
  out.strongest_attack = strongest.name;
  out.auc = rounded(strongest.auc);
  out.auc_ci = interval_of(strongest.auc_ci);
  out.tpr_at_01pct_fpr = rounded(strongest.tpr_at_01pct_fpr);
  out.tpr_at_1pct_fpr = rounded(strongest.tpr_at_1pct_fpr);
  out.tpr_at_1pct_fpr_ci = interval_of(strongest.tpr_at_1pct_fpr_ci);
  out.member_accuracy = rounded(result.member_accuracy);
  out.nonmember_accuracy = rounded(result.nonmember_accuracy);
  out.member_loss = rounded(result.member_loss);
  out.shadows = result.shadows;
  out.shadow_epochs = result.shadow_epochs;
  for (const auto& attack : result.attacks) out.attacks.push_back(roc_report(attack));
  return out;
}

ProbeFigures figures_section(const std::vector<EvasionResult>& evasion, const std::optional<BackdoorResult>& backdoor,
                             const std::optional<MembershipResult>& membership) {
  ProbeFigures figures;
  for (const auto& result : evasion)
    for (const auto& example : result.examples)
      figures.adversarial_examples.push_back({to_string(result.attack), example.eps, example.index, example.label,
                                              example.adversarial_label, image_of(example.original),
                                              image_of(example.adversarial)});
  if (backdoor) {
    figures.triggers.emplace();
    for (const auto& trigger : backdoor->triggers)
      figures.triggers->push_back({trigger.target_class, rounded(trigger.mask_l1), rounded(trigger.attack_success),
                                   rounded(trigger.anomaly_index),
                                   trigger.mask.defined() ? image_of(trigger.mask) : ImageJson(nullptr),
                                   trigger.pattern.defined() ? image_of(trigger.pattern) : ImageJson(nullptr)});
  }
  if (membership) {
    figures.membership_roc.emplace();
    for (const auto& attack : membership->attacks) figures.membership_roc->push_back({attack.name, curve_of(attack)});
  }
  return figures;
}

}  // namespace mlaudit::probe
