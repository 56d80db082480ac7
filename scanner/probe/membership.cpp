#include "probe/membership.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace mlaudit::probe {
namespace {

struct Scores {
  std::vector<double> negative_loss, confidence, scaled;   // scaled: log p_y − log(1 − p_y)
  double accuracy = 0;
};

Scores score(Classifier& model, const torch::Tensor& inputs, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  Scores scores;
  int64_t correct = 0;
  for (int64_t start = 0; start < inputs.size(0); start += 512) {
    auto logits = model.logits(inputs.slice(0, start, start + 512).to(model.device())).cpu().to(torch::kFloat64);
    auto y = labels.slice(0, start, start + 512);
    auto log_probabilities = torch::log_softmax(logits, 1);
    auto own = log_probabilities.gather(1, y.unsqueeze(1)).squeeze(1);
    // log(1 − p_y) = logsumexp of the other classes' log-probabilities, computed stably.
    auto others = log_probabilities.scatter(1, y.unsqueeze(1), -INFINITY).logsumexp(1);
    correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    auto own_values = own.accessor<double, 1>();
    auto other_values = others.accessor<double, 1>();
    for (int64_t i = 0; i < own.size(0); ++i) {
      scores.negative_loss.push_back(own_values[i]);
      scores.confidence.push_back(std::exp(own_values[i]));
      scores.scaled.push_back(std::max(-1e4, std::min(1e4, own_values[i] - other_values[i])));
    }
  }
  scores.accuracy = inputs.size(0) ? double(correct) / inputs.size(0) : 0;
  return scores;
}

double tpr_at(const std::vector<RocPoint>& curve, double fpr) {
  double best = 0;
  for (const auto& point : curve)
    if (point.fpr <= fpr) best = std::max(best, point.tpr);
  return best;
}

Interval percentile_interval(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  auto at = [&](double q) { return values[std::min(values.size() - 1, static_cast<size_t>(q * values.size()))]; };
  return {at(0.025), at(0.975)};
}

// Offline LiRA scores of members and non-members (see membership.h).
std::pair<std::vector<double>, std::vector<double>> lira_scores(Classifier& model, const torch::Tensor& members,
                                                                const torch::Tensor& member_labels, const torch::Tensor& nonmembers,
                                                                const torch::Tensor& nonmember_labels, double member_loss,
                                                                const MembershipSettings& settings, MembershipResult& result) {
  auto pool = torch::cat({members, nonmembers}), pool_labels = torch::cat({member_labels, nonmember_labels});
  int64_t n = pool.size(0);
  int pairs = (settings.shadows + 1) / 2;
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(settings.seed + 31);
  std::vector<std::vector<double>> out_scores(n);   // per sample: its scaled confidence on shadows that left it out
  for (int pair = 0; pair < pairs; ++pair) {
    auto order = torch::randperm(n, generator, torch::kLong);
    torch::Tensor halves[2] = {order.slice(0, 0, n / 2), order.slice(0, n / 2, n)};
    for (int side = 0; side < 2; ++side) {
      const auto& inside = halves[side];
      const auto& outside = halves[1 - side];
      Classifier shadow = model.fresh_copy(settings.seed + 7919 * (2 * pair + side + 1));
      Classifier::TrainingSettings training;
      training.max_epochs = settings.shadow_max_epochs;
      training.stop_at_loss = member_loss;
      result.shadow_epochs.push_back(
          shadow.train(pool.index_select(0, inside), pool_labels.index_select(0, inside), training, generator));
      auto left_out = score(shadow, pool.index_select(0, outside), pool_labels.index_select(0, outside));
      auto indices = outside.accessor<int64_t, 1>();
      for (int64_t i = 0; i < outside.size(0); ++i) out_scores[indices[i]].push_back(left_out.scaled[i]);
    }
  }
  result.shadows = 2 * pairs;
  // Per-sample mean of the left-out confidences, one pooled variance.
  std::vector<double> means(n, 0);
  double squares = 0;
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    for (double value : out_scores[i]) means[i] += value / out_scores[i].size();
    for (double value : out_scores[i]) squares += (value - means[i]) * (value - means[i]), count++;
  }
  if (count <= n) {   // one left-out shadow per sample: no within-sample spread, use the spread across samples
    double center = 0;
    for (double value : means) center += value / n;
    squares = 0;
    for (double value : means) squares += (value - center) * (value - center);
    count = 2 * n;
  }
  double sd = std::sqrt(std::max(squares / std::max<int64_t>(1, count - n), 1e-6));
  auto observed_members = score(model, members, member_labels).scaled;
  auto observed_nonmembers = score(model, nonmembers, nonmember_labels).scaled;
  std::pair<std::vector<double>, std::vector<double>> out;
  for (size_t i = 0; i < observed_members.size(); ++i) out.first.push_back((observed_members[i] - means[i]) / sd);
  for (size_t i = 0; i < observed_nonmembers.size(); ++i)
    out.second.push_back((observed_nonmembers[i] - means[observed_members.size() + i]) / sd);
  return out;
}

}  // namespace

AttackRoc roc_of(const std::string& name, const std::vector<double>& members, const std::vector<double>& nonmembers) {
  AttackRoc roc;
  roc.name = name;
  if (members.empty() || nonmembers.empty()) return roc;
  std::vector<std::pair<double, bool>> all;
  for (double value : members) all.push_back({value, true});
  for (double value : nonmembers) all.push_back({value, false});
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  double positives = members.size(), negatives = nonmembers.size();
  double tp = 0, fp = 0, area = 0;
  std::vector<RocPoint> curve{{0, 0}};
  for (size_t i = 0; i < all.size();) {
    // Samples with equal scores move together (a threshold cannot split them).
    double step_tp = 0, step_fp = 0;
    size_t j = i;
    for (; j < all.size() && all[j].first == all[i].first; ++j) (all[j].second ? step_tp : step_fp) += 1;
    area += step_fp / negatives * (tp + step_tp / 2) / positives;
    tp += step_tp, fp += step_fp;
    curve.push_back({fp / negatives, tp / positives});
    i = j;
  }
  roc.auc = area;
  roc.tpr_at_01pct_fpr = tpr_at(curve, 0.001);
  roc.tpr_at_1pct_fpr = tpr_at(curve, 0.01);
  // Thin the curve for reports.
  size_t stride = std::max<size_t>(1, curve.size() / 100);
  for (size_t i = 0; i < curve.size(); i += stride) roc.curve.push_back(curve[i]);
  if (roc.curve.back().fpr != curve.back().fpr || roc.curve.back().tpr != curve.back().tpr) roc.curve.push_back(curve.back());
  return roc;
}

AttackRoc roc_with_intervals(const std::string& name, const std::vector<double>& members, const std::vector<double>& nonmembers,
                             int resamples, uint64_t seed) {
  AttackRoc roc = roc_of(name, members, nonmembers);
  if (members.empty() || nonmembers.empty() || resamples <= 0) return roc;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<size_t> pick_member(0, members.size() - 1), pick_nonmember(0, nonmembers.size() - 1);
  std::vector<double> aucs, low_tprs, tprs;
  std::vector<double> in(members.size()), out(nonmembers.size());
  for (int r = 0; r < resamples; ++r) {
    for (auto& value : in) value = members[pick_member(random)];
    for (auto& value : out) value = nonmembers[pick_nonmember(random)];
    AttackRoc sample = roc_of(name, in, out);
    aucs.push_back(sample.auc), low_tprs.push_back(sample.tpr_at_01pct_fpr), tprs.push_back(sample.tpr_at_1pct_fpr);
  }
  roc.auc_ci = percentile_interval(aucs);
  roc.tpr_at_01pct_fpr_ci = percentile_interval(low_tprs);
  roc.tpr_at_1pct_fpr_ci = percentile_interval(tprs);
  return roc;
}

MembershipResult membership_inference(Classifier& model, const torch::Tensor& members, const torch::Tensor& member_labels,
                                      const torch::Tensor& nonmembers, const torch::Tensor& nonmember_labels,
                                      const MembershipSettings& settings) {
  auto in = score(model, members, member_labels);
  auto out = score(model, nonmembers, nonmember_labels);
  MembershipResult result;
  result.member_accuracy = in.accuracy;
  result.nonmember_accuracy = out.accuracy;
  for (double value : in.negative_loss) result.member_loss -= value / std::max<size_t>(1, in.negative_loss.size());
  result.attacks.push_back(roc_with_intervals("loss", in.negative_loss, out.negative_loss, settings.bootstrap, settings.seed));
  result.attacks.push_back(roc_with_intervals("confidence", in.confidence, out.confidence, settings.bootstrap, settings.seed + 1));
  if (settings.shadows > 0) {
    try {
      torch::AutoGradMode enable(true);
      auto [lira_in, lira_out] =
          lira_scores(model, members, member_labels, nonmembers, nonmember_labels, result.member_loss, settings, result);
      result.attacks.push_back(roc_with_intervals("lira", lira_in, lira_out, settings.bootstrap, settings.seed + 2));
    } catch (const c10::Error& error) {
      result.lira_problem = std::string("shadow models could not be trained: ") + error.what_without_backtrace();
    } catch (const std::exception& error) {
      result.lira_problem = std::string("shadow models could not be trained: ") + error.what();
    }
  }
  for (size_t i = 1; i < result.attacks.size(); ++i)
    if (result.attacks[i].auc > result.attacks[result.strongest].auc) result.strongest = i;
  return result;
}

}  // namespace mlaudit::probe
