#include "probe/poisoning.h"

#include "probe/robust_statistics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

namespace mlaudit::probe {
namespace {

using torch::indexing::Slice;

// Two-means with farthest-point initialisation (deterministic).
std::vector<int> two_means(const torch::Tensor& points) {
  int64_t n = points.size(0);
  auto mean = points.mean(0);
  int64_t first = (points - mean).norm(2, {1}).argmax().item<int64_t>();
  int64_t second = (points - points[first]).norm(2, {1}).argmax().item<int64_t>();
  auto centers = torch::stack({points[first], points[second]});
  torch::Tensor assignment;
  for (int iteration = 0; iteration < 50; ++iteration) {
    auto next = torch::cdist(points, centers).argmin(1);
    if (assignment.defined() && next.equal(assignment)) break;
    assignment = next;
    for (int c = 0; c < 2; ++c) {
      auto members = assignment.eq(c);
      if (members.any().item<bool>()) centers[c] = points.index({members}).mean(0);
    }
  }
  std::vector<int> out(n);
  auto values = assignment.accessor<int64_t, 1>();
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int>(values[i]);
  return out;
}

// Mean silhouette of a two-cluster split: near 1 when the clusters are far apart.
double silhouette(const torch::Tensor& points, const std::vector<int>& clusters) {
  auto distances = torch::cdist(points, points);
  auto labels = torch::tensor(std::vector<int64_t>(clusters.begin(), clusters.end()));
  double total = 0;
  for (int c = 0; c < 2; ++c) {
    auto own = labels.eq(c), other = labels.ne(c);
    int64_t own_count = own.sum().item<int64_t>(), other_count = other.sum().item<int64_t>();
    if (own_count < 2 || other_count == 0) return 0;
    auto rows = distances.index({own});
    auto a = rows.index({Slice(), own}).sum(1) / (own_count - 1);
    auto b = rows.index({Slice(), other}).mean(1);
    total += ((b - a) / torch::max(a, b).clamp_min(1e-12)).sum().item<double>();
  }
  return total / points.size(0);
}

// One class in one representation: its members, their leading principal components, and
// the two-means split of those.
struct Split {
  int64_t label = 0;
  torch::Tensor members, reduced;
  std::vector<int> clusters;
  double silhouette = 0;
};

std::vector<Split> split_classes(const torch::Tensor& activations, const torch::Tensor& labels, int components) {
  std::vector<Split> splits;
  auto classes = std::get<0>(torch::_unique(labels));
  for (int64_t i = 0; i < classes.size(0); ++i) {
    Split split;
    split.label = classes[i].item<int64_t>();
    split.members = labels.eq(classes[i]).nonzero().flatten();
    // Two clusters in `components` dimensions need a few samples per dimension: smaller
    // classes split on noise (30-sample classes gave spurious "poison" clusters).
    if (split.members.size(0) < 5 * components) continue;
    auto centred = activations.index_select(0, split.members);
    centred = centred - centred.mean(0);
    auto [u, s, v] = torch::linalg_svd(centred, false);   // v: right singular vectors as rows
    int64_t k = std::min<int64_t>(components, v.size(0));
    split.reduced = centred.matmul(v.slice(0, 0, k).t());
    split.clusters = two_means(split.reduced);
    split.silhouette = silhouette(split.reduced, split.clusters);
    splits.push_back(std::move(split));
  }
  return splits;
}

torch::Tensor cluster_mask(const Split& split, int cluster) {
  return torch::tensor(std::vector<int64_t>(split.clusters.begin(), split.clusters.end())).eq(cluster);
}

// Poisoned samples (all-to-one backdoors, label flips) are other classes' inputs relabelled:
// assigned to the nearest centroid of the *other* classes, a poison cluster's members spread
// over many of them, a clean cluster's gather on the one or two classes its class resembles.
// Returns, per cluster, the entropy of that assignment.
std::array<double, 2> source_diversity(const Split& split, const torch::Tensor& activations, const torch::Tensor& labels) {
  std::vector<torch::Tensor> centroids;
  auto classes = std::get<0>(torch::_unique(labels));
  for (int64_t i = 0; i < classes.size(0); ++i)
    if (classes[i].item<int64_t>() != split.label) centroids.push_back(activations.index({labels.eq(classes[i])}).mean(0));
  std::array<double, 2> entropy{0, 0};
  if (centroids.size() < 2) return entropy;
  auto centres = torch::stack(centroids);
  for (int c = 0; c < 2; ++c) {
    auto members = split.members.index({cluster_mask(split, c)});
    if (members.size(0) == 0) continue;
    auto nearest = torch::cdist(activations.index_select(0, members), centres).argmin(1);
    auto share = torch::bincount(nearest, {}, static_cast<int64_t>(centroids.size())).to(torch::kFloat64) / members.size(0);
    auto present = share.index({share.gt(0)});
    entropy[c] = -(present * present.log()).sum().item<double>();
  }
  return entropy;
}

// Symmetric matrix function through its eigendecomposition.
torch::Tensor eigen_apply(const torch::Tensor& symmetric, const std::function<torch::Tensor(torch::Tensor)>& f) {
  auto [values, vectors] = torch::linalg::eigh(symmetric, "L");
  return vectors.matmul(torch::diag(f(values))).matmul(vectors.t());
}

// SPECTRE's QUE scores of `points` whitened by the mean and covariance of `reference`.
torch::Tensor que_scores(const torch::Tensor& points, const torch::Tensor& reference, double alpha) {
  int64_t k = points.size(1);
  auto mean = reference.mean(0);
  auto centred_reference = reference - mean;
  auto covariance = centred_reference.t().matmul(centred_reference) / std::max<int64_t>(1, reference.size(0) - 1) +
                    torch::eye(k) * 1e-6;
  auto inverse_root = eigen_apply(covariance, [](torch::Tensor v) { return v.clamp_min(1e-9).rsqrt(); });
  auto whitened = (points - mean).matmul(inverse_root);
  auto second_moment = whitened.t().matmul(whitened) / points.size(0);
  double largest = torch::linalg::eigvalsh(second_moment, "L").max().item<double>();
  if (largest <= 1 + 1e-6) return whitened.pow(2).sum(1) / k;   // no direction stands out: plain Mahalanobis
  auto exponent = eigen_apply(second_moment - torch::eye(k), [&](torch::Tensor v) { return (alpha * v / (largest - 1)).exp(); });
  return (whitened.matmul(exponent) * whitened).sum(1) / exponent.trace();
}

void sort_by_score(std::vector<Suspect>& suspects) {
  std::sort(suspects.begin(), suspects.end(), [](const Suspect& a, const Suspect& b) {
    return a.score != b.score ? a.score > b.score : a.index < b.index;
  });
}

// Out-of-fold class probabilities from fresh copies of the model trained on the other folds.
torch::Tensor out_of_fold_probabilities(Classifier& model, const torch::Tensor& inputs, const torch::Tensor& labels,
                                        const PoisoningSettings& settings) {
  int64_t n = inputs.size(0);
  int folds = static_cast<int>(std::clamp<int64_t>(settings.folds, 2, std::max<int64_t>(2, n / 10)));
  auto generator = torch::make_generator<at::CPUGeneratorImpl>(settings.seed + 17);
  auto order = torch::randperm(n, generator, torch::kLong);
  auto probabilities = torch::zeros({n, model.classes()});
  for (int fold = 0; fold < folds; ++fold) {
    auto position = torch::arange(n, torch::kLong);
    auto held = order.index({position.remainder(folds).eq(fold)});
    auto rest = order.index({position.remainder(folds).ne(fold)});
    Classifier copy = model.fresh_copy(settings.seed + 1000 + fold);
    Classifier::TrainingSettings training;
    training.max_epochs = settings.epochs;
    copy.train(inputs.index_select(0, rest), labels.index_select(0, rest), training, generator);
    torch::NoGradGuard no_grad;
    for (int64_t start = 0; start < held.size(0); start += 512) {
      auto picks = held.slice(0, start, start + 512);
      probabilities.index_put_({picks}, torch::softmax(copy.logits(inputs.index_select(0, picks).to(copy.device())), 1).cpu());
    }
  }
  return probabilities;
}

// Confident learning, pruned by class: the confident joint counts, per given label, the
// samples confidently in each class (probability at least that class's mean
// self-confidence; the most probable such class); calibrated to the class's size, its
// off-diagonal share estimates how many of the class's labels are wrong, and that many
// samples of the class with the largest margin max_{k≠y} p_k − p_y are the issues.
std::vector<Suspect> confident_label_issues(const torch::Tensor& probabilities, const torch::Tensor& labels) {
  int64_t classes = probabilities.size(1), n = probabilities.size(0);
  std::vector<double> threshold(classes, 1.0);
  for (int64_t j = 0; j < classes; ++j) {
    auto own = labels.eq(j);
    if (own.any().item<bool>()) threshold[j] = probabilities.index({own, j}).mean().item<double>();
  }
  auto p = probabilities.accessor<float, 2>();
  auto y = labels.accessor<int64_t, 1>();
  std::vector<std::vector<int64_t>> members(classes);
  std::vector<int64_t> counted(classes, 0), off_diagonal(classes, 0);
  for (int64_t i = 0; i < n; ++i) {
    members[y[i]].push_back(i);
    int64_t best = -1;
    for (int64_t j = 0; j < classes; ++j)
      if (p[i][j] >= threshold[j] && (best < 0 || p[i][j] > p[i][best])) best = j;
    if (best < 0) continue;
    counted[y[i]]++;
    off_diagonal[y[i]] += best != y[i];
  }
  std::vector<Suspect> issues;
  for (int64_t label = 0; label < classes; ++label) {
    if (counted[label] == 0) continue;
    auto estimate = static_cast<size_t>(std::llround(double(members[label].size()) * off_diagonal[label] / counted[label]));
    std::vector<Suspect> ranked;
    for (int64_t i : members[label]) {
      double other = 0;
      for (int64_t k = 0; k < classes; ++k)
        if (k != label) other = std::max<double>(other, p[i][k]);
      ranked.push_back({i, other - p[i][label]});
    }
    std::sort(ranked.begin(), ranked.end(), [](const Suspect& a, const Suspect& b) { return a.score > b.score; });
    issues.insert(issues.end(), ranked.begin(), ranked.begin() + std::min(estimate, ranked.size()));
  }
  return issues;
}

// Every sample some method suspects: more agreeing methods first, then the mean of the
// methods' normalised ranks (1 for a method's top suspect).
std::vector<Suspect> combine(const std::vector<const std::vector<Suspect>*>& methods) {
  std::map<int64_t, std::pair<int, double>> votes;
  for (const auto* suspects : methods)
    for (size_t rank = 0; rank < suspects->size(); ++rank) {
      auto& [count, score] = votes[(*suspects)[rank].index];
      count++, score += 1.0 - double(rank) / suspects->size();
    }
  std::vector<Suspect> combined;
  for (const auto& [index, vote] : votes) combined.push_back({index, vote.first + vote.second / vote.first / 2});
  sort_by_score(combined);
  return combined;
}

}  // namespace

PoisoningResult find_poisoned(Classifier& model, const std::vector<std::pair<std::string, torch::Tensor>>& layers,
                              const torch::Tensor& inputs, const torch::Tensor& labels, const PoisoningSettings& settings) {
  torch::NoGradGuard no_grad;
  PoisoningResult result;
  // Every representation: each class split in two, and how widely its more spread cluster
  // spreads over the other classes. The representation where one class's spread stands out
  // most from the other classes' (robust z) is used.
  struct Candidate {
    std::vector<Split> splits;
    std::vector<std::array<double, 2>> diversity;
    std::vector<double> spread_z;
    torch::Tensor activations;
  };
  std::optional<Candidate> chosen;
  double best_statistic = -INFINITY;
  for (const auto& [name, activations] : layers) {
    Candidate candidate{split_classes(activations, labels, settings.components), {}, {}, activations};
    if (candidate.splits.size() < 3) continue;
    std::vector<double> spreads;
    for (const auto& split : candidate.splits) {
      candidate.diversity.push_back(source_diversity(split, activations, labels));
      spreads.push_back(std::max(candidate.diversity.back()[0], candidate.diversity.back()[1]));
    }
    candidate.spread_z = leave_one_out_z(spreads, 0.05);
    double statistic = *std::max_element(candidate.spread_z.begin(), candidate.spread_z.end());
    result.layers.push_back({name, statistic});
    if (statistic > best_statistic) best_statistic = statistic, chosen = std::move(candidate), result.layer = name;
  }
  if (chosen) {
    for (size_t c = 0; c < chosen->splits.size(); ++c) {
      const Split& split = chosen->splits[c];
      const auto& diversity = chosen->diversity[c];
      ClassSplit summary{split.label, split.silhouette, chosen->spread_z[c], split.members.size(0), 0, diversity};
      int poison = diversity[1] > diversity[0] ? 1 : 0;
      bool suspect = chosen->spread_z[c] > settings.spread_index;
      torch::Tensor reference;
      if (suspect) {
        auto poison_mask = cluster_mask(split, poison);
        summary.poison_cluster = poison_mask.sum().item<int64_t>();
        reference = split.reduced.index({~poison_mask});
        auto poison_center = split.reduced.index({poison_mask}).mean(0), clean_center = reference.mean(0);
        auto to_clean = (split.reduced - clean_center).norm(2, {1}), to_poison = (split.reduced - poison_center).norm(2, {1});
        for (int64_t local = 0; local < split.reduced.size(0); ++local)
          if (split.clusters[local] == poison)
            result.activation_clustering.push_back({split.members[local].item<int64_t>(),
                                                    to_clean[local].item<double>() / (to_poison[local].item<double>() + 1e-9)});
      }
      // Spectral signatures: in a suspect class, the samples whose QUE score after the clean
      // cluster's whitening lies more than 3 scaled MADs above the clean samples' scores.
      if (suspect && reference.size(0) > split.reduced.size(1) + 1) {
        auto scores = que_scores(split.reduced, reference, settings.que_alpha);
        auto reference_scores = que_scores(reference, reference, settings.que_alpha);
        std::vector<double> clean(reference_scores.data_ptr<float>(), reference_scores.data_ptr<float>() + reference_scores.size(0));
        double center = median(clean);
        std::vector<double> deviations;
        for (double value : clean) deviations.push_back(std::abs(value - center));
        double cut = center + 3 * 1.4826 * median(deviations);
        for (int64_t local = 0; local < scores.size(0); ++local)
          if (double score = scores[local].item<double>(); score > cut)
            result.spectral_signatures.push_back({split.members[local].item<int64_t>(), score});
      }
      result.classes.push_back(summary);
    }
  }
  // Label noise: confident learning with out-of-fold probabilities.
  if (settings.label_noise) {
    if (labels.max().item<int64_t>() >= model.classes() || labels.min().item<int64_t>() < 0) {
      result.label_noise_problem = "labels outside the model's " + std::to_string(model.classes()) + " classes";
    } else {
      torch::AutoGradMode enable(true);
      result.label_noise = confident_label_issues(out_of_fold_probabilities(model, inputs, labels, settings), labels);
      result.label_noise_ran = true;
    }
  }
  sort_by_score(result.activation_clustering);
  sort_by_score(result.spectral_signatures);
  sort_by_score(result.label_noise);
  result.combined = combine({&result.activation_clustering, &result.spectral_signatures, &result.label_noise});
  return result;
}

}  // namespace mlaudit::probe
