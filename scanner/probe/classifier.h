#pragma once
// A TorchScript classifier as the probes see it: inputs in data space (the range the data
// comes in, clipped there), normalisation applied inside, outputs as logits whatever the
// model returns (logits, probabilities or log-probabilities, recognised on a sample), and
// the penultimate layer's activations where the model exposes them.
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlaudit::probe {

enum class OutputKind { logits, probabilities, log_probabilities };
std::string to_string(OutputKind kind);

struct Normalisation {
  std::vector<double> mean, std;   // per channel; empty = none
};

class Classifier {
 public:
  Classifier(const std::filesystem::path& path, torch::Device device, Normalisation normalisation);

  // Recognises the output kind and the class count on a few inputs.
  void inspect(const torch::Tensor& sample);
  // Logits (log-probabilities for probability models), differentiable w.r.t. `inputs`.
  torch::Tensor logits(const torch::Tensor& inputs);
  // Predicted classes, batched, without gradients.
  torch::Tensor predict(const torch::Tensor& inputs, int64_t batch = 512);
  // Penultimate activations [N, D], batched, or nullopt when the model does not expose them
  // (a `penultimate`, `features` or `embed` method, or a Sequential model's last-but-one output).
  std::optional<torch::Tensor> penultimate(const torch::Tensor& inputs, int64_t batch = 512);
  bool has_penultimate() const { return penultimate_method_.has_value() || sequential_; }

  // Every intermediate representation after the first layer, named by module path, batched:
  // the model's modules run in registration order (Sequentials expanded, a flatten before a
  // Linear that gets more than a vector), used only when that chain reproduces forward().
  // Falls back to the penultimate activations alone; empty when there are none.
  std::vector<std::pair<std::string, torch::Tensor>> layer_activations(const torch::Tensor& inputs, int64_t batch = 512);

  // A copy of the model with the same architecture and freshly initialised parameters
  // (PyTorch's defaults: uniform ±1/sqrt(fan_in) for weights and biases, normalisation
  // layers reset), for shadow models. `train(...)` fits it with Adam and cross-entropy.
  Classifier fresh_copy(uint64_t seed) const;
  struct TrainingSettings {
    int max_epochs = 100;
    int64_t batch = 32;
    double learning_rate = 1e-3;
    double stop_at_loss = 0;   // stop once the mean training loss falls to this
  };
  int train(const torch::Tensor& inputs, const torch::Tensor& labels, const TrainingSettings& settings, torch::Generator& generator);

  int64_t classes() const { return classes_; }
  OutputKind output_kind() const { return output_kind_; }
  torch::Device device() const { return device_; }

 private:
  Classifier(torch::jit::Module module, const Classifier& like);
  torch::Tensor normalise(const torch::Tensor& inputs) const;
  torch::Tensor forward(const torch::Tensor& inputs);
  // The chain of modules layer_activations() runs, checked against forward() once.
  const std::vector<std::pair<std::string, torch::jit::Module>>& layer_chain(const torch::Tensor& sample);

  torch::jit::Module module_;
  torch::Device device_;
  Normalisation normalisation_;
  torch::Tensor mean_, std_;
  OutputKind output_kind_ = OutputKind::logits;
  int64_t classes_ = 0;
  std::optional<std::string> penultimate_method_;
  bool sequential_ = false;
  std::optional<std::vector<std::pair<std::string, torch::jit::Module>>> chain_;
};

}  // namespace mlaudit::probe
