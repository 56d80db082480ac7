#include "probe/evasion.h"

namespace mlaudit::probe {
namespace {

std::vector<int64_t> per_sample_shape(const torch::Tensor& tensor) {
  std::vector<int64_t> shape(tensor.dim(), 1);
  shape[0] = tensor.size(0);
  return shape;
}

// The L2 norm of each sample, shaped to broadcast over it.
torch::Tensor per_sample_norm(const torch::Tensor& tensor) {
  return tensor.flatten(1).norm(2, {1}).clamp_min(1e-12).view(per_sample_shape(tensor));
}

// Gradient of the attack loss: ascend the true label's loss, or descend the target's.
torch::Tensor loss_gradient(Classifier& model, const torch::Tensor& inputs, const torch::Tensor& labels, bool targeted) {
  auto x = inputs.detach().clone().requires_grad_(true);
  auto loss = torch::nn::functional::cross_entropy(model.logits(x), labels);
  auto gradient = torch::autograd::grad({targeted ? -loss : loss}, {x})[0];
  return gradient.detach();
}

}  // namespace

std::string to_string(Attack attack) {
  switch (attack) {
    case Attack::fgsm: return "fgsm";
    case Attack::pgd_linf: return "pgd_linf";
    default: return "pgd_l2";
  }
}

torch::Tensor attack_batch(Classifier& model, Attack attack, const torch::Tensor& inputs, const torch::Tensor& labels,
                           double eps, const EvasionSettings& settings, torch::Generator& generator) {
  const auto& x = inputs;
  torch::Tensor goal = labels;
  if (settings.targeted)
    goal = settings.target_class >= 0 ? torch::full_like(labels, settings.target_class) : (labels + 1) % model.classes();
  if (attack == Attack::fgsm) {
    auto gradient = loss_gradient(model, x, goal, settings.targeted);
    return (x + eps * gradient.sign()).clamp(settings.clip_min, settings.clip_max).detach();
  }
  double step = settings.step_scale * eps / settings.steps;
  torch::Tensor adversarial = x.clone();
  if (settings.random_start) {
    if (attack == Attack::pgd_linf) {
      adversarial = x + torch::empty_like(x).uniform_(-eps, eps, generator);
    } else {
      auto direction = torch::randn(x.sizes(), generator, x.options());
      auto radius = torch::rand({x.size(0)}, generator, x.options());
      adversarial = x + direction / per_sample_norm(direction) * eps * radius.view(per_sample_shape(x));
    }
    adversarial = adversarial.clamp(settings.clip_min, settings.clip_max);
  }
  for (int i = 0; i < settings.steps; ++i) {
    auto gradient = loss_gradient(model, adversarial, goal, settings.targeted);
    if (attack == Attack::pgd_linf) {
      adversarial = adversarial + step * gradient.sign();
      adversarial = torch::min(torch::max(adversarial, x - eps), x + eps);
    } else {
      adversarial = adversarial + step * gradient / per_sample_norm(gradient);
      auto delta = adversarial - x;
      delta = delta * torch::clamp_max(eps / per_sample_norm(delta), 1.0);
      adversarial = x + delta;
    }
    adversarial = adversarial.clamp(settings.clip_min, settings.clip_max).detach();
  }
  return adversarial;
}

EvasionResult run_evasion(Classifier& model, Attack attack, const torch::Tensor& inputs, const torch::Tensor& labels,
                          const std::vector<double>& eps_values, const EvasionSettings& settings, size_t keep_examples) {
  EvasionResult result{attack, {}, {}};
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(settings.seed);
  auto clean = model.predict(inputs);
  auto correct = clean.eq(labels);
  int64_t total = inputs.size(0), correct_count = correct.sum().item<int64_t>();
  for (size_t e = 0; e < eps_values.size(); ++e) {
    double eps = eps_values[e];
    int64_t robust = 0, succeeded = 0;
    for (int64_t start = 0; start < total; start += settings.batch) {
      auto x = inputs.slice(0, start, start + settings.batch).to(model.device());
      auto y = labels.slice(0, start, start + settings.batch).to(model.device());
      auto adversarial = attack_batch(model, attack, x, y, eps, settings, generator);
      auto predicted = model.predict(adversarial);
      auto y_cpu = y.cpu();
      auto was_correct = correct.slice(0, start, start + settings.batch);
      robust += predicted.eq(y_cpu).sum().item<int64_t>();
      torch::Tensor turned;
      if (settings.targeted) {
        auto goal = settings.target_class >= 0 ? torch::full_like(y_cpu, settings.target_class) : (y_cpu + 1) % model.classes();
        turned = predicted.eq(goal) & was_correct;
      } else {
        turned = predicted.ne(y_cpu) & was_correct;
      }
      succeeded += turned.sum().item<int64_t>();
      if (e + 1 == eps_values.size())
        for (int64_t i = 0; i < turned.size(0) && result.examples.size() < keep_examples; ++i)
          if (turned[i].item<bool>())
            result.examples.push_back({start + i, y_cpu[i].item<int64_t>(), predicted[i].item<int64_t>(), eps,
                                       x[i].detach().cpu().clone(), adversarial[i].detach().cpu().clone()});
    }
    result.points.push_back({eps, double(robust) / std::max<int64_t>(total, 1),
                             correct_count ? double(succeeded) / correct_count : 0.0});
  }
  return result;
}

}  // namespace mlaudit::probe
