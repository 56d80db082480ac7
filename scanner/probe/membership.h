#pragma once
// Membership inference: can the model's outputs tell the samples it was trained on
// (members) from others? Three attacks, each an ROC (members positive):
// - loss and confidence threshold attacks: a member tends to have a lower loss;
// - offline LiRA (Carlini et al., 2022): shadow copies of the model's architecture with
//   fresh parameters are trained in pairs on complementary halves of the data given
//   (members and non-members alike), so each sample is left out of half of them; the
//   sample's logit-scaled confidence on the model is compared with a Gaussian fitted to its
//   confidences on the shadows that never saw it (one variance pooled over samples, as the
//   paper advises for few shadows). Shadows train until their training loss reaches the
//   model's loss on its members, so that they overfit about as much.
// Each attack reports AUC and the TPR at 0.1% and 1% FPR, with bootstrap 95% intervals.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "probe/classifier.h"

namespace mlaudit::probe {

struct RocPoint {
  double fpr = 0, tpr = 0;
};

struct Interval {
  double low = 0, high = 0;
};

struct AttackRoc {
  std::string name;   // loss, confidence, lira
  double auc = 0, tpr_at_01pct_fpr = 0, tpr_at_1pct_fpr = 0;
  Interval auc_ci, tpr_at_01pct_fpr_ci, tpr_at_1pct_fpr_ci;
  std::vector<RocPoint> curve;   // thinned to at most ~100 points
};

struct MembershipSettings {
  int shadows = 8;            // 0: no LiRA; rounded up to an even number
  int shadow_max_epochs = 100;
  int bootstrap = 200;
  uint64_t seed = 0;
};

struct MembershipResult {
  std::vector<AttackRoc> attacks;   // loss, confidence, then lira when shadows ran
  size_t strongest = 0;             // index of the attack with the largest AUC
  double member_accuracy = 0, nonmember_accuracy = 0, member_loss = 0;
  int shadows = 0;
  std::vector<int> shadow_epochs;
  std::string lira_problem;         // why LiRA did not run
  const AttackRoc& strongest_attack() const { return attacks[strongest]; }
};

// Members score higher. AUC by the Mann-Whitney statistic (ties count half).
AttackRoc roc_of(const std::string& name, const std::vector<double>& members, const std::vector<double>& nonmembers);
// roc_of with bootstrap intervals (samples resampled with replacement, 2.5 and 97.5 percentiles).
AttackRoc roc_with_intervals(const std::string& name, const std::vector<double>& members, const std::vector<double>& nonmembers,
                             int resamples, uint64_t seed);

MembershipResult membership_inference(Classifier& model, const torch::Tensor& members, const torch::Tensor& member_labels,
                                      const torch::Tensor& nonmembers, const torch::Tensor& nonmember_labels,
                                      const MembershipSettings& settings);

}  // namespace mlaudit::probe
