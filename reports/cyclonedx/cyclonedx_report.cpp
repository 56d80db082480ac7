#include "reports/cyclonedx/cyclonedx_report.h"

#include <openssl/rand.h>

#include <map>
#include <set>
#include <stdexcept>


namespace mlaudit {
namespace {

// A random (version 4) UUID: CycloneDX asks for a new serial number for every BOM.
std::string random_uuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("cannot read random bytes for the BOM serial number");
  bytes[6] = (bytes[6] & 0x0F) | 0x40;
  bytes[8] = (bytes[8] & 0x3F) | 0x80;
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 0xF];
  }
  return text;
}

nlohmann::ordered_json property(const std::string& name, const std::string& value) {
  return {{"name", "mlaudit:" + name}, {"value", value}};
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
  return text;
}

std::string reference(const InventoryItem& item) { return (item.model ? "model:" : "data:") + item.path; }

std::string package_url(const advisories::AuditedPackage& package) {
  return "pkg:pypi/" + package.name + "@" + package.version;
}

// CycloneDX 1.6 rating method of a CVSS vector.
std::string rating_method(const advisories::AdvisorySeverity& severity) {
  if (severity.vector.starts_with("CVSS:3.1/")) return "CVSSv31";
  if (severity.vector.starts_with("CVSS:3.0/")) return "CVSSv3";
  if (severity.vector.starts_with("CVSS:4.0/")) return "CVSSv4";
  if (severity.vector.starts_with("AV:")) return "CVSSv2";
  return "other";
}

// The Python packages the project installs (exact versions only: a range names no component).
void add_libraries(const ScanResult& result, nlohmann::ordered_json& components, nlohmann::ordered_json& project_parts) {
  std::set<std::string> added;
  for (const auto& package : result.dependencies.packages) {
    if (package.version.empty() || !added.insert(package_url(package)).second) continue;
    nlohmann::ordered_json component{{"type", "library"},
                                     {"bom-ref", package_url(package)},
                                     {"name", package.name},
                                     {"version", package.version},
                                     {"purl", package_url(package)}};
    // CycloneDX: "excluded" components serve tests and other non-runtime purposes.
    if (package.development_only) component["scope"] = "excluded";
    component["properties"] = nlohmann::ordered_json::array({property("declared-in", package.location.file)});
    components.push_back(std::move(component));
    project_parts.push_back(package_url(package));
  }
}

// One entry per advisory, affecting every installed package@version it matched.
nlohmann::ordered_json vulnerabilities(const ScanResult& result) {
  std::map<std::string, nlohmann::ordered_json> entries;
  std::vector<std::string> order;
  for (const auto& package : result.dependencies.packages) {
    if (package.version.empty()) continue;
    for (const auto& advisory : package.advisories) {
      auto [found, added] = entries.try_emplace(advisory.id);
      nlohmann::ordered_json& entry = found->second;
      if (added) {
        order.push_back(advisory.id);
        entry["bom-ref"] = "vulnerability:" + advisory.id;
        entry["id"] = advisory.id;
        entry["source"] = {{"name", "OSV"}, {"url", "https://osv.dev/vulnerability/" + advisory.id}};
        nlohmann::ordered_json aliases = nlohmann::ordered_json::array();
        for (const auto& alias : advisory.aliases)
          aliases.push_back({{"id", alias}, {"source", {{"name", alias.starts_with("CVE-") ? "NVD" : alias.starts_with("GHSA-") ? "GitHub" : "OSV"},
                                                         {"url", alias.starts_with("CVE-") ? "https://nvd.nist.gov/vuln/detail/" + alias
                                                                 : alias.starts_with("GHSA-") ? "https://github.com/advisories/" + alias
                                                                                              : "https://osv.dev/vulnerability/" + alias}}}});
        if (!aliases.empty()) entry["references"] = aliases;
        nlohmann::ordered_json rating = {{"source", {{"name", advisory.severity.source.empty() ? "OSV" : advisory.severity.source}}},
                                         {"severity", advisory.severity.level.empty() ? "unknown" : advisory.severity.level}};
        if (advisory.severity.score >= 0) rating["score"] = advisory.severity.score;
        if (!advisory.severity.vector.empty()) rating["vector"] = advisory.severity.vector;
        rating["method"] = rating_method(advisory.severity);
        entry["ratings"] = nlohmann::ordered_json::array({rating});
        if (!advisory.summary.empty()) entry["description"] = advisory.summary;
        nlohmann::ordered_json links = nlohmann::ordered_json::array();
        for (const auto& url : advisory.urls)
          if (links.size() < 5) links.push_back({{"url", url}});
        if (!links.empty()) entry["advisories"] = links;
        entry["affects"] = nlohmann::ordered_json::array();
      }
      entry["affects"].push_back({{"ref", package_url(package)}});
      if (package.fix) {
        std::string advice = package.name + " " + package.version + ": upgrade to " + package.fix->text() +
                             " (the lowest release that fixes every advisory matching this version)";
        std::string previous = entry.value("recommendation", "");
        entry["recommendation"] = previous.empty() ? advice : previous + "; " + advice;
      }
    }
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& id : order) list.push_back(std::move(entries[id]));
  return list;
}

}  // namespace

nlohmann::ordered_json cyclonedx_report(const ScanResult& result) {
  const std::vector<InventoryItem>& items = result.inventory;
  std::set<std::string> datasets_present;
  for (const auto& item : items)
    if (!item.model) datasets_present.insert(item.path);

  nlohmann::ordered_json components = nlohmann::ordered_json::array();
  nlohmann::ordered_json dependencies = nlohmann::ordered_json::array();
  nlohmann::ordered_json project_parts = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    nlohmann::ordered_json component(nlohmann::ordered_json::value_t::object);
    component["type"] = item.model ? "machine-learning-model" : "data";
    component["bom-ref"] = reference(item);
    component["name"] = item.path;
    if (!item.detail.empty()) component["description"] = item.detail;
    if (!item.sha256.empty()) component["hashes"] = {{{"alg", "SHA-256"}, {"content", item.sha256}}};
    nlohmann::ordered_json properties = nlohmann::ordered_json::array();
    properties.push_back(property("format", item.format));
    properties.push_back(property("size", std::to_string(item.size)));
    properties.push_back(property("verdict", std::string(to_string(item.verdict))));
    properties.push_back(property("verdict-reason", item.verdict_reason));
    properties.push_back(property("findings", std::to_string(item.findings)));
    properties.push_back(property("dvc-record", item.integrity));
    if (item.model) properties.push_back(property("loading-runs-pickle", item.pickle_based ? "true" : "false"));
    for (const auto& loader : item.loaded_by) properties.push_back(property("loaded-by", loader));
    component["properties"] = std::move(properties);

    nlohmann::ordered_json trained_on = nlohmann::ordered_json::array();
    for (const auto& dataset : item.trained_on)
      if (datasets_present.contains(dataset)) trained_on.push_back("data:" + dataset);
    if (item.model) {
      nlohmann::ordered_json parameters(nlohmann::ordered_json::value_t::object);
      nlohmann::ordered_json datasets = nlohmann::ordered_json::array();
      for (const auto& ref : trained_on) datasets.push_back({{"ref", ref}});
      if (!datasets.empty()) parameters["datasets"] = std::move(datasets);
      nlohmann::ordered_json card(nlohmann::ordered_json::value_t::object);
      card["bom-ref"] = reference(item) + "#model-card";
      if (!parameters.empty()) card["modelParameters"] = std::move(parameters);
      component["modelCard"] = std::move(card);
    } else {
      nlohmann::ordered_json data = {{"type", "dataset"}, {"name", item.path}};
      if (!item.columns.empty())
        data["contents"] = {{"properties", {property("columns", joined(item.columns))}}};
      component["data"] = nlohmann::ordered_json::array({std::move(data)});
    }
    project_parts.push_back(reference(item));
    dependencies.push_back({{"ref", reference(item)}, {"dependsOn", trained_on}});
    components.push_back(std::move(component));
  }
  add_libraries(result, components, project_parts);
  dependencies.push_back({{"ref", "project"}, {"dependsOn", project_parts}});

  nlohmann::ordered_json bom(nlohmann::ordered_json::value_t::object);
  bom["$schema"] = "http://cyclonedx.org/schema/bom-1.6.schema.json";
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = "1.6";
  bom["serialNumber"] = "urn:uuid:" + random_uuid();
  bom["version"] = 1;
  bom["metadata"] = {
      {"timestamp", result.started_at},
      {"tools", {{"components", {{{"type", "application"}, {"name", "mlaudit"}, {"version", MLAUDIT_VERSION}}}}}},
      {"component", {{"type", "application"}, {"bom-ref", "project"}, {"name", result.target_name}}}};
  bom["components"] = std::move(components);
  bom["dependencies"] = std::move(dependencies);
  auto found = vulnerabilities(result);
  if (!found.empty()) bom["vulnerabilities"] = std::move(found);
  bom["metadata"]["properties"] = nlohmann::ordered_json::array({property("advisory-data", result.dependencies.snapshot)});
  return bom;
}

}  // namespace mlaudit
