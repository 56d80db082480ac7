#pragma once
// The whole pipeline, from the stage functions of pipeline/stages.h: walk -> sniff/extract
// -> derive -> data-flow diagram -> rules -> findings. Reports read the ScanResult; they
// compute nothing of their own.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "advisories/dependency_audit.h"
#include "extract/extract_files.h"
#include "graph/dfd.h"
#include "pipeline/inventory.h"
#include "pipeline/privacy_record.h"
#include "pipeline/project_config.h"
#include "pipeline/stages.h"
#include "ruleset/finding.h"
#include "ruleset/rule_loader.h"
#include "walk/walker.h"

namespace mlaudit {

struct ScanStats {
  size_t files_walked = 0, files_scanned = 0, files_skipped = 0;
  uint64_t bytes_scanned = 0, lines_scanned = 0;
  size_t facts = 0;
  double walk_seconds = 0, extract_seconds = 0, graph_seconds = 0, rules_seconds = 0, total_seconds = 0;
  double advisory_load_seconds = 0;    // reading the advisory data (overlaps walk and extraction)
  double advisory_check_seconds = 0;   // waiting for it, then checking the dependencies
};

struct ScanResult {
  std::filesystem::path root;
  std::string target_name;                            // what the user asked to scan, for titles
  ProjectConfig config;
  WalkResult walk;
  Extraction extraction;                              // extracted and derived facts
  DataFlowDiagram diagram;
  std::vector<LineagePath> lineage;                   // each dataset's paths to models, endpoints, outside parties
  RuleSet rules;
  advisories::DependencyAudit dependencies;           // Python dependencies checked against advisory data
  std::vector<Finding> findings;                      // suppressed ones included, marked
  std::vector<ProbeRun> probes;                       // the probes .mlaudit.yml declares, as they ran
  std::vector<InventoryItem> inventory;               // models and datasets with verdicts
  PrivacyRecord privacy;                              // personal data, its paths, Art. 30 record, DPIA screening
  std::vector<Diagnostic> diagnostics;                // walk, extraction and rule problems
  size_t superseded = 0, merged = 0, in_baseline = 0;
  bool baseline_used = false;
  ScanStats stats;
  std::string started_at;                             // ISO 8601 UTC
};

ScanResult run_scan(const ScanOptions& options);

// Findings at or above `threshold` that are not suppressed.
size_t count_failing(const ScanResult& result, Severity threshold);

}  // namespace mlaudit
