#include "pipeline/stages.h"

#include <algorithm>
#include <memory>

#include "derive/format_sources.h"
#include "derive/load_sources.h"
#include "graph/dfd_builder.h"
#include "pipeline/probe_runner.h"
#include "pipeline/test_datasets.h"
#include "ruleset/matcher.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

template <typename T>
std::vector<T> concatenated(std::vector<T> first, const std::vector<T>& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

// High or critical findings of model rules on `file`, after the project's severity
// overrides, as "rule-id: message".
std::vector<std::string> objections_on(const std::vector<Finding>& findings, const std::string& file,
                                       const ProjectConfig& config) {
  std::vector<std::string> objections;
  for (const auto& finding : findings) {
    if (finding.location.file != file || !finding.rule->id.starts_with("model.") || finding.suppression) continue;
    auto override = config.severity_overrides.find(finding.rule->id);
    Severity severity = override == config.severity_overrides.end() ? finding.severity : override->second;
    if (severity >= Severity::high) objections.push_back(finding.rule->id + ": " + finding.message);
  }
  return objections;
}

}  // namespace

RuleSet load_rule_packs(const std::vector<fs::path>& folders) {
  RuleSet rules = load_rules(folders);
  if (rules.errors.empty()) return rules;
  std::string message = "rule files have errors:";
  for (const auto& problem : rules.errors) message += "\n  " + problem.to_string();
  throw UsageError(message);
}

Project open_project(const ScanOptions& options) {
  std::error_code error;
  if (!fs::exists(options.target, error)) throw UsageError(options.target.string() + ": no such file or folder");
  fs::path target = fs::canonical(options.target);
  Project project;
  project.root = fs::is_directory(target) ? target : target.parent_path();
  project.target_name = target.filename().string();
  // A configuration named on the command line is trusted; one found in the tree may only
  // point inside the tree.
  std::optional<fs::path> config_file = options.config_file;
  if (!config_file) config_file = find_tree_config(project.root, project.diagnostics);
  if (!config_file) return project;
  try {
    project.config = load_project_config(*config_file);
  } catch (const ConfigError& problem) {
    throw UsageError(problem.what());
  }
  if (!options.config_file) confine_rule_folders(project.config, project.root, project.diagnostics);
  scan_limits(options, project.config);  // an unknown limit fails before any file is read
  return project;
}

ScanLimits scan_limits(const ScanOptions& options, const ProjectConfig& config) {
  ScanLimits limits;
  for (const auto& source : {config.limits, options.limits})
    for (const auto& [name, value] : source)
      if (auto problem = set_limit(limits, name, value)) throw UsageError(*problem);
  return limits;
}

ScanRules load_scan_rules(const ScanOptions& options, const ProjectConfig& config) {
  ScanRules loaded;
  loaded.rules = load_rule_packs(concatenated(config.rule_folders, options.rule_folders));
  for (const auto& [id, severity] : config.severity_overrides)
    if (!loaded.rules.find(id))
      loaded.diagnostics.push_back({DiagnosticLevel::warning, "unknown-rule", Location{config.source},
                                    "severity override names unknown rule '" + id + "'"});
  filter_rules(loaded.rules, concatenated(config.enable, options.enable), concatenated(config.disable, options.disable));
  if (options.baseline) {
    try {
      loaded.baseline = read_baseline(*options.baseline);
    } catch (const std::runtime_error& problem) {
      throw UsageError(problem.what());
    }
  }
  return loaded;
}

WalkResult walk_project(const ScanOptions& options, const ProjectConfig& config) {
  WalkOptions walk_options;
  walk_options.excludes = config.excludes;
  walk_options.skip_paths = options.skip_paths;
  ScanLimits limits = scan_limits(options, config);
  walk_options.max_ignore_patterns = limits.ignore_patterns;
  walk_options.max_pattern_bytes = limits.pattern_bytes;
  return walk_tree(options.target, walk_options);
}

Extraction extract_project(const WalkResult& walk, const ScanOptions& options, const ProjectConfig& config) {
  ExtractionOptions extraction_options;
  extraction_options.jobs = options.jobs;
  extraction_options.progress = options.progress;
  extraction_options.settings.limits = scan_limits(options, config);
  // scan_seconds counts from here: the time for reading all files.
  extraction_options.scan_deadline = Deadline::after_seconds(extraction_options.settings.limits.scan_seconds);
  if (auto limit = options.max_file_bytes ? options.max_file_bytes : config.max_file_bytes)
    extraction_options.max_text_bytes = *limit;
  if (auto rows = options.data_sample_rows ? options.data_sample_rows : config.data_sample_rows)
    extraction_options.settings.data_sample_rows = *rows;
  Extraction extraction = extract_files(walk, extraction_options);
  set_aside_test_datasets(extraction);
  return extraction;
}

DeriveInputs derive_inputs(const fs::path& root, const ProjectConfig& config, std::span<const ProbeRun> probes,
                           const WalkResult& walk) {
  std::string source = config.source.empty() ? std::string(".mlaudit.yml")
                                             : fs::path(config.source).lexically_relative(root).generic_string();
  if (source.empty() || source.starts_with("..")) source = fs::path(config.source).filename().string();
  return {root, source, config.privacy, probes, [&walk](const std::string& path) { return walk.kept(path); }};
}

ProjectFacts collect_facts(const ScanOptions& options) {
  ProjectFacts collected{open_project(options), {}};
  const Project& project = collected.project;
  WalkResult walk = walk_project(options, project.config);
  collected.extraction = extract_project(walk, options, project.config);
  collected.extraction.diagnostics.insert(collected.extraction.diagnostics.begin(), project.diagnostics.begin(),
                                          project.diagnostics.end());
  annotate_load_sources(collected.extraction.facts, collected.extraction.file_index());
  annotate_format_sources(collected.extraction.facts);
  run_derive_passes(derive_inputs(project.root, project.config, {}, walk), collected.extraction.facts, nullptr,
                    collected.extraction.diagnostics);
  return collected;
}

DataFlowDiagram build_diagram(const Extraction& extraction) {
  return build_data_flow_diagram(extraction.facts, extraction.file_index());
}

std::vector<ProbeRun> run_declared_probes(const Project& project, const Extraction& extraction,
                                          const std::vector<Finding>& fact_findings) {
  std::vector<ProbeRun> runs;
  for (const auto& declaration : project.config.probes) {
    std::string model = declaration.request.model.lexically_relative(project.root).generic_string();
    bool scanned = std::any_of(extraction.files.begin(), extraction.files.end(),
                               [&](const FileRecord& file) { return file.path == model && file.scanned(); });
    // A model the scan did not cover (excluded, git-ignored, outside the root) is checked on its own.
    std::vector<std::string> objections = scanned ? objections_on(fact_findings, model, project.config)
                                                  : static_model_objections(declaration.request.model);
    runs.push_back({model, declaration.thresholds, run_probe(declaration.request, objections)});
  }
  return runs;
}

std::vector<std::string> static_model_objections(const fs::path& model) {
  std::error_code error;
  if (!fs::is_regular_file(model, error)) return {};  // run_probe refuses it, naming the file
  ScanOptions options;
  options.target = model;
  options.enable = {"model.*"};
  Project project = open_project(options);
  ScanRules rules = load_scan_rules(options, project.config);
  Extraction extraction = extract_project(walk_tree(model, {}), options, project.config);
  auto findings = match_fact_rules(rules.rules, extraction.facts);
  return objections_on(findings, model.filename().string(), project.config);
}

}  // namespace mlaudit
