#include "pipeline/scan.h"

#include <algorithm>
#include <ctime>
#include <future>
#include <thread>

#include "derive/passes.h"
#include "extract/extractor.h"
#include "findings/finalize.h"
#include "graph/dfd_builder.h"
#include "pipeline/probe_runner.h"
#include "ruleset/matcher.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string now_utc() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

std::vector<ProbeRun> run_declared_probes(const fs::path& root, const ProjectConfig& config) {
  std::vector<ProbeRun> runs;
  for (const auto& declaration : config.probes)
    runs.push_back({declaration.request.model.lexically_relative(root).generic_string(), declaration.thresholds,
                    run_probe(declaration.request)});
  return runs;
}

}  // namespace

DeriveInputs derive_inputs(const fs::path& root, const ProjectConfig& config, std::span<const ProbeRun> probes) {
  std::string source = config.source.empty() ? std::string(".mlaudit.yml")
                                             : fs::path(config.source).lexically_relative(root).generic_string();
  if (source.empty() || source.starts_with("..")) source = fs::path(config.source).filename().string();
  return {root, source, config.privacy, probes};
}

ScanResult run_scan(const ScanOptions& options) {
  auto start = std::chrono::steady_clock::now();
  // The extractors' tables compile while the configuration and rules load.
  std::thread preparation(prepare_extractors);
  struct Join {
    std::thread& thread;
    ~Join() { if (thread.joinable()) thread.join(); }
  } join_preparation{preparation};
  ScanResult result;
  result.started_at = now_utc();
  std::error_code error;
  if (!fs::exists(options.target, error)) throw UsageError(options.target.string() + ": no such file or folder");
  fs::path root = fs::is_directory(options.target) ? fs::canonical(options.target)
                                                    : fs::canonical(options.target).parent_path();
  result.target_name = fs::canonical(options.target).filename().string();

  fs::path config_file = options.config_file.value_or(root / ".mlaudit.yml");
  if (options.config_file || fs::exists(config_file, error)) {
    try {
      result.config = load_project_config(config_file);
    } catch (const ConfigError& problem) {
      throw UsageError(problem.what());
    }
  }
  const ProjectConfig& config = result.config;

  // Rules first: a broken rule pack should fail fast, before any scanning.
  std::vector<fs::path> folders = config.rule_folders;
  folders.insert(folders.end(), options.rule_folders.begin(), options.rule_folders.end());
  result.rules = load_rules(folders);
  if (!result.rules.errors.empty()) {
    std::string message = "rule files have errors:";
    for (const auto& problem : result.rules.errors) message += "\n  " + problem.to_string();
    throw UsageError(message);
  }
  for (const auto& [id, severity] : config.severity_overrides)
    if (!result.rules.find(id))
      result.diagnostics.push_back({DiagnosticLevel::warning, "unknown-rule", Location{config.source},
                                    "severity override names unknown rule '" + id + "'"});
  std::vector<std::string> enable = config.enable, disable = config.disable;
  enable.insert(enable.end(), options.enable.begin(), options.enable.end());
  disable.insert(disable.end(), options.disable.begin(), options.disable.end());
  filter_rules(result.rules, enable, disable);
  std::optional<Baseline> baseline;
  if (options.baseline) {
    try {
      baseline = read_baseline(*options.baseline);
      result.baseline_used = true;
    } catch (const std::runtime_error& problem) {
      throw UsageError(problem.what());
    }
  }
  result.advisories = AdvisoryCatalogs::load_embedded();

  preparation.join();
  auto phase = std::chrono::steady_clock::now();
  WalkOptions walk_options;
  walk_options.excludes = config.excludes;
  walk_options.skip_paths = options.skip_paths;
  result.walk = walk_tree(options.target, walk_options);
  result.root = result.walk.root;
  result.stats.walk_seconds = seconds_since(phase);

  phase = std::chrono::steady_clock::now();
  ExtractionOptions extraction_options;
  extraction_options.jobs = options.jobs;
  extraction_options.progress = options.progress;
  if (auto limit = options.max_file_bytes ? options.max_file_bytes : config.max_file_bytes)
    extraction_options.max_text_bytes = *limit;
  if (auto rows = options.data_sample_rows ? options.data_sample_rows : config.data_sample_rows)
    extraction_options.settings.data_sample_rows = *rows;
  result.extraction = extract_files(result.walk, extraction_options);
  std::vector<ProbeRun> probes;
  if (options.run_probes) probes = run_declared_probes(result.root, config);
  DeriveInputs derived_from = derive_inputs(result.root, config, probes);
  run_derive_passes(derived_from, result.extraction.facts, nullptr, result.extraction.diagnostics);
  FileIndex files = result.extraction.file_index();
  result.stats.extract_seconds = seconds_since(phase);

  // Call and fact rules need no diagram: they run while it is built.
  phase = std::chrono::steady_clock::now();
  auto fact_findings = std::async(std::launch::async, [&result] {
    return match_fact_rules(result.rules, result.extraction.facts, result.advisories);
  });
  result.diagram = build_data_flow_diagram(result.extraction.facts, files);
  result.stats.graph_seconds = seconds_since(phase);

  phase = std::chrono::steady_clock::now();
  auto from_facts = fact_findings.get();
  // The DPIA screening reads the finished diagram; its fact is matched on its own.
  std::vector<Fact>& facts = result.extraction.facts;
  size_t screened = run_derive_passes(derived_from, facts, &result.diagram, result.extraction.diagnostics);
  std::vector<Fact> screening(facts.end() - screened, facts.end());
  for (auto& finding : match_fact_rules(result.rules, screening, result.advisories)) from_facts.push_back(std::move(finding));
  annotate_stores_with_findings(result.diagram, from_facts);
  result.findings = match_graph_rules(result.rules, result.diagram, result.advisories);
  result.findings.insert(result.findings.end(), std::make_move_iterator(from_facts.begin()),
                         std::make_move_iterator(from_facts.end()));
  FinalizeOptions finalize_options{config.severity_overrides, std::move(baseline)};
  FinalizeReport report = finalize_findings(result.findings, result.root, facts, files, finalize_options);
  result.superseded = report.superseded;
  result.in_baseline = report.in_baseline;
  result.inventory = build_inventory(facts, result.diagram, result.findings);
  result.privacy = build_privacy_record(result.extraction.facts, result.diagram);
  result.stats.rules_seconds = seconds_since(phase);

  result.diagnostics.insert(result.diagnostics.end(), result.walk.errors.begin(), result.walk.errors.end());
  result.diagnostics.insert(result.diagnostics.end(), result.extraction.diagnostics.begin(),
                            result.extraction.diagnostics.end());
  result.diagnostics.insert(result.diagnostics.end(), report.diagnostics.begin(), report.diagnostics.end());

  ScanStats& stats = result.stats;
  stats.files_walked = result.walk.files.size();
  for (const auto& file : result.extraction.files) {
    if (file.scanned()) {
      ++stats.files_scanned;
      stats.bytes_scanned += file.size;
      stats.lines_scanned += file.lines;
    } else {
      ++stats.files_skipped;
    }
  }
  stats.facts = result.extraction.facts.size();
  stats.total_seconds = seconds_since(start);
  return result;
}

size_t count_failing(const ScanResult& result, Severity threshold) {
  return static_cast<size_t>(std::count_if(result.findings.begin(), result.findings.end(), [&](const Finding& finding) {
    return !finding.suppression && finding.severity >= threshold;
  }));
}

}  // namespace mlaudit
