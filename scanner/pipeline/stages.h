#pragma once
// The stages of a scan as functions, in the order they run. `mlaudit scan`, `facts`,
// `graph` and the probe gate all call these; nothing else walks the tree or runs the
// extractors, so every command sees the project the same way (config excludes included).
//
//   open_project -> load_scan_rules -> walk_project -> extract_project -> derive_facts
//   -> build_diagram -> derive_facts (diagram) -> match -> finalize_findings
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "derive/passes.h"
#include "extract/extract_files.h"
#include "findings/baseline.h"
#include "graph/dfd.h"
#include "pipeline/project_config.h"
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
  std::optional<std::filesystem::path> advisories;    // a newer OSV export, used with the embedded snapshot
  bool run_probes = true;                             // the probes declared in .mlaudit.yml
  std::map<std::string, uint64_t> limits;             // --limit NAME=VALUE (over .mlaudit.yml's limits:)
  std::function<void(size_t done, size_t total)> progress;
};

// Something the user must fix before a scan can run (missing path, bad config or rules,
// unreadable baseline): the CLI exits with status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a command knows before it reads a file: where the project is and what it declares.
struct Project {
  std::filesystem::path root;                         // the folder scanned (a file's folder)
  std::string target_name;                            // what the user asked to scan, for titles
  ProjectConfig config;
  std::vector<Diagnostic> diagnostics;                // an in-tree .mlaudit.yml not read, rule folders dropped
};

// Checks the target and reads --config, or .mlaudit.yml when it is a regular file inside
// the tree (and then keeps its rule folders inside the tree). Throws UsageError.
Project open_project(const ScanOptions& options);

// The limits of util/scan_limits.h: defaults, then .mlaudit.yml's limits:, then --limit.
// Throws UsageError naming an unknown limit.
ScanLimits scan_limits(const ScanOptions& options, const ProjectConfig& config);

// The built-in rule packs and those in `folders`. Throws UsageError listing every problem.
RuleSet load_rule_packs(const std::vector<std::filesystem::path>& folders);

// The rules a scan applies (built-in, config and --rules packs, then the config's and the
// options' selection) and the baseline. Throws UsageError.
struct ScanRules {
  RuleSet rules;
  std::optional<Baseline> baseline;
  std::vector<Diagnostic> diagnostics;                // e.g. severity overrides naming unknown rules
};
ScanRules load_scan_rules(const ScanOptions& options, const ProjectConfig& config);

WalkResult walk_project(const ScanOptions& options, const ProjectConfig& config);
Extraction extract_project(const WalkResult& walk, const ScanOptions& options, const ProjectConfig& config);

// What the derive passes read of the project's configuration and walk.
DeriveInputs derive_inputs(const std::filesystem::path& root, const ProjectConfig& config,
                           std::span<const ProbeRun> probes, const WalkResult& walk);

// The project's facts as rule authors see them: walked, extracted and derived (no probes
// run, no diagram). What `mlaudit facts` prints and `mlaudit graph` draws.
struct ProjectFacts {
  Project project;
  Extraction extraction;
};
ProjectFacts collect_facts(const ScanOptions& options);

DataFlowDiagram build_diagram(const Extraction& extraction);

// Runs the probes .mlaudit.yml declares, each after the static model check, which reads the
// scan's own fact-rule findings: a model with a high or critical finding of a model.* rule
// on its file is not loaded. A model the scan did not cover is checked on its own.
std::vector<ProbeRun> run_declared_probes(const Project& project, const Extraction& extraction,
                                          const std::vector<Finding>& fact_findings);

// The static model check on its own, for `mlaudit probe MODEL`: the model rules' findings
// on that one file, under the configuration of its folder, as one-line objections to
// loading it (high or critical, not suppressed). Empty: safe to load.
std::vector<std::string> static_model_objections(const std::filesystem::path& model);

}  // namespace mlaudit
