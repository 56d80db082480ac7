#include "pipeline/scan.h"

#include <algorithm>
#include <ctime>
#include <future>
#include <optional>
#include <span>
#include <thread>

#include "advisories/advisory_database.h"
#include "derive/format_sources.h"
#include "derive/load_sources.h"
#include "extract/extractor.h"
#include "findings/finalize.h"
#include "ruleset/matcher.h"

namespace mlaudit {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string now_utc() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

using AdvisoryLoad = std::future<std::pair<std::shared_ptr<const advisories::AdvisoryDatabase>,
                                         std::vector<advisories::LoadProblem>>>;

template <typename T>
void append(std::vector<T>& to, std::vector<T>&& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

// Derives facts before the diagram. The declared probes run first, after the static model
// check, which reads the fact rules' findings on the extracted facts: those findings are
// returned, with how many facts they cover, so the rest are matched later.
std::vector<Finding> derive_before_diagram(ScanResult& result, const Project& project, const ScanOptions& options,
                                           std::vector<ProbeRun>& probes, size_t& facts_matched) {
  std::vector<Fact>& facts = result.extraction.facts;
  annotate_load_sources(facts, result.extraction.file_index());  // before any rule reads the loaders' calls
  annotate_format_sources(facts);
  std::vector<Finding> findings;
  facts_matched = 0;
  if (options.run_probes && !result.config.probes.empty()) {
    findings = match_fact_rules(result.rules, facts);
    facts_matched = facts.size();
    probes = run_declared_probes(project, result.extraction, findings);
  }
  run_derive_passes(derive_inputs(result.root, result.config, probes, result.walk), facts, nullptr,
                    result.extraction.diagnostics);
  return findings;
}

// After the diagram: the DPIA screening (its fact is matched on its own), then graph rules
// on a diagram whose stores know the fact findings on their files, then findings are finalized
// and the inventory and privacy record computed.
FinalizeReport judge(ScanResult& result, const std::vector<ProbeRun>& probes, std::vector<Finding> from_facts,
                     std::optional<Baseline> baseline) {
  std::vector<Fact>& facts = result.extraction.facts;
  size_t screened = run_derive_passes(derive_inputs(result.root, result.config, probes, result.walk), facts, &result.diagram,
                                      result.extraction.diagnostics);
  append(from_facts, match_fact_rules(result.rules, std::span(facts).last(screened)));
  annotate_stores_with_findings(result.diagram, from_facts);
  result.findings = match_graph_rules(result.rules, result.diagram);
  append(result.findings, std::move(from_facts));
  FinalizeOptions options{result.config.severity_overrides, std::move(baseline)};
  FinalizeReport report = finalize_findings(result.findings, result.root, facts, result.extraction.file_index(), options);
  result.superseded = report.superseded;
  result.merged = report.merged;
  result.in_baseline = report.in_baseline;
  result.lineage = dataset_lineage(result.diagram);
  result.inventory = build_inventory(facts, result.diagram, result.lineage, result.findings);
  result.privacy = build_privacy_record(facts, result.diagram);
  return report;
}

// Checks the dependency facts against the advisory data once it has loaded. A broken
// --advisories export is a usage error; files of it that cannot be read are warnings.
void audit_dependencies(ScanResult& result, AdvisoryLoad& advisory_data) {
  auto check_start = Clock::now();
  try {
    auto [database, problems] = advisory_data.get();
    result.dependencies =
        advisories::audit_dependencies(*database, result.extraction.facts, result.extraction.diagnostics);
    for (const auto& problem : problems)
      result.extraction.diagnostics.push_back(
          {DiagnosticLevel::warning, "advisory-data", Location{problem.file}, problem.message});
  } catch (const std::runtime_error& problem) {
    throw UsageError(std::string("advisories: ") + problem.what());
  }
  result.stats.advisory_check_seconds = seconds_since(check_start);
}

void count_files(ScanResult& result) {
  ScanStats& stats = result.stats;
  stats.files_walked = result.walk.files.size();
  for (const auto& file : result.extraction.files) {
    if (!file.scanned()) {
      ++stats.files_skipped;
      continue;
    }
    ++stats.files_scanned;
    stats.bytes_scanned += file.size;
    stats.lines_scanned += file.lines;
  }
  stats.facts = result.extraction.facts.size();
}

}  // namespace

ScanResult run_scan(const ScanOptions& options) {
  auto start = Clock::now();
  // The extractors' tables compile while the configuration and rules load.
  std::thread preparation(prepare_extractors);
  struct Join {
    std::thread& thread;
    ~Join() { if (thread.joinable()) thread.join(); }
  } join_preparation{preparation};
  ScanResult result;
  result.started_at = now_utc();
  Project project = open_project(options);
  ScanRules loaded = load_scan_rules(options, project.config);  // a broken rule pack fails before any file is read
  result.target_name = project.target_name;
  result.config = project.config;
  result.rules = std::move(loaded.rules);
  result.baseline_used = loaded.baseline.has_value();
  result.diagnostics = std::move(project.diagnostics);
  append(result.diagnostics, std::move(loaded.diagnostics));
  // The advisory data loads while the tree is walked and extracted.
  auto advisory_data = std::async(std::launch::async, [&options, &result] {
    auto load_start = Clock::now();
    auto loaded = advisories::load_advisory_data(options.advisories ? options.advisories : result.config.advisories);
    result.stats.advisory_load_seconds = seconds_since(load_start);
    return loaded;
  });
  preparation.join();

  auto phase = Clock::now();
  result.walk = walk_project(options, result.config);
  result.root = result.walk.root;
  result.stats.walk_seconds = seconds_since(phase);

  phase = Clock::now();
  result.extraction = extract_project(result.walk, options, result.config);
  audit_dependencies(result, advisory_data);
  size_t facts_matched = 0;
  std::vector<Finding> from_facts = derive_before_diagram(result, project, options, result.probes, facts_matched);
  result.stats.extract_seconds = seconds_since(phase);

  // Fact rules need no diagram: they run while it is built.
  phase = Clock::now();
  auto more_from_facts = std::async(std::launch::async, [&result, facts_matched] {
    return match_fact_rules(result.rules, std::span(result.extraction.facts).subspan(facts_matched));
  });
  result.diagram = build_diagram(result.extraction);
  result.stats.graph_seconds = seconds_since(phase);

  phase = Clock::now();
  append(from_facts, more_from_facts.get());
  FinalizeReport report = judge(result, result.probes, std::move(from_facts), std::move(loaded.baseline));
  result.stats.rules_seconds = seconds_since(phase);

  append(result.diagnostics, std::vector<Diagnostic>(result.walk.errors));
  append(result.diagnostics, std::vector<Diagnostic>(result.extraction.diagnostics));
  append(result.diagnostics, std::move(report.diagnostics));
  count_files(result);
  result.stats.total_seconds = seconds_since(start);
  return result;
}

size_t count_failing(const ScanResult& result, Severity threshold) {
  return static_cast<size_t>(std::count_if(result.findings.begin(), result.findings.end(), [&](const Finding& finding) {
    return !finding.suppression && finding.severity >= threshold;
  }));
}

}  // namespace mlaudit
