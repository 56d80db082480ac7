#pragma once
// Backdoor detection from the model and clean inputs alone, with a verdict that needs two
// independent signals to agree.
// Neural Cleanse (Wang et al., 2019): for every class, the smallest mask m and pattern p
// such that (1 - m)·x + m·p sends clean inputs to that class; a backdoored class needs a
// far smaller mask than the others. Several starts per class (the smallest mask kept), all
// classes and starts optimised together in one batch. The anomaly index of a class's mask
// norm is robust: log-norms, median and MAD of the *other* classes (so the suspect class
// does not shift its own reference), the MAD floored at a relative spread.
// Second signal, on clean inputs the optimisation never saw: the recovered trigger's attack
// success, and STRIP (Gao et al., 2019): inputs stamped with a real trigger keep their
// prediction when blended with other images, so the blended predictions' entropy is low.
#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "probe/classifier.h"

namespace mlaudit::probe {

struct NeuralCleanseSettings {
  int steps = 200;                 // optimisation steps per class and start
  int restarts = 3;                // independent starts per class; the smallest trigger wins
  int64_t batch = 32;              // clean inputs per class and start at each step
  double learning_rate = 0.1;
  double initial_cost = 1e-3;      // weight of the mask's L1 norm, adjusted as it goes
  double success_target = 0.99;    // attack success a candidate trigger must reach
  double threshold = 2.0;          // anomaly index above which a class is a candidate
  double min_spread = 0.15;        // floor of the log-norms' scaled MAD (a relative spread)
  double heldout_success = 0.9;    // second signal: the trigger works on unseen inputs...
  double strip_quantile = 0.05;    // ...and keeps stamped inputs' blended entropy below this quantile of clean inputs'
  double clip_min = 0, clip_max = 1;
  uint64_t seed = 0;
};

struct RecoveredTrigger {
  int64_t target_class = 0;
  double mask_l1 = 0;                  // the smallest of the starts that reached the success target
  std::vector<double> start_l1;        // every start's smallest (infinity: never reached it)
  double attack_success = 0;           // on the optimisation inputs
  double heldout_success = 0;          // on clean held-out inputs of other classes
  double strip_entropy = 0;            // mean blended entropy of held-out inputs stamped with it
  double anomaly_index = 0;            // positive: smaller than the other classes' masks
  bool reached_target = false;
  torch::Tensor mask, pattern;         // [1, H, W] and [C, H, W] (image inputs) on CPU
};

enum class BackdoorVerdict { not_found, inconclusive, suspected };
std::string to_string(BackdoorVerdict verdict);

struct BackdoorResult {
  std::vector<RecoveredTrigger> triggers;   // one per class
  BackdoorVerdict verdict = BackdoorVerdict::not_found;
  std::string reason;                       // why this verdict, in words
  std::optional<int64_t> target_class;      // the suspected (or, when inconclusive, the candidate) class
  bool flagged() const { return verdict == BackdoorVerdict::suspected; }
  double threshold = 2.0;
  double clean_strip_entropy_mean = 0, strip_entropy_threshold = 0;
  int64_t optimisation_inputs = 0, heldout_inputs = 0;
  NeuralCleanseSettings settings;
};

// `clean_inputs` is split: the first two thirds drive the optimisation, the rest is held out
// for the second signal.
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
