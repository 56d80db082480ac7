#pragma once
// Poisoned training data, found in a supplied training set:
// - activation clustering (Chen et al., 2018) on the representation where poison separates:
//   every layer after the first is tried; per class, activations reduced to their leading
//   principal components are split in two by k-means, and each cluster's members are
//   assigned to the nearest centroid of the *other* classes. Poisoned samples are other
//   classes' inputs relabelled (and may outnumber the class's own): their cluster spreads
//   over many classes (high entropy), a clean cluster gathers on the one or two its class
//   resembles. A layer's separation statistic is how far its widest-spreading class stands
//   out from the other classes (robust z of the entropies); the layer with the largest is
//   used, and there a class above the threshold is suspect, its wider cluster the poison;
// - spectral signatures with robust whitening (SPECTRE, Hayase et al., 2021): in a suspect
//   class, the activations whitened by the clean cluster's covariance and scored by the
//   quantum-entropy (QUE) outlier score; samples whose score is a robust outlier among the
//   clean cluster's own scores are suspects;
// - label noise by confident learning (Northcutt et al., 2021): out-of-fold probabilities
//   from fresh copies of the model's own architecture trained on the other folds; the
//   calibrated confident joint estimates how many labels of each class are wrong, and that
//   many samples with the largest margin for another class are label issues (prune by class).
// A combined ranking takes every sample at least one method suspects, ordered by how many
// methods agree and then by their scores.
#include <torch/torch.h>

#include <array>
#include <string>
#include <vector>

#include "probe/classifier.h"

namespace mlaudit::probe {

struct Suspect {
  int64_t index = 0;
  double score = 0;
};

struct PoisoningSettings {
  int components = 10;
  double spread_index = 4.5;           // a class whose cluster spreads over the other classes more widely
                                       // than the other classes' clusters do, by this robust z, is suspect
  double que_alpha = 4.0;              // SPECTRE's QUE exponent
  int folds = 5;                       // confident learning
  int epochs = 20;
  bool label_noise = true;
  uint64_t seed = 0;
};

struct LayerSeparation {
  std::string layer;
  double statistic = 0;   // largest robust z of a class's silhouette
};

struct ClassSplit {
  int64_t label = 0;
  double silhouette = 0, index = 0;          // index: robust z of the class's spread
  int64_t samples = 0, poison_cluster = 0;   // size of the cluster judged poison (0: class not suspect)
  std::array<double, 2> source_entropy{0, 0};  // per cluster: entropy of its members' nearest other classes
};

struct PoisoningResult {
  std::vector<Suspect> activation_clustering, spectral_signatures, label_noise, combined;
  std::string layer;                          // the representation chosen
  std::vector<LayerSeparation> layers;        // every representation tried
  std::vector<ClassSplit> classes;            // in the chosen representation
  bool label_noise_ran = false;
  std::string label_noise_problem;
};

// `layers` are the model's representations of `inputs` (Classifier::layer_activations);
// empty when the model exposes none: only label noise runs then.
PoisoningResult find_poisoned(Classifier& model, const std::vector<std::pair<std::string, torch::Tensor>>& layers,
                              const torch::Tensor& inputs, const torch::Tensor& labels, const PoisoningSettings& settings);

}  // namespace mlaudit::probe
