#include "reports/sarif/sarif_report.h"

#include <set>

#include "findings/baseline.h"
#include "util/code_context.h"
#include "reports/skipped_listing.h"
#include "ruleset/taxonomy_catalog.h"
#include "util/text.h"

namespace mlaudit {
namespace {

constexpr const char* kInformationUri = "https://github.com/mlaudit/mlaudit";

std::string sentence(std::string text) {
  text = std::string(trim(text));
  if (!text.empty() && text.back() != '.' && text.back() != '!' && text.back() != '?') text += '.';
  return text;
}

std::string pascal_case(std::string_view title) {
  std::string name;
  bool upper = true;
  for (char c : title) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return name;
}

// Sizes of the scanned files, for results about a whole file (a model, a dataset): SARIF
// consumers expect a region, so such results cover the file's lines or bytes.
struct FileExtent {
  uint64_t bytes = 0;
  uint32_t lines = 0;
  std::string raw_path;  // the name's exact bytes when it is not valid UTF-8 (the URI keeps them)
};
using FileExtents = std::map<std::string, FileExtent, std::less<>>;

nlohmann::ordered_json physical_location(const Location& location, const std::string& snippet = {},
                                         const FileExtents* extents = nullptr) {
  std::string_view file = location.file;
  if (extents)
    if (auto extent = extents->find(location.file); extent != extents->end() && !extent->second.raw_path.empty())
      file = extent->second.raw_path;
  nlohmann::ordered_json physical = {{"artifactLocation", {{"uri", path_to_uri(file)}, {"uriBaseId", "%SRCROOT%"}}}};
  if (location.has_region()) {
    nlohmann::ordered_json region = {{"startLine", location.line}};
    if (location.column > 0) region["startColumn"] = location.column;
    if (location.end_line >= location.line && location.end_line > 0) region["endLine"] = location.end_line;
    if (location.end_column > 0 && (location.end_line > location.line || location.end_column > location.column))
      region["endColumn"] = location.end_column;
    if (!snippet.empty()) region["snippet"] = {{"text", snippet}};
    physical["region"] = region;
  } else if (location.byte_offset >= 0) {
    physical["region"] = {{"byteOffset", location.byte_offset}, {"byteLength", 1}};
  } else if (extents) {
    if (auto extent = extents->find(location.file); extent != extents->end()) {
      if (extent->second.lines > 0) physical["region"] = {{"startLine", 1}, {"endLine", extent->second.lines}};
      else if (extent->second.bytes > 0) physical["region"] = {{"byteOffset", 0}, {"byteLength", extent->second.bytes}};
    }
  }
  return physical;
}

std::string precision_of(Confidence confidence) {
  switch (confidence) {
    case Confidence::high: return "high";
    case Confidence::medium: return "medium";
    default: return "low";
  }
}

// GitHub shows tags; these make results filterable by CWE, STRIDE and regulation.
nlohmann::ordered_json tags_of(const Rule& rule) {
  nlohmann::ordered_json tags = nlohmann::ordered_json::array({"security", "mlaudit/" + rule.pack});
  for_each_taxon(rule.taxonomy,
                 [&](const TaxonFamily& family, const std::string& id) { tags.push_back(std::string(family.sarif_tag) + id); });
  return tags;
}

std::string help_markdown(const Rule& rule) {
  std::string markdown = "## " + rule.title + "\n\n" + rule.description + "\n\n### Remediation\n\n" + rule.remediation;
  if (!rule.record.empty()) markdown += "\n\n### Recording it\n\n" + rule.record;
  const auto& catalogs = TaxonomyCatalogs::embedded();
  std::string classification;
  for_each_taxon(rule.taxonomy, [&](const TaxonFamily& family, const std::string& id) {
    const TaxonomyCatalog* catalog = catalogs.catalog(std::string(family.key));
    if (const TaxonomyEntry* entry = catalog ? catalog->find(id) : nullptr)
      classification += "- " + catalog->name + ": [" + (family.key == "cwe" ? "CWE-" + id : id) + " " + entry->name +
                        "](" + entry->url + ")\n";
  });
  if (!classification.empty()) markdown += "\n\n### Classification\n\n" + classification;
  if (!rule.references.empty()) {
    markdown += "\n### References\n\n";
    for (const auto& reference : rule.references) markdown += "- <" + reference + ">\n";
  }
  return markdown;
}

nlohmann::ordered_json relationships_of(const Rule& rule) {
  nlohmann::ordered_json relationships = nlohmann::ordered_json::array();
  for_each_taxon(rule.taxonomy, [&](const TaxonFamily& family, const std::string& id) {
    const TaxonomyCatalog* catalog = TaxonomyCatalogs::embedded().catalog(std::string(family.key));
    if (!catalog) return;
    relationships.push_back({{"target", {{"id", id}, {"toolComponent", {{"name", catalog->name}}}}},
                             {"kinds", nlohmann::ordered_json::array({"superset"})}});
  });
  return relationships;
}

nlohmann::ordered_json rule_descriptor(const Rule& rule) {
  nlohmann::ordered_json descriptor = {
      {"id", rule.id},
      {"name", pascal_case(rule.title)},
      {"shortDescription", {{"text", sentence(rule.title)}}},
      {"fullDescription", {{"text", sentence(rule.description)}}},
      {"help", {{"text", sentence(rule.description) + " " + sentence(rule.remediation) +
                             (rule.record.empty() ? "" : " Record it: " + sentence(rule.record))}, {"markdown", help_markdown(rule)}}},
      {"defaultConfiguration", {{"level", std::string(sarif_level(rule.severity))}}},
      {"properties",
       {{"tags", tags_of(rule)},
        {"security-severity", std::string(security_severity_score(rule.severity))},
        {"precision", precision_of(rule.confidence)},
        {"problem.severity", std::string(rule.severity >= Severity::high ? "error" : rule.severity == Severity::medium ? "warning" : "recommendation")}}}};
  if (!rule.references.empty()) descriptor["helpUri"] = rule.references.front();
  auto relationships = relationships_of(rule);
  if (!relationships.empty()) descriptor["relationships"] = relationships;
  return descriptor;
}

// Only the taxa rules actually cite, to keep the file small.
nlohmann::ordered_json taxonomies(const ScanResult& result) {
  std::map<std::string, std::set<std::string>> cited;
  for (const auto& rule : result.rules.rules)
    for_each_taxon(rule->taxonomy,
                   [&](const TaxonFamily& family, const std::string& id) { cited[std::string(family.key)].insert(id); });
  nlohmann::ordered_json components = nlohmann::ordered_json::array();
  for (const auto& catalog : TaxonomyCatalogs::embedded().all()) {
    if (!cited.contains(catalog.key)) continue;
    nlohmann::ordered_json taxa = nlohmann::ordered_json::array();
    for (const auto& id : cited[catalog.key]) {
      const TaxonomyEntry* entry = catalog.find(id);
      if (!entry) continue;
      nlohmann::ordered_json taxon = {{"id", id}, {"name", entry->name}, {"shortDescription", {{"text", sentence(entry->name)}}}};
      if (!entry->url.empty()) taxon["helpUri"] = entry->url;
      taxa.push_back(taxon);
    }
    components.push_back({{"name", catalog.name},
                          {"organization", catalog.organization},
                          {"version", catalog.version},
                          {"informationUri", catalog.information_uri},
                          {"shortDescription", {{"text", sentence(catalog.name)}}},
                          {"taxa", taxa}});
  }
  return components;
}

nlohmann::ordered_json notification(const std::string& level, const std::string& id, const std::string& text,
                            const Location& location, const FileExtents& extents) {
  nlohmann::ordered_json item = {{"level", level}, {"message", {{"text", sentence(text)}}}, {"descriptor", {{"id", id}}}};
  if (!location.file.empty() && location.file != ".")
    item["locations"] = nlohmann::ordered_json::array({{{"physicalLocation", physical_location(location, {}, &extents)}}});
  return item;
}

std::string file_uri(const std::filesystem::path& folder) {
  std::string uri = "file://" + path_to_uri(folder.generic_string());
  if (!uri.ends_with("/")) uri += "/";
  return uri;
}

}  // namespace

std::string path_to_uri(std::string_view path) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string uri;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += digits[c >> 4];
      uri += digits[c & 0xF];
    }
  }
  return uri;
}

nlohmann::ordered_json sarif_report(const ScanResult& result, const SarifOptions& options) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  std::map<std::string, size_t> rule_index;
  for (const auto& rule : result.rules.rules) {
    rule_index[rule->id] = rules.size();
    rules.push_back(rule_descriptor(*rule));
  }

  FileExtents extents;
  for (const auto& file : result.extraction.files) extents[file.path] = {file.size, file.lines, file.raw_path};
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (const auto& finding : result.findings) {
    if (finding.suppression && !options.include_suppressed) continue;
    nlohmann::ordered_json item = {{"ruleId", finding.rule->id},
                           {"ruleIndex", rule_index.at(finding.rule->id)},
                           {"level", std::string(sarif_level(finding.severity))},
                           {"message", {{"text", sentence(finding.message)}}},
                           {"locations", nlohmann::ordered_json::array({{{"physicalLocation",
                                                                  physical_location(finding.location, finding.snippet, &extents)}}})}};
    nlohmann::ordered_json fingerprints = {{kFingerprintKey, finding.fingerprint}};
    if (!finding.line_hash.empty()) fingerprints["primaryLocationLineHash"] = finding.line_hash;
    item["partialFingerprints"] = fingerprints;
    if (!finding.related.empty()) {
      nlohmann::ordered_json related = nlohmann::ordered_json::array();
      int id = 1;
      for (const auto& location : finding.related)
        related.push_back({{"id", id++}, {"physicalLocation", physical_location(location.location, {}, &extents)},
                           {"message", {{"text", sentence(location.message)}}}});
      item["relatedLocations"] = related;
    }
    if (!finding.path.empty()) {
      nlohmann::ordered_json steps = nlohmann::ordered_json::array();
      for (const auto& step : finding.path)
        steps.push_back({{"location", {{"physicalLocation", physical_location(step.location, {}, &extents)},
                                       {"message", {{"text", sentence(step.message)}}}}}});
      item["codeFlows"] = nlohmann::ordered_json::array({{{"threadFlows", nlohmann::ordered_json::array({{{"locations", steps}}})}}});
    }
    if (finding.suppression)
      item["suppressions"] = nlohmann::ordered_json::array({{{"kind", finding.suppression->kind},
                                                     {"status", "accepted"},
                                                     {"justification", finding.suppression->justification}}});
    item["properties"] = {{"severity", std::string(to_string(finding.severity))},
                          {"confidence", std::string(to_string(finding.rule->confidence))},
                          {"codeContext", std::string(to_string(code_context_of(finding.location.file)))},
                          {"evidence", finding.evidence}};
    results.push_back(std::move(item));
  }

  nlohmann::ordered_json notifications = nlohmann::ordered_json::array();
  SkippedListing skipped = list_skipped(result);
  for (const auto& item : skipped.listed)
    notifications.push_back(notification("note", item.folder ? "skipped-folder" : "skipped-file", "Skipped: " + item.reason,
                                         Location{item.path}, extents));
  for (const auto& [reason, count] : skipped.more)
    notifications.push_back(notification("note", "skipped-more",
                                         "Skipped " + std::to_string(count) + " more files or folders (past the first " +
                                             std::to_string(skipped.listed.size()) + " listed; the JSON report lists all): " + reason,
                                         Location{}, extents));
  for (const auto& diagnostic : result.diagnostics)
    notifications.push_back(notification(std::string(to_string(diagnostic.level)), diagnostic.code, diagnostic.message,
                                         diagnostic.location, extents));

  nlohmann::ordered_json run = {
      {"tool",
       {{"driver",
         {{"name", "mlaudit"},
          {"version", MLAUDIT_VERSION},
          {"semanticVersion", MLAUDIT_VERSION},
          {"informationUri", kInformationUri},
          {"rules", rules}}}}},
      {"taxonomies", taxonomies(result)},
      {"invocations",
       nlohmann::ordered_json::array({{{"executionSuccessful", true},
                               {"startTimeUtc", result.started_at},
                               {"toolExecutionNotifications", notifications}}})},
      {"originalUriBaseIds", {{"%SRCROOT%", {{"uri", file_uri(result.root)}}}}},
      {"results", results},
      {"properties",
       {{"filesScanned", result.stats.files_scanned},
        {"filesSkipped", result.stats.files_skipped + result.walk.skipped.size()},
        {"findingsInBaseline", result.in_baseline},
        {"findingsSuperseded", result.superseded},
        {"findingsMerged", result.merged},
        {"advisoryData", result.dependencies.snapshot}}}};
  if (result.baseline_used)  // what survives a baseline comparison is new by definition
    for (auto& item : run["results"]) item["baselineState"] = "new";
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", nlohmann::ordered_json::array({run})}};
}

}  // namespace mlaudit
