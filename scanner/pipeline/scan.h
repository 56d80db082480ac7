#pragma once
// The whole pipeline: walk -> sniff/extract -> facts -> data-flow diagram -> rules ->
// findings. Reports read the ScanResult; they compute nothing of their own.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "derive/passes.h"
#include "extract/extract_files.h"
#include "graph/dfd.h"
#include "pipeline/inventory.h"
#include "pipeline/privacy_record.h"
#include "pipeline/project_config.h"
#include "ruleset/advisories.h"
#include "ruleset/finding.h"
#include "ruleset/rule_loader.h"
#include "walk/walker.h"

namespace mlaudit {

struct ScanOptions {
  std::filesystem::path target;
  std::optional<std::filesystem::path> config_file;   // default: <root>/.mlaudit.yml when present
  std::vector<std::filesystem::path> rule_folders;
  std::vector<std::string> enable, disable;
  std::optional<std::filesystem::path> baseline;
  unsigned jobs = 0;
  std::optional<uint64_t> max_file_bytes;
  std::optional<uint64_t> data_sample_rows;           // dataset rows profiled per file; 0 = all
  std::vector<std::string> skip_paths;                // our own report files inside the root
  bool run_probes = true;                             // the probes declared in .mlaudit.yml
  std::function<void(size_t done, size_t total)> progress;
};

// Something the user must fix before a scan can run (missing path, bad config or rules,
// unreadable baseline): the CLI exits with status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ScanStats {
  size_t files_walked = 0, files_scanned = 0, files_skipped = 0;
  uint64_t bytes_scanned = 0, lines_scanned = 0;
  size_t facts = 0;
  double walk_seconds = 0, extract_seconds = 0, graph_seconds = 0, rules_seconds = 0, total_seconds = 0;
};

struct ScanResult {
  std::filesystem::path root;
  std::string target_name;                            // what the user asked to scan, for titles
  ProjectConfig config;
  WalkResult walk;
  Extraction extraction;
  DataFlowDiagram diagram;
  RuleSet rules;
  AdvisoryCatalogs advisories;
  std::vector<Finding> findings;                      // suppressed ones included, marked
  std::vector<InventoryItem> inventory;               // models and datasets with verdicts
  PrivacyRecord privacy;                              // personal data, its paths, Art. 30 record, DPIA screening
  std::vector<Diagnostic> diagnostics;                // walk, extraction and rule problems
  size_t superseded = 0, in_baseline = 0;
  bool baseline_used = false;
  ScanStats stats;
  std::string started_at;                             // ISO 8601 UTC
};

ScanResult run_scan(const ScanOptions& options);

// What the derive passes read of the project's configuration.
DeriveInputs derive_inputs(const std::filesystem::path& root, const ProjectConfig& config, std::span<const ProbeRun> probes);

// Findings at or above `threshold` that are not suppressed.
size_t count_failing(const ScanResult& result, Severity threshold);

}  // namespace mlaudit
