#pragma once
// Inputs and labels for the probes, read without running any code: .npy and .npz (NumPy's
// documented header + raw data), tensors saved with torch.save (LibTorch's pickle reader,
// which only rebuilds tensors and containers), and numeric CSV.
#include <torch/torch.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlaudit::probe {

struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Dataset {
  torch::Tensor inputs;                  // float32, [N, ...]
  std::optional<torch::Tensor> labels;   // int64, [N]
};

// `path` may be an .npy/.npz/.pt/.pth/.csv file. An .npz (or a torch.save'd dict/tuple)
// may carry both inputs and labels (keys x/y, inputs/labels, data/target). `labels_path`,
// when given, overrides. `input_shape` (without the batch dimension) reshapes flat rows.
Dataset load_dataset(const std::filesystem::path& path, const std::optional<std::filesystem::path>& labels_path,
                     const std::vector<int64_t>& input_shape);

// One array as a tensor (float32 for floating data, int64 for integers).
torch::Tensor load_array(const std::filesystem::path& path);

}  // namespace mlaudit::probe
