#pragma once
// Membership inference with the model's outputs alone: a sample the model was trained on
// tends to have a lower loss and a higher confidence in its label. Both scores are
// threshold attacks; the result is the ROC of each (members positive) with its AUC and
// the true-positive rate at 1% false positives (Carlini et al., 2022).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "probe/classifier.h"

namespace mlaudit::probe {

struct RocPoint {
  double fpr = 0, tpr = 0;
};

struct AttackRoc {
  std::string name;   // loss, confidence
  double auc = 0, tpr_at_1pct_fpr = 0;
  std::vector<RocPoint> curve;   // thinned to at most ~100 points
};

struct MembershipResult {
  AttackRoc loss, confidence;
  double auc = 0, tpr_at_1pct_fpr = 0;   // the stronger attack's
  double member_accuracy = 0, nonmember_accuracy = 0;
};

// Members score higher. AUC by the Mann-Whitney statistic (ties count half).
AttackRoc roc_of(const std::string& name, const std::vector<double>& members, const std::vector<double>& nonmembers);

MembershipResult membership_inference(Classifier& model, const torch::Tensor& members, const torch::Tensor& member_labels,
                                      const torch::Tensor& nonmembers, const torch::Tensor& nonmember_labels);

}  // namespace mlaudit::probe
