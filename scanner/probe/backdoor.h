#pragma once
// Backdoor detection from the model and clean inputs alone.
// Neural Cleanse (Wang et al., 2019): for every class, the smallest mask m and pattern p
// such that (1 - m)·x + m·p sends clean inputs to that class; a backdoored class needs a
// far smaller mask than the others. The MAD anomaly index of the masks' L1 norms flags
// classes below the median whose index exceeds the threshold (2 by default).
// STRIP (Gao et al., 2019): an input carrying a trigger keeps its prediction when blended
// with other images, so the entropy of the blended predictions is abnormally low.
#include <torch/torch.h>

#include <optional>
#include <vector>

#include "probe/classifier.h"

namespace mlaudit::probe {

struct NeuralCleanseSettings {
  int steps = 500;                 // optimisation steps per class and start
  int restarts = 1;                // independent starts per class; the smallest trigger wins
  int64_t batch = 64;
  double learning_rate = 0.1;
  double initial_cost = 1e-3;      // weight of the mask's L1 norm, adjusted as it goes
  double success_target = 0.99;    // attack success a candidate trigger must reach
  double threshold = 2.0;          // anomaly index above which a class is flagged
  double clip_min = 0, clip_max = 1;
  uint64_t seed = 0;
};

struct RecoveredTrigger {
  int64_t target_class = 0;
  double mask_l1 = 0, attack_success = 0, anomaly_index = 0;
  torch::Tensor mask, pattern;     // [1, H, W] and [C, H, W] (image inputs) on CPU
};

struct BackdoorResult {
  std::vector<RecoveredTrigger> triggers;   // one per class
  bool flagged = false;
  std::optional<int64_t> target_class;
  double threshold = 2.0;
};

BackdoorResult neural_cleanse(Classifier& model, const torch::Tensor& clean_inputs, const NeuralCleanseSettings& settings);

struct StripResult {
  double threshold = 0;                    // entropy below which an input is flagged
  std::vector<double> entropy;             // per suspect input
  std::vector<int64_t> flagged;            // indices into the suspect inputs
  double clean_mean = 0, clean_std = 0;
};

// `clean` gives the blending images and the entropy distribution of clean inputs; the
// threshold is its `false_rejection` quantile.
StripResult strip(Classifier& model, const torch::Tensor& suspects, const torch::Tensor& clean, int blends = 16,
                  double false_rejection = 0.01, uint64_t seed = 0);

}  // namespace mlaudit::probe
