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

namespace mlaudit::probe {
namespace {

std::string type_name(const torch::jit::Module& module) {
  auto name = module.type()->name();
  return name ? name->name() : "";
}

void expand_sequentials(const torch::jit::Module& module, const std::string& prefix,
                        std::vector<std::pair<std::string, torch::jit::Module>>& chain) {
  for (const auto& child : module.named_children()) {
    std::string name = prefix.empty() ? child.name : prefix + "." + child.name;
    if (type_name(child.value).find("Sequential") != std::string::npos) expand_sequentials(child.value, name, chain);
    else chain.emplace_back(name, child.value);
  }
}

torch::Tensor run_link(torch::jit::Module& link, torch::Tensor x) {
  if (type_name(link).find("Linear") != std::string::npos && x.dim() > 2) x = x.flatten(1);
  auto output = link.forward({x});
  if (!output.isTensor()) throw std::runtime_error("a layer returns something other than a tensor");
  return output.toTensor();
}

// Layers whose output is their input reshaped or unchanged at inference add nothing.
bool passes_through(const torch::jit::Module& link) {
  auto name = type_name(link);
  for (const char* kind : {"Flatten", "Dropout", "Identity", "Unflatten"})
    if (name.find(kind) != std::string::npos) return true;
  return false;
}

}  // namespace

Classifier::Classifier(torch::jit::Module module, const Classifier& like)
    : module_(std::move(module)),
      device_(like.device_),
      normalisation_(like.normalisation_),
      mean_(like.mean_),
      std_(like.std_),
      output_kind_(like.output_kind_),
      classes_(like.classes_),
      penultimate_method_(like.penultimate_method_),
      sequential_(like.sequential_) {}

const std::vector<std::pair<std::string, torch::jit::Module>>& Classifier::layer_chain(const torch::Tensor& sample) {
  if (chain_) return *chain_;
  chain_.emplace();
  std::vector<std::pair<std::string, torch::jit::Module>> chain;
  expand_sequentials(module_, "", chain);
  if (chain.size() < 2) return *chain_;
  try {
    torch::NoGradGuard no_grad;
    auto x = normalise(sample.to(device_));
    for (auto& [name, link] : chain) x = run_link(link, x);
    auto expected = forward(sample.to(device_));
    if (x.sizes() == expected.sizes() && torch::allclose(x.to(torch::kFloat32), expected.to(torch::kFloat32), 1e-4, 1e-5))
      *chain_ = std::move(chain);
  } catch (const std::exception&) {
    // forward() does more than run its modules in order: only the penultimate method is used.
  }
  return *chain_;
}

std::vector<std::pair<std::string, torch::Tensor>> Classifier::layer_activations(const torch::Tensor& inputs, int64_t batch) {
  std::vector<std::pair<std::string, torch::Tensor>> layers;
  if (inputs.size(0) == 0) return layers;
  auto chain = layer_chain(inputs.slice(0, 0, 4));
  if (chain.empty()) {
    if (auto activations = penultimate(inputs, batch)) layers.emplace_back(penultimate_method_.value_or("penultimate"), *activations);
    return layers;
  }
  torch::NoGradGuard no_grad;
  std::vector<std::vector<torch::Tensor>> parts(chain.size());
  for (int64_t start = 0; start < inputs.size(0); start += batch) {
    auto x = normalise(inputs.slice(0, start, start + batch).to(device_));
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      x = run_link(chain[i].second, x);
      if (i == 0 || passes_through(chain[i].second)) continue;
      // Large feature maps are pooled to 4x4: the clustering needs their layout, not every pixel.
      auto kept = x.dim() == 4 && x.size(2) * x.size(3) > 16 ? torch::adaptive_avg_pool2d(x, {4, 4}) : x;
      parts[i].push_back(kept.flatten(1).to(torch::kFloat32).cpu());
    }
  }
  for (size_t i = 0; i < parts.size(); ++i)
    if (!parts[i].empty()) layers.emplace_back(chain[i].first, torch::cat(parts[i]));
  return layers;
}

Classifier Classifier::fresh_copy(uint64_t seed) const {
  torch::NoGradGuard no_grad;
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(seed);
  auto copy = module_.clone();
  for (const auto& module : copy.modules()) {
    bool normalisation = module.hasattr("running_mean");
    double fan_in = 0;
    for (const auto& parameter : module.named_parameters(false))
      if (parameter.name == "weight" && parameter.value.dim() >= 2) fan_in = static_cast<double>(parameter.value[0].numel());
    for (const auto& parameter : module.named_parameters(false)) {
      auto value = parameter.value;
      auto fresh = torch::empty(value.sizes(), torch::kFloat32);
      if (normalisation || (value.dim() == 1 && fan_in == 0)) fresh.fill_(parameter.name == "weight" ? 1.0 : 0.0);
      else if (fan_in > 0) fresh.uniform_(-1 / std::sqrt(fan_in), 1 / std::sqrt(fan_in), generator);
      else fresh.normal_(0, 1, generator);   // embeddings
      value.copy_(fresh);
    }
    if (normalisation) {
      module.attr("running_mean").toTensor().zero_();
      if (module.hasattr("running_var")) module.attr("running_var").toTensor().fill_(1);
    }
  }
  return Classifier(std::move(copy), *this);
}

int Classifier::train(const torch::Tensor& inputs, const torch::Tensor& labels, const TrainingSettings& settings,
                      torch::Generator& generator) {
  module_.train(true);
  std::vector<torch::Tensor> parameters;
  for (auto parameter : module_.parameters()) parameters.push_back(parameter.requires_grad_(true));
  torch::optim::Adam optimiser(parameters, torch::optim::AdamOptions(settings.learning_rate));
  int64_t n = inputs.size(0);
  int epochs = 0;
  while (epochs < settings.max_epochs) {
    auto order = torch::randperm(n, generator, torch::kLong);
    double total = 0;
    for (int64_t start = 0; start + 1 < n; start += settings.batch) {   // batch norm needs two samples
      auto picks = order.slice(0, start, start + settings.batch);
      auto loss = torch::nn::functional::cross_entropy(logits(inputs.index_select(0, picks).to(device_)),
                                                       labels.index_select(0, picks).to(device_));
      optimiser.zero_grad();
      loss.backward();
      optimiser.step();
      total += loss.item<double>() * picks.size(0);
    }
    ++epochs;
    if (total / n <= settings.stop_at_loss) break;
  }
  module_.train(false);
  return epochs;
}

}  // namespace mlaudit::probe
