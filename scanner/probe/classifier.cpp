#include "probe/classifier.h"

#include <stdexcept>

namespace mlaudit::probe {

std::string to_string(OutputKind kind) {
  switch (kind) {
    case OutputKind::probabilities: return "probabilities";
    case OutputKind::log_probabilities: return "log-probabilities";
    default: return "logits";
  }
}

Classifier::Classifier(const std::filesystem::path& path, torch::Device device, Normalisation normalisation)
    : module_(torch::jit::load(path.string(), device)), device_(device), normalisation_(std::move(normalisation)) {
  module_.eval();
  for (const char* name : {"penultimate", "features", "embed", "embedding"})
    if (module_.find_method(name)) {
      penultimate_method_ = name;
      break;
    }
  sequential_ = !penultimate_method_ && module_.type()->name() &&
                module_.type()->name()->name().find("Sequential") != std::string::npos;
  if (!normalisation_.mean.empty()) {
    auto shape = std::vector<int64_t>{1, static_cast<int64_t>(normalisation_.mean.size())};
    mean_ = torch::tensor(normalisation_.mean, torch::kFloat32).to(device_);
    std_ = torch::tensor(normalisation_.std.empty() ? std::vector<double>(normalisation_.mean.size(), 1.0) : normalisation_.std,
                         torch::kFloat32)
               .to(device_);
  }
}

torch::Tensor Classifier::normalise(const torch::Tensor& inputs) const {
  if (!mean_.defined()) return inputs;
  // Per channel: dimension 1 of [N, C, ...].
  std::vector<int64_t> shape(inputs.dim(), 1);
  shape[1] = mean_.size(0);
  return (inputs - mean_.view(shape)) / std_.view(shape);
}

torch::Tensor Classifier::forward(const torch::Tensor& inputs) {
  auto output = module_.forward({normalise(inputs)});
  if (output.isTuple()) output = output.toTupleRef().elements()[0];
  if (!output.isTensor()) throw std::runtime_error("the model's forward() does not return a tensor");
  auto tensor = output.toTensor();
  if (tensor.dim() != 2) throw std::runtime_error("the model returns shape " + c10::str(tensor.sizes()) + ", not [batch, classes]");
  return tensor;
}

void Classifier::inspect(const torch::Tensor& sample) {
  torch::NoGradGuard no_grad;
  auto output = forward(sample.to(device_)).to(torch::kFloat32);
  classes_ = output.size(1);
  auto sums = output.sum(1);
  bool in_unit = output.min().item<float>() >= 0.0f && output.max().item<float>() <= 1.0f;
  if (in_unit && (sums - 1).abs().max().item<float>() < 1e-3) output_kind_ = OutputKind::probabilities;
  else if (output.max().item<float>() <= 1e-6f && (output.exp().sum(1) - 1).abs().max().item<float>() < 1e-3)
    output_kind_ = OutputKind::log_probabilities;
  else output_kind_ = OutputKind::logits;
}

torch::Tensor Classifier::logits(const torch::Tensor& inputs) {
  auto output = forward(inputs).to(torch::kFloat32);
  if (output_kind_ == OutputKind::probabilities) return output.clamp_min(1e-12).log();
  return output;  // log-probabilities are logits up to a constant per row
}

torch::Tensor Classifier::predict(const torch::Tensor& inputs, int64_t batch) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < inputs.size(0); start += batch)
    parts.push_back(logits(inputs.slice(0, start, start + batch).to(device_)).argmax(1).cpu());
  return torch::cat(parts);
}

std::optional<torch::Tensor> Classifier::penultimate(const torch::Tensor& inputs, int64_t batch) {
  if (!has_penultimate()) return std::nullopt;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < inputs.size(0); start += batch) {
    auto x = normalise(inputs.slice(0, start, start + batch).to(device_));
    torch::Tensor activations;
    if (penultimate_method_) {
      activations = module_.get_method(*penultimate_method_)({x}).toTensor();
    } else {
      std::vector<torch::jit::Module> layers;
      for (const auto& child : module_.children()) layers.push_back(child);
      for (size_t i = 0; i + 1 < layers.size(); ++i) x = layers[i].forward({x}).toTensor();
      activations = x;
    }
    parts.push_back(activations.flatten(1).to(torch::kFloat32).cpu());
  }
  return torch::cat(parts);
}

}  // namespace mlaudit::probe
