#pragma once
// The contract between mlaudit-probe (the LibTorch child) and the scanner: the typed report
// the child prints as one JSON document on stdout, and reads back with from_json. Both
// executables compile this file; it includes no LibTorch, so `mlaudit` reads the report as
// types (facts, HTML, CLI summary) and never by string keys.
//
// The JSON keys are a documented, stable interface (README, "Probing models"). Values are
// rounded by the child before they are put here, so to_json -> from_json gives back an
// equal report.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlaudit {

// A report the scanner cannot read: names the key path and what is wrong there.
struct ProbeReportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using ConfidenceInterval = std::array<double, 2>;   // low, high (95%)
// An image (input, adversarial input, trigger mask) as nested lists of numbers: rows, or
// channels of rows. Only drawn, never computed on.
using ImageJson = nlohmann::ordered_json;

struct EvasionCurvePoint {
  double eps = 0, robust_accuracy = 0, success_rate = 0;
  bool operator==(const EvasionCurvePoint&) const = default;
};

struct EvasionCurve {
  std::string attack;                       // fgsm, pgd_linf, pgd_l2
  std::vector<EvasionCurvePoint> points;    // by increasing eps
  bool operator==(const EvasionCurve&) const = default;
};

struct EvasionRunSettings {
  int steps = 0;
  std::string step_size;                    // how the step follows from eps, in words
  bool random_start = false, targeted = false;
  std::array<double, 2> clip{0, 1};
  int64_t samples = 0;
  bool operator==(const EvasionRunSettings&) const = default;
};

struct EvasionReport {
  double clean_accuracy = 0;
  std::vector<EvasionCurve> curves;         // in the attack list's order
  EvasionRunSettings settings;
  bool operator==(const EvasionReport&) const = default;
};

struct BackdoorClassReport {
  int64_t target_class = 0;
  double mask_l1 = 0;
  std::vector<std::optional<double>> start_l1;   // null: that start never reached the success target
  bool reached_success_target = false;
  double attack_success = 0, heldout_attack_success = 0, strip_entropy = 0, anomaly_index = 0;
  bool operator==(const BackdoorClassReport&) const = default;
};

struct NeuralCleanseRunSettings {
  int steps = 0, restarts = 0;
  int64_t batch = 0;
  double heldout_success = 0, strip_quantile = 0, min_spread = 0;
  int64_t optimisation_inputs = 0, heldout_inputs = 0;
  bool operator==(const NeuralCleanseRunSettings&) const = default;
};

struct BackdoorReport {
  std::string verdict;                      // not-found, inconclusive, suspected
  std::string reason;
  bool flagged = false;                     // verdict == suspected
  std::optional<int64_t> target_class;
  std::vector<double> anomaly_index, trigger_l1;   // per class
  double threshold = 2.0;
  std::vector<BackdoorClassReport> classes;
  double clean_strip_entropy_mean = 0, strip_entropy_threshold = 0;
  NeuralCleanseRunSettings settings;
  std::string method = "neural-cleanse";
  bool operator==(const BackdoorReport&) const = default;
};

struct StripReport {
  double threshold = 0, clean_entropy_mean = 0, clean_entropy_std = 0, suspect_entropy_mean = 0;
  int64_t inputs = 0;
  std::vector<int64_t> flagged_indices;
  double flagged_rate = 0;
  bool operator==(const StripReport&) const = default;
};

struct SuspectScore {
  int64_t index = 0;
  double score = 0;
  bool operator==(const SuspectScore&) const = default;
};

// One method's suspects (activation_clustering, spectral_signatures, label_noise, combined):
// `count` of them, the first `suspects` listed.
struct PoisoningMethodReport {
  std::string method;
  std::vector<SuspectScore> suspects;
  int64_t count = 0;
  bool operator==(const PoisoningMethodReport&) const = default;
};

struct LayerSeparationReport {
  std::string layer;
  double separation = 0;
  bool operator==(const LayerSeparationReport&) const = default;
};

struct PoisoningClassReport {
  int64_t label = 0, samples = 0;
  double silhouette = 0, spread_index = 0;
  int64_t poison_cluster = 0;
  std::array<double, 2> source_entropy{0, 0};
  bool operator==(const PoisoningClassReport&) const = default;
};

struct PoisoningReport {
  std::vector<PoisoningMethodReport> methods;   // the four, in that order
  std::optional<std::string> layer;             // the representation chosen
  std::vector<LayerSeparationReport> layers;
  std::vector<PoisoningClassReport> classes;
  bool label_noise_ran = false;
  int64_t train_samples = 0;
  // The method's count of suspects (0 when it is not in the report).
  int64_t count(std::string_view method) const;
  bool operator==(const PoisoningReport&) const = default;
};

struct RocReport {
  std::string attack;                           // loss, confidence, lira
  double auc = 0;
  ConfidenceInterval auc_ci{0, 0};
  double tpr_at_01pct_fpr = 0;
  ConfidenceInterval tpr_at_01pct_fpr_ci{0, 0};
  double tpr_at_1pct_fpr = 0;
  ConfidenceInterval tpr_at_1pct_fpr_ci{0, 0};
  std::vector<std::array<double, 2>> curve;     // (false-positive rate, true-positive rate)
  bool operator==(const RocReport&) const = default;
};

struct MembershipReport {
  std::string strongest_attack;
  double auc = 0;
  ConfidenceInterval auc_ci{0, 0};
  double tpr_at_01pct_fpr = 0, tpr_at_1pct_fpr = 0;
  ConfidenceInterval tpr_at_1pct_fpr_ci{0, 0};
  double member_accuracy = 0, nonmember_accuracy = 0, member_loss = 0;
  int shadows = 0;
  std::vector<int> shadow_epochs;
  std::vector<RocReport> attacks;
  bool operator==(const MembershipReport&) const = default;
};

struct AdversarialExampleFigure {
  std::string attack;
  double eps = 0;
  int64_t index = 0, label = 0, adversarial_label = 0;
  ImageJson original, adversarial;
  bool operator==(const AdversarialExampleFigure&) const = default;
};

struct TriggerFigure {
  int64_t target_class = 0;
  double l1 = 0, attack_success = 0, anomaly_index = 0;
  ImageJson mask, pattern;                      // null when the trigger is not an image
  bool operator==(const TriggerFigure&) const = default;
};

struct RocCurveFigure {
  std::string attack;
  std::vector<std::array<double, 2>> curve;
  bool operator==(const RocCurveFigure&) const = default;
};

struct ProbeFigures {
  std::vector<AdversarialExampleFigure> adversarial_examples;
  std::optional<std::vector<TriggerFigure>> triggers;        // when the backdoor probe ran
  std::optional<std::vector<RocCurveFigure>> membership_roc;  // when membership ran
  bool operator==(const ProbeFigures&) const = default;
};

struct ProbeNote {
  std::string probe, message;
  bool operator==(const ProbeNote&) const = default;
};

struct ProbeTiming {
  std::string probe;
  double seconds = 0;
  bool operator==(const ProbeTiming&) const = default;
};

struct ProbeReport {
  std::string model_path;
  std::optional<std::string> model_sha256;   // added by the scanner, which hashes the file
  std::string device, libtorch, output_kind;
  int64_t classes = 0, samples = 0;
  std::optional<EvasionReport> evasion;
  std::optional<BackdoorReport> backdoor;
  std::optional<StripReport> strip;
  std::optional<PoisoningReport> poisoning;
  std::optional<MembershipReport> membership;
  std::vector<ProbeNote> diagnostics;
  std::vector<ProbeTiming> seconds;
  ProbeFigures figures;
  bool operator==(const ProbeReport&) const = default;

  nlohmann::ordered_json to_json() const;
  // Throws ProbeReportError naming the key path and the problem.
  static ProbeReport from_json(const nlohmann::ordered_json& document);
};

}  // namespace mlaudit
