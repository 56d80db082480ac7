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

  int64_t classes() const { return classes_; }
  OutputKind output_kind() const { return output_kind_; }
  torch::Device device() const { return device_; }

 private:
  torch::Tensor normalise(const torch::Tensor& inputs) const;
  torch::Tensor forward(const torch::Tensor& inputs);

  torch::jit::Module module_;
  torch::Device device_;
  Normalisation normalisation_;
  torch::Tensor mean_, std_;
  OutputKind output_kind_ = OutputKind::logits;
  int64_t classes_ = 0;
  std::optional<std::string> penultimate_method_;
  bool sequential_ = false;
};

}  // namespace mlaudit::probe
