#pragma once
// Poisoned training data, found in a supplied training set:
// - activation clustering (Chen et al., 2018): per class, penultimate activations reduced
//   to a few principal components and split in two by k-means; the smaller cluster of a
//   class whose split is unusually well separated (silhouette) is suspect;
// - spectral signatures (Tran et al., 2018): per class, the squared projection of centred
//   activations on the top singular vector; the 1.5·ε highest-scoring samples are suspect;
// - label noise: samples whose nearest neighbours (in input space) mostly carry another
//   label.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace mlaudit::probe {

struct Suspect {
  int64_t index = 0;
  double score = 0;
};

struct PoisoningSettings {
  int components = 10;
  double separation = 0.35;            // a suspect class's split has at least this silhouette...
  double separation_index = 2.5;       // ...and stands out from the other classes' splits by this MAD index
  double expected_poison_rate = 0.1;   // ε for spectral signatures
  int neighbours = 10;
  double disagreement = 0.7;           // share of neighbours with another label
};

struct PoisoningResult {
  std::vector<Suspect> activation_clustering, spectral_signatures, label_noise;
};

// `activations` may be undefined (the model exposes no penultimate layer): only label
// noise runs then.
PoisoningResult find_poisoned(const torch::Tensor& activations, const torch::Tensor& inputs, const torch::Tensor& labels,
                              const PoisoningSettings& settings);

}  // namespace mlaudit::probe
