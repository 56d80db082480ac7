#include "probe/membership.h"

#include <algorithm>

namespace mlaudit::probe {
namespace {

struct Scores {
  std::vector<double> negative_loss, confidence;
  double accuracy = 0;
};

Scores score(Classifier& model, const torch::Tensor& inputs, const torch::Tensor& labels) {
  torch::NoGradGuard no_grad;
  Scores scores;
  int64_t correct = 0;
  for (int64_t start = 0; start < inputs.size(0); start += 512) {
    auto logits = model.logits(inputs.slice(0, start, start + 512).to(model.device())).cpu();
    auto y = labels.slice(0, start, start + 512);
    auto log_probabilities = torch::log_softmax(logits, 1);
    auto own = log_probabilities.gather(1, y.unsqueeze(1)).squeeze(1);
    correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    for (int64_t i = 0; i < own.size(0); ++i) {
      scores.negative_loss.push_back(own[i].item<double>());    // −cross-entropy
      scores.confidence.push_back(std::exp(own[i].item<double>()));
    }
  }
  scores.accuracy = inputs.size(0) ? double(correct) / inputs.size(0) : 0;
  return scores;
}

}  // namespace

AttackRoc roc_of(const std::string& name, const std::vector<double>& members, const std::vector<double>& nonmembers) {
  AttackRoc roc{name, 0, 0, {}};
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
    if (fp / negatives <= 0.01) roc.tpr_at_1pct_fpr = tp / positives;
    i = j;
  }
  roc.auc = area;
  // Thin the curve for reports.
  size_t stride = std::max<size_t>(1, curve.size() / 100);
  for (size_t i = 0; i < curve.size(); i += stride) roc.curve.push_back(curve[i]);
  if (roc.curve.back().fpr != curve.back().fpr || roc.curve.back().tpr != curve.back().tpr) roc.curve.push_back(curve.back());
  return roc;
}

MembershipResult membership_inference(Classifier& model, const torch::Tensor& members, const torch::Tensor& member_labels,
                                      const torch::Tensor& nonmembers, const torch::Tensor& nonmember_labels) {
  auto in = score(model, members, member_labels);
  auto out = score(model, nonmembers, nonmember_labels);
  MembershipResult result;
  result.loss = roc_of("loss", in.negative_loss, out.negative_loss);
  result.confidence = roc_of("confidence", in.confidence, out.confidence);
  const AttackRoc& stronger = result.loss.auc >= result.confidence.auc ? result.loss : result.confidence;
  result.auc = stronger.auc;
  result.tpr_at_1pct_fpr = std::max(result.loss.tpr_at_1pct_fpr, result.confidence.tpr_at_1pct_fpr);
  result.member_accuracy = in.accuracy;
  result.nonmember_accuracy = out.accuracy;
  return result;
}

}  // namespace mlaudit::probe
