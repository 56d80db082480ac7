#include "probe/backdoor.h"

#include "probe/robust_statistics.h"

#include <algorithm>
#include <cmath>
#include <sstream>

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
      auto values = h.accessor<float, 1>();
      for (int64_t i = 0; i < h.size(0); ++i) entropy[start + i] += values[i] / blends;
    }
  }
  return entropy;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(q * values.size()))];
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value;
  return values.empty() ? 0 : sum / values.size();
}

// One optimisation candidate per (class, start): its best trigger so far.
struct Candidate {
  double best_l1 = INFINITY, best_success = 0, last_l1 = INFINITY, last_success = 0;
  torch::Tensor best_mask, best_pattern, last_mask, last_pattern;
  double cost = 0;
  int successes_in_a_row = 0, failures_in_a_row = 0;
};

// Optimises the candidates [first, first + count) together: one batched forward per step,
// each candidate with its own mask, pattern, inputs and L1 cost (Adam works per element,
// so the sum of the candidates' losses optimises each independently).
void optimise_candidates(Classifier& model, const torch::Tensor& inputs, const NeuralCleanseSettings& settings,
                         int64_t first, int64_t count, std::vector<Candidate>& candidates, torch::Generator& generator) {
  auto device = model.device();
  auto sample_shape = inputs.sizes().vec();
  sample_shape.erase(sample_shape.begin());
  // Image inputs [C, H, W] share one mask over channels; anything else gets a mask per value.
  std::vector<int64_t> mask_shape = sample_shape;
  if (mask_shape.size() == 3) mask_shape[0] = 1;
  auto with_count = [&](std::vector<int64_t> shape, int64_t leading) {
    shape.insert(shape.begin(), leading);
    return shape;
  };
  int64_t batch = settings.batch, classes = model.classes();
  double range = settings.clip_max - settings.clip_min;
  auto options = torch::TensorOptions().device(device);
  auto mask_raw = torch::full(with_count(mask_shape, count), -2.0, options).requires_grad_(true);
  auto pattern_raw = (torch::rand(with_count(sample_shape, count), generator) * 2 - 1).to(device).requires_grad_(true);
  torch::optim::Adam optimiser({mask_raw, pattern_raw}, torch::optim::AdamOptions(settings.learning_rate).betas({0.5, 0.9}));
  auto targets = (torch::arange(first, first + count, torch::kLong) % classes);
  auto labels = targets.repeat_interleave(batch).to(device);
  std::vector<int64_t> broadcast_mask = with_count(mask_shape, 1), broadcast_sample = with_count(sample_shape, 1);
  broadcast_mask.insert(broadcast_mask.begin(), count);
  broadcast_sample.insert(broadcast_sample.begin(), count);
  auto stamped_shape = with_count(sample_shape, count * batch);
  auto window_hits = torch::zeros({count});
  const int window = 10;
  for (int64_t k = 0; k < count; ++k) candidates[first + k].cost = settings.initial_cost;
  for (int step = 0; step < settings.steps; ++step) {
    auto picks = torch::randint(inputs.size(0), {count * batch}, generator, torch::kLong);
    auto x = inputs.index_select(0, picks).to(device).view(with_count(with_count(sample_shape, batch), count));
    auto mask = torch::sigmoid(mask_raw);
    auto pattern = torch::sigmoid(pattern_raw) * range + settings.clip_min;
    auto stamped = ((1 - mask.view(broadcast_mask)) * x + mask.view(broadcast_mask) * pattern.view(broadcast_sample)).view(stamped_shape);
    auto logits = model.logits(stamped);
    auto cross_entropy = torch::nn::functional::cross_entropy(
        logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    auto l1 = mask.abs().flatten(1).sum(1);
    std::vector<float> costs;
    for (int64_t k = 0; k < count; ++k) costs.push_back(static_cast<float>(candidates[first + k].cost));
    auto loss = (cross_entropy.view({count, batch}).mean(1) + torch::tensor(costs).to(device) * l1).sum();
    optimiser.zero_grad();
    loss.backward();
    optimiser.step();
    window_hits += logits.argmax(1).eq(labels).view({count, batch}).to(torch::kFloat32).mean(1).detach().cpu();
    if ((step + 1) % window != 0) continue;
    // Neural Cleanse's cost schedule, per candidate: raise the L1 weight while the trigger
    // works, lower it when it stops. The smallest working trigger is kept.
    auto norms = l1.detach().cpu();
    auto success = window_hits / window;
    window_hits.zero_();
    for (int64_t k = 0; k < count; ++k) {
      Candidate& candidate = candidates[first + k];
      double hit = success[k].item<double>(), norm = norms[k].item<double>();
      candidate.last_l1 = norm, candidate.last_success = hit;
      if (hit >= settings.success_target && norm < candidate.best_l1)
        candidate.best_l1 = norm, candidate.best_success = hit, candidate.best_mask = mask[k].detach().cpu(),
        candidate.best_pattern = pattern[k].detach().cpu();
      if (hit >= settings.success_target) {
        candidate.successes_in_a_row++, candidate.failures_in_a_row = 0;
        if (candidate.successes_in_a_row >= 2) candidate.cost *= 1.5;
      } else {
        candidate.failures_in_a_row++, candidate.successes_in_a_row = 0;
        if (candidate.failures_in_a_row >= 2) candidate.cost /= 1.5 * 1.5;
      }
    }
  }
  torch::NoGradGuard no_grad;
  auto final_mask = torch::sigmoid(mask_raw).cpu();
  auto final_pattern = (torch::sigmoid(pattern_raw) * range + settings.clip_min).cpu();
  for (int64_t k = 0; k < count; ++k) candidates[first + k].last_mask = final_mask[k], candidates[first + k].last_pattern = final_pattern[k];
}

torch::Tensor stamp(const torch::Tensor& inputs, const RecoveredTrigger& trigger) {
  return (1 - trigger.mask) * inputs + trigger.mask * trigger.pattern;
}

// Anomaly index of each class's log mask norm against the other classes' (median, MAD):
// positive when the class's trigger is smaller.
void index_against_other_classes(std::vector<RecoveredTrigger>& triggers, double min_spread) {
  std::vector<double> negative_log_norms;
  for (const auto& trigger : triggers) negative_log_norms.push_back(-std::log(std::max(trigger.mask_l1, 1e-6)));
  auto z = leave_one_out_z(negative_log_norms, min_spread);
  for (size_t i = 0; i < triggers.size(); ++i) triggers[i].anomaly_index = z[i];
}

std::string fixed(double value, int digits = 2) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

void judge(BackdoorResult& result, const NeuralCleanseSettings& settings) {
  size_t converged = 0;
  const RecoveredTrigger* candidate = nullptr;
  for (const auto& trigger : result.triggers) {
    converged += trigger.reached_target;
    if (trigger.reached_target && trigger.anomaly_index > settings.threshold &&
        (!candidate || trigger.anomaly_index > candidate->anomaly_index))
      candidate = &trigger;
  }
  auto second_signal = [&](const RecoveredTrigger& trigger) {
    return trigger.heldout_success >= settings.heldout_success && trigger.strip_entropy < result.strip_entropy_threshold;
  };
  auto evidence = [&](const RecoveredTrigger& trigger) {
    return "class " + std::to_string(trigger.target_class) + ": mask L1 " + fixed(trigger.mask_l1) + ", anomaly index " +
           fixed(trigger.anomaly_index) + " (threshold " + fixed(settings.threshold) + "), attack success on held-out inputs " +
           fixed(trigger.heldout_success) + " (needs " + fixed(settings.heldout_success) + "), STRIP entropy of stamped inputs " +
           fixed(trigger.strip_entropy, 3) + " (clean inputs' " + fixed(settings.strip_quantile) + " quantile " +
           fixed(result.strip_entropy_threshold, 3) + ")";
  };
  if (converged * 2 < result.triggers.size()) {
    result.verdict = BackdoorVerdict::inconclusive;
    result.reason = "only " + std::to_string(converged) + " of " + std::to_string(result.triggers.size()) +
                    " classes reached a working trigger; raise --nc-steps";
    return;
  }
  if (candidate) {
    result.target_class = candidate->target_class;
    result.verdict = second_signal(*candidate) ? BackdoorVerdict::suspected : BackdoorVerdict::inconclusive;
    result.reason = (result.verdict == BackdoorVerdict::suspected
                         ? "an unusually small trigger that also works on held-out inputs and survives blending: "
                         : "an unusually small trigger, but the second signal does not agree: ") +
                    evidence(*candidate);
    return;
  }
  // No small trigger. A class whose trigger behaves like a backdoor's on both second
  // signals while being only moderately small is worth a look, not a verdict.
  const RecoveredTrigger* smallest = nullptr;
  for (const auto& trigger : result.triggers)
    if (!smallest || trigger.anomaly_index > smallest->anomaly_index) smallest = &trigger;
  if (smallest && smallest->anomaly_index > settings.threshold / 2 && second_signal(*smallest)) {
    result.verdict = BackdoorVerdict::inconclusive;
    result.target_class = smallest->target_class;
    result.reason = "the second signal points at a class whose trigger is not unusually small: " + evidence(*smallest);
    return;
  }
  result.verdict = BackdoorVerdict::not_found;
  result.reason = smallest ? "no class needs an unusually small trigger; the smallest is " + evidence(*smallest) : "no class";
}

}  // namespace

std::string to_string(BackdoorVerdict verdict) {
  switch (verdict) {
    case BackdoorVerdict::suspected: return "suspected";
    case BackdoorVerdict::inconclusive: return "inconclusive";
    default: return "not-found";
  }
}

BackdoorResult neural_cleanse(Classifier& model, const torch::Tensor& clean_inputs, const NeuralCleanseSettings& settings) {
  BackdoorResult result;
  result.threshold = settings.threshold;
  result.settings = settings;
  torch::manual_seed(settings.seed);
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(settings.seed);
  int64_t n = clean_inputs.size(0);
  int64_t held = n >= 30 ? n / 3 : 0;
  auto optimisation = clean_inputs.slice(0, 0, n - held);
  auto heldout = held ? clean_inputs.slice(0, n - held, n) : optimisation;
  result.optimisation_inputs = optimisation.size(0);
  result.heldout_inputs = heldout.size(0);

  int64_t classes = model.classes(), restarts = std::max(1, settings.restarts), total = classes * restarts;
  std::vector<Candidate> candidates(total);
  // Candidate k is class k % classes, start k / classes; about 1,024 stamped inputs a step.
  int64_t group = std::max<int64_t>(1, 1024 / std::max<int64_t>(1, settings.batch));
  for (int64_t first = 0; first < total; first += group)
    optimise_candidates(model, optimisation, settings, first, std::min(group, total - first), candidates, generator);

  // Second-signal reference: clean held-out inputs blended with the optimisation inputs.
  auto reference = blended_entropy(model, heldout, optimisation, 8, generator);
  result.clean_strip_entropy_mean = mean_of(reference);
  result.strip_entropy_threshold = quantile(reference, settings.strip_quantile);
  auto predicted = model.predict(heldout);
  for (int64_t c = 0; c < classes; ++c) {
    RecoveredTrigger trigger;
    trigger.target_class = c;
    const Candidate* best = nullptr;
    for (int64_t r = 0; r < restarts; ++r) {
      const Candidate& candidate = candidates[r * classes + c];
      trigger.start_l1.push_back(candidate.best_l1);
      if (std::isfinite(candidate.best_l1) && (!best || candidate.best_l1 < best->best_l1)) best = &candidate;
    }
    trigger.reached_target = best != nullptr;
    if (best) {
      trigger.mask_l1 = best->best_l1, trigger.attack_success = best->best_success;
      trigger.mask = best->best_mask, trigger.pattern = best->best_pattern;
    } else {  // no start reached the target: the last trigger of the most successful start
      const Candidate* last = &candidates[c];
      for (int64_t r = 1; r < restarts; ++r)
        if (candidates[r * classes + c].last_success > last->last_success) last = &candidates[r * classes + c];
      trigger.mask_l1 = last->last_l1, trigger.attack_success = last->last_success;
      trigger.mask = last->last_mask, trigger.pattern = last->last_pattern;
    }
    auto others = predicted.ne(c).nonzero().flatten();
    if (trigger.mask.defined() && others.size(0) > 0) {
      auto stamped = stamp(heldout.index_select(0, others), trigger);
      trigger.heldout_success = model.predict(stamped).eq(c).to(torch::kFloat32).mean().item<double>();
      trigger.strip_entropy = mean_of(blended_entropy(model, stamped, optimisation, 8, generator));
    }
    result.triggers.push_back(std::move(trigger));
  }
  index_against_other_classes(result.triggers, settings.min_spread);
  judge(result, settings);
  return result;
}

StripResult strip(Classifier& model, const torch::Tensor& suspects, const torch::Tensor& clean, int blends,
                  double false_rejection, uint64_t seed) {
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(seed);
  StripResult result;
  auto reference = blended_entropy(model, clean, clean, blends, generator);
  result.threshold = quantile(reference, false_rejection);
  double squares = 0;
  result.clean_mean = mean_of(reference);
  for (double value : reference) squares += value * value;
  result.clean_std = reference.empty() ? 0 : std::sqrt(std::max(0.0, squares / reference.size() - result.clean_mean * result.clean_mean));
  result.entropy = blended_entropy(model, suspects, clean, blends, generator);
  for (size_t i = 0; i < result.entropy.size(); ++i)
    if (result.entropy[i] < result.threshold) result.flagged.push_back(static_cast<int64_t>(i));
  return result;
}

}  // namespace mlaudit::probe
