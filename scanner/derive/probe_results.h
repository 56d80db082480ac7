#pragma once
// The probes declared in .mlaudit.yml, once run (pipeline/probe_runner), as facts: each
// report becomes a probe_result fact on the model file, with the measures rules read
// flattened (min_robust_accuracy, backdoor_flagged, poisoning_suspect_share, membership_auc,
// ...) next to the limits the declaration set. Only measures: the rules (rules/probe/)
// compare them with the limits.
// A probe that was refused or failed is a diagnostic, not a failed scan.
#include <string>
#include <vector>
#include <span>

#include <nlohmann/json.hpp>

#include "facts/diagnostic.h"
#include "facts/fact.h"
#include "probe_contract/probe_report.h"

namespace mlaudit {

// What running one probe gave.
struct ProbeOutcome {
  bool ran = false;                 // the probe produced its document
  bool refused = false;             // not loaded: the static scan found code execution (or an unreadable model)
  std::string problem;              // why it did not run, or how the child failed
  ProbeReport report;               // what the probe measured (when it ran)
};

// Limits a probe declaration sets (.mlaudit.yml `thresholds:`), carried into the fact for the
// rules to compare with.
struct ProbeThresholds {
  double min_robust_accuracy = 0.5;    // at the smallest eps, for every attack
  double max_membership_auc = 0.6;
  double max_suspect_share = 0.05;     // share of the training set flagged as label noise
};

// One declared probe after it ran (or was refused).
struct ProbeRun {
  std::string model;                   // relative to the scan root
  ProbeThresholds thresholds;
  ProbeOutcome outcome;
};

std::vector<Fact> probe_result_facts(std::span<const ProbeRun> runs, std::vector<Diagnostic>& diagnostics);

// The flattened measures of one probe document (exposed for tests).
nlohmann::ordered_json probe_measures(const ProbeReport& report, const ProbeThresholds& thresholds);

}  // namespace mlaudit
