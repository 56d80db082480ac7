#include "reports/json/json_report.h"

#include <map>

#include "util/code_context.h"
#include "pipeline/scan_summary.h"
#include "reports/json/graph_json.h"
#include "reports/json/privacy_json.h"

namespace mlaudit {

nlohmann::ordered_json finding_json(const Finding& finding) {
  const Rule& rule = *finding.rule;
  nlohmann::ordered_json related = nlohmann::ordered_json::array(), path = nlohmann::ordered_json::array();
  for (const auto& item : finding.related) related.push_back({{"location", location_json(item.location)}, {"message", item.message}});
  for (const auto& step : finding.path) path.push_back({{"location", location_json(step.location)}, {"message", step.message}});
  nlohmann::ordered_json json = {{"rule_id", rule.id},
                         {"title", rule.title},
                         {"severity", std::string(to_string(finding.severity))},
                         {"confidence", std::string(to_string(rule.confidence))},
                         {"message", finding.message},
                         {"location", location_json(finding.location)},
                         {"code_context", std::string(to_string(code_context_of(finding.location.file)))},
                         {"snippet", finding.snippet},
                         {"fingerprint", finding.fingerprint},
                         {"line_hash", finding.line_hash},
                         {"related", related},
                         {"path", path},
                         {"evidence", finding.evidence},
                         {"taxonomy",
                          {{"cwe", rule.taxonomy.cwe},
                           {"stride", rule.taxonomy.stride},
                           {"stride_element", rule.taxonomy.stride_element},
                           {"gdpr", rule.taxonomy.gdpr},
                           {"ai_act", rule.taxonomy.ai_act},
                           {"atlas", rule.taxonomy.atlas},
                           {"owasp_ml", rule.taxonomy.owasp_ml}}}};
  json["suppression"] = finding.suppression ? nlohmann::ordered_json{{"kind", finding.suppression->kind},
                                                             {"justification", finding.suppression->justification},
                                                             {"location", location_json(finding.suppression->location)}}
                                            : nlohmann::ordered_json();
  return json;
}

nlohmann::ordered_json inventory_json(const ScanResult& result) {
  std::map<std::string, const Fact*> facts;
  for (const auto& fact : result.extraction.facts)
    if (fact.type == FactType::model_artifact || fact.type == FactType::dataset) facts[fact.location.file] = &fact;
  nlohmann::ordered_json models = nlohmann::ordered_json::array(), datasets = nlohmann::ordered_json::array();
  for (const auto& item : result.inventory) {
    nlohmann::ordered_json entry = {{"path", item.path},
                                    {"verdict", std::string(to_string(item.verdict))},
                                    {"verdict_reason", item.verdict_reason},
                                    {"loaded_by", item.loaded_by},
                                    {"trained_on", item.trained_on},
                                    {"integrity", item.integrity},
                                    {"findings", item.findings},
                                    {"props", facts.contains(item.path) ? facts[item.path]->props : nlohmann::ordered_json()}};
    (item.model ? models : datasets).push_back(std::move(entry));
  }
  return {{"models", models}, {"datasets", datasets}};
}

nlohmann::ordered_json json_report(const ScanResult& result) {
  ScanSummary summary = summarize(result);
  nlohmann::ordered_json by_severity = nlohmann::ordered_json::object(), by_stride = nlohmann::ordered_json::object();
  // Every level, zeros included, worst first: a consumer reads a count without checking for the key.
  for (Severity severity : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info}) {
    auto found = summary.by_severity.find(severity);
    by_severity[std::string(to_string(severity))] = found == summary.by_severity.end() ? size_t{0} : found->second;
  }
  for (const auto& [category, count] : summary.by_stride) by_stride[category] = count;
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& finding : result.findings) findings.push_back(finding_json(finding));
  nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
  for (const auto& file : result.extraction.files)
    if (!file.scanned()) skipped.push_back({{"path", file.path}, {"reason", file.skip_reason}, {"folder", false}});
  for (const auto& entry : result.walk.skipped)
    skipped.push_back({{"path", entry.relative}, {"reason", entry.reason}, {"folder", entry.is_directory}});
  nlohmann::ordered_json diagnostics = nlohmann::ordered_json::array();
  for (const auto& diagnostic : result.diagnostics)
    diagnostics.push_back({{"level", std::string(to_string(diagnostic.level))},
                           {"code", diagnostic.code},
                           {"location", location_json(diagnostic.location)},
                           {"message", diagnostic.message}});
  const ScanStats& stats = result.stats;
  return {{"tool", {{"name", "mlaudit"}, {"version", MLAUDIT_VERSION}}},
          {"scan",
           {{"target", result.target_name},
            {"root", result.root.string()},
            {"started_at", result.started_at},
            {"rules", result.rules.rules.size()},
            {"advisory_data", result.dependencies.snapshot},
            {"stats",
             {{"files_walked", stats.files_walked},
              {"files_scanned", stats.files_scanned},
              {"files_skipped", stats.files_skipped},
              {"bytes_scanned", stats.bytes_scanned},
              {"lines_scanned", stats.lines_scanned},
              {"facts", stats.facts},
              {"seconds", stats.total_seconds},
              {"phase_seconds",
               {{"walk", stats.walk_seconds},
                {"extract", stats.extract_seconds},
                {"graph", stats.graph_seconds},
                {"advisory_load", stats.advisory_load_seconds},
                {"advisory_check", stats.advisory_check_seconds},
                {"rules", stats.rules_seconds}}}}}}},
          {"summary",
           {{"findings", summary.total},
            {"suppressed", summary.suppressed},
            {"in_baseline", result.in_baseline},
            {"superseded", result.superseded},
            {"merged", result.merged},
            {"by_severity", by_severity},
            {"by_stride", by_stride}}},
          {"findings", findings},
          {"inventory", inventory_json(result)},
          {"privacy", privacy_json(result.privacy)},
          {"skipped", skipped},
          {"diagnostics", diagnostics},
          {"graph", graph_json(result.diagram, result.lineage)}};
}

}  // namespace mlaudit
