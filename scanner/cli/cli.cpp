#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <iostream>
#include <fstream>
#include <iomanip>
#include <mutex>

#include "cli/advisories_command.h"
#include "pipeline/probe_runner.h"
#include "probe_contract/attacks.h"
#include "pipeline/scan.h"
#include "pipeline/scan_summary.h"
#include "pipeline/stages.h"
#include "reports/dot/dot_report.h"
#include "reports/json/graph_json.h"
#include "reports/report_writer.h"
#include "ruleset/taxonomy_catalog.h"
#include "util/scan_limits.h"
#include "util/text.h"
#include "util/utf8.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

struct ScanArguments {
  std::string path = ".";
  std::vector<std::string> formats = {"sarif", "html"};
  std::string output = ".";
  std::string fail_on;
  std::string baseline;
  std::string config;
  std::vector<std::string> rule_folders;
  std::vector<std::string> enable, disable;
  unsigned jobs = 0;
  bool quiet = false;
  bool no_suppressed = false;
  bool no_probes = false;
  uint64_t max_file_size_mb = 0;
  std::optional<uint64_t> data_sample_rows;
  bool full_data_scan = false;
  std::string advisories;
  std::vector<std::string> limits;   // NAME=VALUE
};

std::vector<fs::path> to_paths(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

// Progress on a terminal only, at most ten updates a second.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}
  std::function<void(size_t, size_t)> callback() {
    if (!enabled_) return {};
    return [this](size_t done, size_t total) {
      std::lock_guard lock(mutex_);
      auto now = std::chrono::steady_clock::now();
      if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      std::cerr << "\rmlaudit: analysed " << done << "/" << total << " files" << std::flush;
      shown_ = true;
    };
  }
  void finish() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

// Report files that land inside the scanned folder must not be scanned next time: every
// format's file, whichever were asked for this time. Creates nothing.
std::vector<std::string> own_report_paths(const ScanArguments& arguments) {
  std::vector<std::string> paths;
  std::error_code error;
  fs::path root = fs::weakly_canonical(arguments.path, error);
  if (!fs::is_directory(root, error)) return paths;
  fs::path output = fs::weakly_canonical(arguments.output, error);
  auto relative = output.lexically_relative(root);
  if (relative.empty() || relative.native().starts_with("..")) return paths;
  for (const auto& format : report_formats()) {
    fs::path file = relative == "." ? fs::path(format.file_name()) : relative / format.file_name();
    paths.push_back(file.generic_string());
  }
  return paths;
}

void print_summary(const ScanResult& result, const std::vector<fs::path>& written, std::ostream& out) {
  ScanSummary summary = summarize(result);
  const ScanStats& stats = result.stats;
  out << "mlaudit " << MLAUDIT_VERSION << ": analysed " << stats.files_scanned << " files (" << stats.lines_scanned
      << " lines) in " << std::fixed << std::setprecision(2) << stats.total_seconds << " s; "
      << stats.files_skipped + result.walk.skipped.size() << " files or folders not analysed\n";
  out << "findings: " << summary.total;
  if (summary.total) {
    out << " (";
    bool first = true;
    for (Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
      auto found = summary.by_severity.find(severity);
      if (found == summary.by_severity.end()) continue;
      out << (first ? "" : ", ") << found->second << " " << to_string(severity);
      first = false;
    }
    out << ")";
  }
  if (summary.suppressed) out << "; " << summary.suppressed << " suppressed";
  if (result.baseline_used) out << "; " << result.in_baseline << " already in the baseline";
  out << "\n";
  size_t shown = 0;
  for (const auto& finding : result.findings) {
    if (finding.suppression) continue;
    if (++shown > 25) {
      out << "  ... and " << summary.total - 25 << " more in the reports\n";
      break;
    }
    out << "  " << to_string(finding.severity) << "  " << finding.location.file;
    if (finding.location.has_region()) out << ":" << finding.location.line;
    out << "  " << finding.rule->id << "  " << truncate_utf8(finding.message, 140) << "\n";
  }
  size_t errors = std::count_if(result.diagnostics.begin(), result.diagnostics.end(),
                                [](const Diagnostic& d) { return d.level != DiagnosticLevel::note; });
  if (errors) out << errors << " file(s) had problems; see the reports' scan notes\n";
  for (const auto& path : written) out << "wrote " << path.string() << "\n";
}

// The gate: --fail-on, else fail_on in .mlaudit.yml. No threshold for "none"; not valid
// when the text is not a severity.
struct Gate {
  bool valid = true;
  std::optional<Severity> threshold;
};

Gate parse_gate(const std::string& text) {
  if (text == "none") return {};
  auto severity = parse_severity(text);
  return {severity.has_value(), severity};
}

// --limit NAME=NUMBER settings; the first that is not one, as a message.
std::optional<std::string> parse_limits(const std::vector<std::string>& settings, std::map<std::string, uint64_t>& limits) {
  for (const auto& setting : settings) {
    auto equals = setting.find('=');
    uint64_t value = 0;
    std::string name = setting.substr(0, equals);
    std::string number = equals == std::string::npos ? "" : setting.substr(equals + 1);
    auto [end, problem] = std::from_chars(number.data(), number.data() + number.size(), value);
    ScanLimits probe_limits;
    auto unknown = set_limit(probe_limits, name, 0);
    if (unknown || number.empty() || problem != std::errc() || end != number.data() + number.size())
      return "--limit wants NAME=NUMBER, got '" + setting + "'" + (unknown ? "; " + *unknown : "");
    limits[name] = value;
  }
  return std::nullopt;
}

ScanOptions scan_options(const ScanArguments& arguments) {
  ScanOptions options;
  options.target = arguments.path;
  if (!arguments.config.empty()) options.config_file = arguments.config;
  options.rule_folders = to_paths(arguments.rule_folders);
  options.enable = arguments.enable;
  options.disable = arguments.disable;
  if (!arguments.baseline.empty()) options.baseline = arguments.baseline;
  options.jobs = arguments.jobs;
  if (arguments.max_file_size_mb) options.max_file_bytes = arguments.max_file_size_mb << 20;
  if (arguments.data_sample_rows) options.data_sample_rows = arguments.data_sample_rows;
  if (arguments.full_data_scan) options.data_sample_rows = 0;
  if (!arguments.advisories.empty()) options.advisories = arguments.advisories;
  options.run_probes = !arguments.no_probes;
  options.skip_paths = own_report_paths(arguments);
  return options;
}

int scan_command(const ScanArguments& arguments, std::ostream& out, std::ostream& err) {
  // Every option is checked before any work: a typo costs no scan (and no probe run).
  Gate gate = parse_gate(arguments.fail_on.empty() ? "none" : arguments.fail_on);
  if (!gate.valid) {
    err << "mlaudit: --fail-on must be one of critical, high, medium, low, info, none (got '" << arguments.fail_on
        << "')\n";
    return kExitUsage;
  }
  ScanOptions options = scan_options(arguments);
  if (auto problem = parse_limits(arguments.limits, options.limits)) {
    err << "mlaudit: " << *problem << "\n";
    return kExitUsage;
  }
  ProgressLine progress(!arguments.quiet);
  options.progress = progress.callback();
  ScanResult result = run_scan(options);
  progress.finish();
  // .mlaudit.yml's fail_on was checked against its schema when the configuration loaded.
  if (arguments.fail_on.empty()) gate = parse_gate(result.config.fail_on.value_or("none"));
  ReportRequest request{arguments.formats, arguments.output, !arguments.no_suppressed};
  std::vector<fs::path> written;
  try {
    written = write_reports(result, request);
  } catch (const std::exception& error) {
    err << "mlaudit: " << error.what() << "\n";
    return kExitUsage;
  }
  if (!arguments.quiet) print_summary(result, written, out);
  if (!gate.threshold) return kExitClean;
  Severity threshold = *gate.threshold;
  size_t failing = count_failing(result, threshold);
  if (!arguments.quiet)
    out << "gate --fail-on " << to_string(threshold) << ": " << (failing ? "FAILED" : "passed") << " (" << failing
        << " finding(s) at or above " << to_string(threshold) << ")\n";
  return failing ? kExitFindings : kExitClean;
}

std::string taxonomy_line(const Rule& rule) {
  std::vector<std::string> labels;
  for_each_taxon(rule.taxonomy, [&](const TaxonFamily& family, const std::string& id) {
    labels.push_back(family.label_shows_id ? family.label_of(id) : family.label_of(id) + " " + id);
  });
  return join(labels, ", ");
}

int rules_command(const std::vector<std::string>& folders, bool as_json, std::ostream& out) {
  RuleSet rules = load_rule_packs(to_paths(folders));
  if (as_json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& rule : rules.rules)
      list.push_back({{"id", rule->id}, {"title", rule->title}, {"severity", std::string(to_string(rule->severity))},
                      {"confidence", std::string(to_string(rule->confidence))}, {"stride", rule->taxonomy.stride},
                      {"cwe", rule->taxonomy.cwe}, {"source", rule->source}});
    out << list.dump(2) << "\n";
    return kExitClean;
  }
  for (const auto& rule : rules.rules)
    out << rule->id << std::string(rule->id.size() < 44 ? 44 - rule->id.size() : 1, ' ') << to_string(rule->severity)
        << std::string(10 - to_string(rule->severity).size(), ' ') << rule->title << "\n";
  out << rules.rules.size() << " rules\n";
  return kExitClean;
}

int explain_command(const std::string& id, const std::vector<std::string>& folders, std::ostream& out, std::ostream& err) {
  RuleSet rules = load_rule_packs(to_paths(folders));
  const Rule* rule = rules.find(id);
  if (!rule) {
    err << "mlaudit: no rule '" << id << "'; `mlaudit rules` lists them\n";
    return kExitUsage;
  }
  out << rule->id << ": " << rule->title << "\n"
      << "severity " << to_string(rule->severity) << ", confidence " << to_string(rule->confidence) << "\n"
      << taxonomy_line(*rule) << "\n\n"
      << "Why it matters\n  " << rule->description << "\n\n"
      << "What to do\n  " << rule->remediation << "\n";
  if (!rule->record.empty()) out << "\nHow to record it\n  " << rule->record << "\n";
  if (!rule->references.empty()) {
    out << "\nReferences\n";
    for (const auto& reference : rule->references) out << "  " << reference << "\n";
  }
  if (!rule->supersedes.empty()) out << "\nReplaces findings of " << join(rule->supersedes, ", ") << " on the same line\n";
  out << "\nDefined in " << rule->source << "\n";
  return kExitClean;
}

// What `facts` and `graph` look at: the scan's own walk, extraction and derive stages.
Extraction project_facts(const std::string& path) {
  ScanOptions options;
  options.target = path;
  return collect_facts(options).extraction;
}

int graph_command(const std::string& path, const std::string& format, const std::string& output, std::ostream& out,
                  std::ostream& err) {
  DataFlowDiagram diagram = build_diagram(project_facts(path));
  std::string text;
  if (format == "json") {
    nlohmann::ordered_json graph = graph_json(diagram, dataset_lineage(diagram));
    escape_invalid_utf8_in(graph);
    text = graph.dump(2) + "\n";
  } else {
    text = to_dot(diagram, {{}, SIZE_MAX}).text;
  }
  if (output.empty() || output == "-") {
    out << text;
    return kExitClean;
  }
  std::ofstream stream(output);
  if (!stream || !(stream << text)) {
    err << "mlaudit: " << output << ": cannot write\n";
    return kExitUsage;
  }
  return kExitClean;
}

int facts_command(const std::string& path, const std::string& type, std::ostream& out, std::ostream& err) {
  std::optional<FactType> only;
  if (!type.empty()) {
    only = parse_fact_type(type);
    if (!only) {
      err << "mlaudit: unknown fact type '" << type << "'\n";
      return kExitUsage;
    }
  }
  Extraction extraction = project_facts(path);
  for (const auto& fact : extraction.facts) {
    if (only && fact.type != *only) continue;
    nlohmann::ordered_json line{{"type", std::string(to_string(fact.type))},
                                {"file", fact.location.file},
                                {"line", fact.location.line},
                                {"column", fact.location.column},
                                {"props", fact.props}};
    escape_invalid_utf8_in(line);
    out << line.dump() << "\n";
  }
  return kExitClean;
}


// `mlaudit probe`: the human summary of a probe report.
void print_probe_summary(const ProbeReport& report, std::ostream& out) {
  out << "model " << report.model_path << " (sha256 " << report.model_sha256.value_or("").substr(0, 16) << "…), "
      << report.classes << " classes, " << report.output_kind << ", on " << report.device << "\n";
  if (const auto& evasion = report.evasion) {
    out << "evasion: clean accuracy " << evasion->clean_accuracy << "\n";
    for (const auto& curve : evasion->curves) {
      out << "  " << curve.attack << ":";
      for (const auto& point : curve.points) out << " eps " << point.eps << " → " << point.robust_accuracy << ";";
      out << "\n";
    }
  }
  if (const auto& backdoor = report.backdoor)
    out << "backdoor: " << backdoor->verdict
        << (backdoor->target_class ? ", class " + std::to_string(*backdoor->target_class) : "") << ": " << backdoor->reason
        << "\n  anomaly index per class " << nlohmann::ordered_json(backdoor->anomaly_index).dump() << "\n";
  if (report.strip) out << "strip: " << report.strip->flagged_rate * 100 << "% of the inputs look triggered\n";
  if (report.poisoning) {
    out << "poisoning: suspects";
    for (const auto& method : report.poisoning->methods) out << " " << method.method << " " << method.count << ";";
    out << "\n";
  }
  if (const auto& membership = report.membership)
    out << "membership inference (strongest: " << membership->strongest_attack << "): AUC " << membership->auc
        << ", TPR at 0.1% FPR " << membership->tpr_at_01pct_fpr << ", at 1% FPR " << membership->tpr_at_1pct_fpr << "\n";
  for (const auto& note : report.diagnostics) out << "note (" << note.probe << "): " << note.message << "\n";
}

int probe_command(const ProbeRequest& request, bool json, std::ostream& out, std::ostream& err) {
  ProbeOutcome outcome = run_probe(request, request.allow_unsafe_model ? std::vector<std::string>{}
                                                                     : static_model_objections(request.model));
  if (!outcome.ran) {
    err << "mlaudit: " << outcome.problem << "\n";
    if (json) {
      nlohmann::ordered_json refusal{{"model", {{"path", request.model.string()}}}};
      for (const auto& attack : kProbeAttacks) refusal[std::string(attack.section)] = nullptr;
      refusal["diagnostics"] = {{{"probe", outcome.refused ? "refused" : "failed"}, {"message", outcome.problem}}};
      out << refusal.dump() << "\n";
    }
    return outcome.refused ? kExitFindings : kExitInternal;
  }
  if (json) out << outcome.report.to_json().dump() << "\n";
  else print_probe_summary(outcome.report, out);
  return kExitClean;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"mlaudit: security and compliance audit for machine-learning projects", "mlaudit"};
  app.set_version_flag("--version", std::string("mlaudit ") + MLAUDIT_VERSION);
  app.require_subcommand(1);

  ScanArguments scan;
  auto* scan_app = app.add_subcommand("scan", "Scan a project and write SARIF / HTML / JSON reports");
  scan_app->add_option("path", scan.path, "Project folder or file to scan")->capture_default_str();
  scan_app->add_option("--format,-f", scan.formats, "Report formats: " + join(report_format_names(), ", ") + " (comma separated)")
      ->delimiter(',')
      ->check(CLI::IsMember(report_format_names()))
      ->capture_default_str();
  scan_app->add_option("--output,-o", scan.output, "Folder for the reports")->capture_default_str();
  scan_app->add_option("--fail-on", scan.fail_on,
                       "Exit 1 when a finding is at or above this severity: critical, high, medium, low, info, none "
                       "(default: fail_on in .mlaudit.yml, else none)");
  scan_app->add_option("--baseline", scan.baseline, "Earlier mlaudit SARIF: report only findings not in it");
  scan_app->add_option("--config", scan.config, "Configuration file (default: .mlaudit.yml in the scanned folder)");
  scan_app->add_option("--rules", scan.rule_folders, "Extra rule pack folder (repeatable)");
  scan_app->add_option("--enable", scan.enable, "Run only these rule ids (comma separated, globs allowed)")->delimiter(',');
  scan_app->add_option("--disable", scan.disable, "Do not run these rule ids (comma separated, globs allowed)")->delimiter(',');
  scan_app->add_option("--jobs,-j", scan.jobs, "Worker threads (default: one per CPU)");
  scan_app->add_option("--max-file-size", scan.max_file_size_mb, "Skip text files larger than this many MiB (default 10)");
  scan_app->add_option("--data-sample-rows", scan.data_sample_rows,
                       "Dataset rows profiled for personal data per file (default 10000)");
  scan_app->add_flag("--full-data-scan", scan.full_data_scan, "Profile every row of every dataset");
  std::string limit_help = "Set a limit on what one file or the scan may cost (repeatable), NAME=VALUE:";
  for (const auto& info : limit_table()) limit_help += "\n  " + std::string(info.name) + ": " + std::string(info.description);
  scan_app->add_option("--limit", scan.limits, limit_help);
  scan_app->add_flag("--no-probes", scan.no_probes, "Do not run the model probes declared in .mlaudit.yml");
  scan_app->add_option("--advisories", scan.advisories,
                       "A newer OSV export of PyPI advisories (folder of .json/.yaml records, osv.dev's all.zip, or a "
                       "file), used with the embedded snapshot");
  scan_app->add_flag("--quiet,-q", scan.quiet, "Print nothing but errors");
  scan_app->add_flag("--no-suppressed", scan.no_suppressed,
                     "Leave suppressed findings out of SARIF (GitHub shows suppressed results as open)");

  std::vector<std::string> rule_folders;
  bool rules_json = false;
  auto* rules_app = app.add_subcommand("rules", "List the rules");
  rules_app->add_option("--rules", rule_folders, "Extra rule pack folder (repeatable)");
  rules_app->add_flag("--json", rules_json, "Print JSON");

  std::string rule_id;
  auto* explain_app = app.add_subcommand("explain", "Explain one rule");
  explain_app->add_option("rule", rule_id, "Rule id")->required();
  explain_app->add_option("--rules", rule_folders, "Extra rule pack folder (repeatable)");

  std::string graph_path = ".", graph_format = "dot", graph_output;
  auto* graph_app = app.add_subcommand("graph", "Print the project's data-flow diagram");
  graph_app->add_option("path", graph_path, "Project folder")->capture_default_str();
  graph_app->add_option("--format,-f", graph_format, "dot or json")->check(CLI::IsMember({"dot", "json"}))->capture_default_str();
  graph_app->add_option("--output,-o", graph_output, "File to write (default: standard output)");

  std::string facts_path = ".", fact_type;
  auto* facts_app = app.add_subcommand("facts", "Print the facts extractors find (JSON lines), for rule authors");
  facts_app->add_option("path", facts_path, "Project folder or file")->capture_default_str();
  facts_app->add_option("--type", fact_type, "Only facts of this type");


  auto* advisories_app = app.add_subcommand("advisories", "Advisory data: convert OSV records, check a package version");
  advisories_app->require_subcommand(1);
  AdvisoryImportArguments import_arguments;
  auto* import_app = advisories_app->add_subcommand("import", "Convert OSV records into the compact form mlaudit embeds");
  import_app->add_option("source", import_arguments.source, "Folder, zip or file of OSV records (JSON or YAML)")->required();
  import_app->add_option("--output,-o", import_arguments.output, "The .jsonl file to write")->required();
  import_app->add_option("--package", import_arguments.packages, "Keep only these packages (names or globs, repeatable)");
  import_app->add_option("--packages-file", import_arguments.packages_file, "Keep only the packages listed in this file");
  import_app->add_option("--source-name", import_arguments.source_name, "Name of the database, e.g. pypa/advisory-database");
  import_app->add_option("--commit", import_arguments.commit, "Commit of the snapshot");
  import_app->add_option("--date", import_arguments.date, "Date of the snapshot");
  import_app->add_option("--license", import_arguments.license, "Licence of the data, e.g. CC-BY-4.0");
  import_app->add_option("--attribution", import_arguments.attribution, "Attribution the licence asks for");
  AdvisoryCheckArguments check_arguments;
  auto* check_app = advisories_app->add_subcommand("check", "Which advisories affect a package version (or range); exit 1 when any");
  check_app->add_option("package", check_arguments.package, "PyPI package name")->required();
  check_app->add_option("version", check_arguments.version, "A version (1.13.0) or a PEP 440 range (>=1.10,<2)")->required();
  check_app->add_option("--advisories", check_arguments.advisories, "A newer OSV export to use as well");
  check_app->add_flag("--json", check_arguments.json, "Print JSON");

  ProbeRequest probe;
  bool probe_json = false;
  auto* probe_app = app.add_subcommand("probe", "Attack a TorchScript classifier: evasion, backdoor, poisoned data, membership inference");
  add_probe_options(*probe_app, probe);
  probe_app->add_option("--timeout", probe.timeout_seconds, "Wall-clock limit of the probe in seconds")->capture_default_str();
  probe_app->add_option("--memory-mb", probe.memory_mb, "Address-space limit of the probe")->capture_default_str();
  probe_app->add_flag("--allow-unsafe-model", probe.allow_unsafe_model,
                      "Load the model even when the static scan finds code execution in it (still sandboxed)");
  probe_app->add_flag("--json", probe_json, "Print the result as one JSON object");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error, out, err);
    return code == 0 ? kExitClean : kExitUsage;
  }
  try {
    if (scan_app->parsed()) return scan_command(scan, out, err);
    if (rules_app->parsed()) return rules_command(rule_folders, rules_json, out);
    if (explain_app->parsed()) return explain_command(rule_id, rule_folders, out, err);
    if (graph_app->parsed()) return graph_command(graph_path, graph_format, graph_output, out, err);
    if (facts_app->parsed()) return facts_command(facts_path, fact_type, out, err);
    if (probe_app->parsed()) return probe_command(probe, probe_json, out, err);
    if (import_app->parsed()) return advisories_import_command(import_arguments, out, err);
    if (check_app->parsed()) return advisories_check_command(check_arguments, out, err);
  } catch (const UsageError& error) {
    err << "mlaudit: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    err << "mlaudit: internal error: " << error.what() << "\n";
    return kExitInternal;
  }
  return kExitUsage;
}

bool cli_left_threads_behind() { return extraction_left_threads_behind(); }

}  // namespace mlaudit
