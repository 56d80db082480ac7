#include "probe/backdoor.h"

#include "probe/robust_statistics.h"

#include <algorithm>
#include <cmath>

namespace mlaudit::probe {
namespace {

// Blended predictions' entropy for each input: mean over `blends` random clean partners.
std::vector<double> blended_entropy(Classifier& model, const torch::Tensor& inputs, const torch::Tensor& clean, int blends,
                                    torch::Generator& generator) {
  torch::NoGradGuard no_grad;
  std::vector<double> entropy(inputs.size(0), 0.0);
  double low = clean.min().item<double>(), high = clean.max().item<double>();
  for (int b = 0; b < blends; ++b) {
    auto partners = torch::randint(clean.size(0), {inputs.size(0)}, generator, torch::kLong);
    auto blended = (inputs + clean.index_select(0, partners)).clamp(low, high);
    for (int64_t start = 0; start < inputs.size(0); start += 512) {
      auto probabilities = torch::softmax(model.logits(blended.slice(0, start, start + 512).to(model.device())), 1).cpu();
      auto h = -(probabilities * probabilities.clamp_min(1e-12).log()).sum(1);
      for (int64_t i = 0; i < h.size(0); ++i) entropy[start + i] += h[i].item<double>() / blends;
    }
  }
  return entropy;
}

}  // namespace

BackdoorResult neural_cleanse(Classifier& model, const torch::Tensor& clean_inputs, const NeuralCleanseSettings& settings) {
  BackdoorResult result;
  result.threshold = settings.threshold;
  torch::manual_seed(settings.seed);
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(settings.seed);
  auto sample_shape = clean_inputs.sizes().vec();
  sample_shape.erase(sample_shape.begin());
  // Image inputs [C, H, W] share one mask over channels; anything else gets a mask per value.
  std::vector<int64_t> mask_shape = sample_shape;
  if (mask_shape.size() == 3) mask_shape[0] = 1;
  double range = settings.clip_max - settings.clip_min;
  for (int64_t target = 0; target < model.classes(); ++target) {
    RecoveredTrigger best{target, INFINITY, 0, 0, {}, {}};
    RecoveredTrigger last{target, INFINITY, 0, 0, {}, {}};
    // Several starts per class: one optimisation may settle on a larger trigger than the
    // class needs, and a single unlucky class skews the anomaly index of all the others.
    for (int restart = 0; restart < std::max(1, settings.restarts); ++restart) {
    auto mask_raw = torch::full(mask_shape, -2.0, torch::TensorOptions().device(model.device())).requires_grad_(true);
    auto pattern_raw = (torch::rand(sample_shape, generator) * 2 - 1).to(model.device()).requires_grad_(true);
    torch::optim::Adam optimiser({mask_raw, pattern_raw}, torch::optim::AdamOptions(settings.learning_rate).betas({0.5, 0.9}));
    double cost = settings.initial_cost;
    auto labels = torch::full({settings.batch}, target, torch::TensorOptions().dtype(torch::kLong).device(model.device()));
    int epoch_steps = 10, successes_in_a_row = 0, failures_in_a_row = 0;
    for (int step = 0; step < settings.steps; ++step) {
      auto picks = torch::randint(clean_inputs.size(0), {settings.batch}, generator, torch::kLong);
      auto x = clean_inputs.index_select(0, picks).to(model.device());
      auto mask = torch::sigmoid(mask_raw);
      auto pattern = torch::sigmoid(pattern_raw) * range + settings.clip_min;
      auto stamped = (1 - mask) * x + mask * pattern;
      auto logits = model.logits(stamped);
      auto loss = torch::nn::functional::cross_entropy(logits, labels) + cost * mask.abs().sum();
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
      double success = logits.argmax(1).eq(labels).to(torch::kFloat32).mean().item<double>();
      double l1 = mask.abs().sum().item<double>();
      last = {target, l1, success, 0, mask.detach().cpu(), pattern.detach().cpu()};
      if (success >= settings.success_target && l1 < best.mask_l1) best = last;
      // Neural Cleanse's cost schedule: raise the L1 weight while the trigger works, lower it when it stops.
      if ((step + 1) % epoch_steps == 0) {
        if (success >= settings.success_target) {
          successes_in_a_row++, failures_in_a_row = 0;
          if (successes_in_a_row >= 2) cost *= 1.5;
        } else {
          failures_in_a_row++, successes_in_a_row = 0;
          if (failures_in_a_row >= 2) cost /= 1.5 * 1.5;
        }
      }
    }
    }
    result.triggers.push_back(std::isfinite(best.mask_l1) ? best : last);
  }
  std::vector<double> norms;
  for (const auto& trigger : result.triggers) norms.push_back(trigger.mask_l1);
  auto index = mad_anomaly_index(norms);
  double center = median(norms);
  double strongest = 0;
  for (size_t i = 0; i < result.triggers.size(); ++i) {
    result.triggers[i].anomaly_index = index[i];
    // Only unusually *small* triggers mean a backdoor.
    if (norms[i] < center && index[i] > settings.threshold && index[i] > strongest) {
      strongest = index[i];
      result.flagged = true;
      result.target_class = result.triggers[i].target_class;
    }
  }
  return result;
}

StripResult strip(Classifier& model, const torch::Tensor& suspects, const torch::Tensor& clean, int blends,
                  double false_rejection, uint64_t seed) {
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(seed);
  StripResult result;
  auto reference = blended_entropy(model, clean, clean, blends, generator);
  std::vector<double> sorted = reference;
  std::sort(sorted.begin(), sorted.end());
  size_t at = std::min(sorted.size() - 1, static_cast<size_t>(false_rejection * sorted.size()));
  result.threshold = sorted.empty() ? 0 : sorted[at];
  double sum = 0, squares = 0;
  for (double value : reference) sum += value, squares += value * value;
  result.clean_mean = reference.empty() ? 0 : sum / reference.size();
  result.clean_std = reference.empty() ? 0 : std::sqrt(std::max(0.0, squares / reference.size() - result.clean_mean * result.clean_mean));
  result.entropy = blended_entropy(model, suspects, clean, blends, generator);
  for (size_t i = 0; i < result.entropy.size(); ++i)
    if (result.entropy[i] < result.threshold) result.flagged.push_back(static_cast<int64_t>(i));
  return result;
}

}  // namespace mlaudit::probe
