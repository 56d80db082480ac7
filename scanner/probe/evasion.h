#pragma once
// Evasion attacks in data space: FGSM, PGD under L∞ and L2 (optional random start,
// fixed steps and step size), untargeted or targeted (target = (label + 1) mod classes, or
// one class for all). Robust accuracy counts every input; the success rate counts inputs
// the model got right that the attack turns (into the target class, when targeted).
#include <torch/torch.h>

#include <string>
#include <vector>

#include "probe/classifier.h"

namespace mlaudit::probe {

enum class Attack { fgsm, pgd_linf, pgd_l2 };
std::string to_string(Attack attack);

struct EvasionSettings {
  int steps = 10;
  double step_scale = 2.5;         // step size = step_scale * eps / steps
  bool random_start = false;
  bool targeted = false;
  int64_t target_class = -1;       // -1: (label + 1) mod classes
  double clip_min = 0, clip_max = 1;
  int64_t batch = 256;
  uint64_t seed = 0;
};

struct EvasionPoint {
  double eps = 0, robust_accuracy = 0, success_rate = 0;
};

struct AdversarialExample {
  int64_t index = 0, label = 0, adversarial_label = 0;
  double eps = 0;
  torch::Tensor original, adversarial;  // one input each, CPU
};

struct EvasionResult {
  Attack attack;
  std::vector<EvasionPoint> points;
  std::vector<AdversarialExample> examples;  // a few, at the largest eps
};

torch::Tensor attack_batch(Classifier& model, Attack attack, const torch::Tensor& inputs, const torch::Tensor& labels,
                           double eps, const EvasionSettings& settings, torch::Generator& generator);

EvasionResult run_evasion(Classifier& model, Attack attack, const torch::Tensor& inputs, const torch::Tensor& labels,
                          const std::vector<double>& eps_values, const EvasionSettings& settings, size_t keep_examples = 4);

}  // namespace mlaudit::probe
