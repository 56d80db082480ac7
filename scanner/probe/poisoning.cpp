#include "probe/poisoning.h"

#include "probe/robust_statistics.h"

#include <algorithm>
#include <cmath>

namespace mlaudit::probe {
namespace {

// Two-means with farthest-point initialisation (deterministic).
std::vector<int> two_means(const torch::Tensor& points) {
  int64_t n = points.size(0);
  auto mean = points.mean(0);
  int64_t first = (points - mean).norm(2, {1}).argmax().item<int64_t>();
  int64_t second = (points - points[first]).norm(2, {1}).argmax().item<int64_t>();
  auto centers = torch::stack({points[first], points[second]});
  torch::Tensor assignment;
  for (int iteration = 0; iteration < 50; ++iteration) {
    auto distances = torch::cdist(points, centers);
    auto next = distances.argmin(1);
    if (assignment.defined() && next.equal(assignment)) break;
    assignment = next;
    for (int c = 0; c < 2; ++c) {
      auto members = assignment.eq(c);
      if (members.any().item<bool>()) centers[c] = points.index({members}).mean(0);
    }
  }
  std::vector<int> out(n);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int>(assignment[i].item<int64_t>());
  return out;
}

// Mean silhouette of a two-cluster split: near 1 when the clusters are far apart.
double silhouette(const torch::Tensor& points, const std::vector<int>& clusters) {
  auto distances = torch::cdist(points, points);
  auto labels = torch::tensor(std::vector<int64_t>(clusters.begin(), clusters.end()));
  double total = 0;
  int64_t n = points.size(0);
  for (int c = 0; c < 2; ++c) {
    auto own = labels.eq(c), other = labels.ne(c);
    int64_t own_count = own.sum().item<int64_t>(), other_count = other.sum().item<int64_t>();
    if (own_count < 2 || other_count == 0) return 0;
    auto rows = distances.index({own});
    auto a = rows.index({torch::indexing::Slice(), own}).sum(1) / (own_count - 1);
    auto b = rows.index({torch::indexing::Slice(), other}).mean(1);
    total += ((b - a) / torch::max(a, b).clamp_min(1e-12)).sum().item<double>();
  }
  return total / n;
}

void sort_by_score(std::vector<Suspect>& suspects) {
  std::sort(suspects.begin(), suspects.end(), [](const Suspect& a, const Suspect& b) {
    return a.score != b.score ? a.score > b.score : a.index < b.index;
  });
}

}  // namespace

PoisoningResult find_poisoned(const torch::Tensor& activations, const torch::Tensor& inputs, const torch::Tensor& labels,
                              const PoisoningSettings& settings) {
  torch::NoGradGuard no_grad;
  PoisoningResult result;
  auto classes = std::get<0>(torch::_unique(labels));
  if (activations.defined()) {
    struct Split {
      torch::Tensor members, reduced;
      std::vector<int> clusters;
      int small = 0;
      double share = 0, separation = 0;
    };
    std::vector<Split> splits;
    for (int64_t i = 0; i < classes.size(0); ++i) {
      auto members = labels.eq(classes[i]).nonzero().flatten();
      int64_t n = members.size(0);
      if (n < 10) continue;
      auto centred = activations.index_select(0, members);
      centred = centred - centred.mean(0);
      auto [u, s, v] = torch::linalg::svd(centred, false, c10::nullopt);  // v holds the right singular vectors as rows
      // Spectral signature: squared projection on the top right-singular vector.
      auto scores = centred.matmul(v[0]).pow(2);
      int64_t flagged = std::min<int64_t>(n, static_cast<int64_t>(1.5 * settings.expected_poison_rate * n + 0.5));
      auto top = std::get<1>(scores.topk(flagged));
      for (int64_t k = 0; k < flagged; ++k) {
        int64_t local = top[k].item<int64_t>();
        result.spectral_signatures.push_back({members[local].item<int64_t>(), scores[local].item<double>()});
      }
      // Activation clustering on the leading components; judged once every class is split.
      int64_t components = std::min<int64_t>(settings.components, v.size(0));
      auto reduced = centred.matmul(v.slice(0, 0, components).t());
      auto clusters = two_means(reduced);
      int64_t ones = std::count(clusters.begin(), clusters.end(), 1);
      int small = ones * 2 < n ? 1 : 0;
      int64_t small_size = small ? ones : n - ones;
      double separation = small_size > 1 && small_size < n ? silhouette(reduced, clusters) : 0;
      splits.push_back({members, reduced, clusters, small, double(small_size) / n, separation});
    }
    // Poison forms its own, well separated cluster: a class whose split is far cleaner
    // than the other classes' (MAD anomaly index of the silhouettes) and clean in
    // absolute terms. (The relative-size rule of the original method alone flags most
    // classes of a clean model: two-means always finds some split.)
    std::vector<double> separations;
    for (const auto& split : splits) separations.push_back(split.separation);
    // Only unusually *clean* splits count: above the median, by the MAD index.
    auto index = mad_anomaly_index(separations);
    double typical = median(separations);
    for (size_t c = 0; c < splits.size(); ++c) {
      const auto& split = splits[c];
      if (split.separation < settings.separation || split.separation <= typical || index[c] <= settings.separation_index) continue;
      auto small_mask = torch::tensor(std::vector<int64_t>(split.clusters.begin(), split.clusters.end())).eq(split.small);
      auto small_center = split.reduced.index({small_mask}).mean(0);
      auto large_center = split.reduced.index({~small_mask}).mean(0);
      for (int64_t local = 0; local < split.reduced.size(0); ++local)
        if (split.clusters[local] == split.small) {
          double to_large = (split.reduced[local] - large_center).norm().item<double>();
          double to_small = (split.reduced[local] - small_center).norm().item<double>();
          result.activation_clustering.push_back({split.members[local].item<int64_t>(), to_large / (to_small + 1e-9)});
        }
    }
  }
  // Label noise: k nearest neighbours in input space.
  auto flat = inputs.flatten(1).to(torch::kFloat32);
  int64_t n = flat.size(0);
  int k = std::min<int64_t>(settings.neighbours, n - 1);
  for (int64_t start = 0; start < n && k > 0; start += 512) {
    auto distances = torch::cdist(flat.slice(0, start, start + 512), flat);
    for (int64_t row = 0; row < distances.size(0); ++row) distances[row][start + row] = INFINITY;
    auto nearest = std::get<1>(distances.topk(k, 1, false));
    auto neighbour_labels = labels.index({nearest});
    auto own = labels.slice(0, start, start + 512).unsqueeze(1);
    auto disagreement = neighbour_labels.ne(own).to(torch::kFloat32).mean(1);
    for (int64_t row = 0; row < disagreement.size(0); ++row) {
      double share = disagreement[row].item<double>();
      if (share >= settings.disagreement) result.label_noise.push_back({start + row, share});
    }
  }
  sort_by_score(result.activation_clustering);
  sort_by_score(result.spectral_signatures);
  sort_by_score(result.label_noise);
  return result;
}

}  // namespace mlaudit::probe
