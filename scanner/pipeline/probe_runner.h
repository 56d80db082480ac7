#pragma once
// Runs mlaudit-probe (the LibTorch executable) on one model, confined (sandbox/), after the
// static model check found nothing that runs code in the file: what `mlaudit probe` and the
// probes declared in .mlaudit.yml use. The result is the probe's JSON document, completed
// with the model's SHA-256 and every top-level key present (null when not run).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "derive/probe_results.h"

namespace mlaudit {

struct ProbeRequest {
  std::filesystem::path model, data;
  std::optional<std::filesystem::path> labels, train, train_labels, holdout, holdout_labels, strip_inputs;
  std::vector<std::string> attacks;            // empty: all the data allows
  std::vector<double> eps, eps_l2;             // empty: the probe's defaults
  std::vector<int64_t> input_shape;
  std::vector<double> mean, std;
  std::optional<double> clip_min, clip_max;
  std::optional<int> steps, nc_steps, nc_restarts, max_samples;
  std::optional<int> shadows, shadow_epochs, cv_folds, cv_epochs;   // LiRA and confident-learning budgets
  std::optional<double> threshold;             // backdoor anomaly index (default 2)
  bool random_start = false, targeted = false;
  std::string device = "cpu";
  bool allow_unsafe_model = false;             // load even when the static scan objects
  unsigned timeout_seconds = 900;
  uint64_t memory_mb = 8192;
  unsigned threads = 0;
};

// Where mlaudit-probe is: $MLAUDIT_PROBE, else beside the running executable.
std::filesystem::path probe_executable();

// `objections`: what the static model check found in the file that runs code (see
// pipeline/stages.h); unless the request allows an unsafe model, any refuses the load.
ProbeOutcome run_probe(const ProbeRequest& request, const std::vector<std::string>& objections);

}  // namespace mlaudit
