#include "pipeline/inventory.h"

#include "util/json_strings.h"

#include <algorithm>
#include <map>
#include <set>

namespace mlaudit {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::dangerous: return "dangerous";
    case Verdict::review: return "review";
    case Verdict::not_verifiable: return "not verifiable";
    case Verdict::allowlisted: return "allowlisted pickle";
    case Verdict::data_only: return "data only";
  }
  return "unknown";
}

namespace {

void judge(InventoryItem& item, const std::vector<const Finding*>& findings, bool lfs_pointer) {
  const Finding* worst = nullptr;
  for (const Finding* finding : findings)
    if (!worst || finding->severity > worst->severity) worst = finding;
  if (worst && worst->severity >= Severity::high) {
    item.verdict = Verdict::dangerous;
    item.verdict_reason = worst->rule->title + ".";
  } else if (lfs_pointer) {
    item.verdict = Verdict::not_verifiable;
    item.verdict_reason = "Only a Git LFS pointer was in the checkout; the file itself was not audited.";
  } else if (worst) {
    item.verdict = Verdict::review;
    item.verdict_reason = worst->rule->title + ".";
  } else if (item.pickle_based) {
    item.verdict = Verdict::allowlisted;
    item.verdict_reason = "Pickle-based, but it imports only known data rebuilders; loaders should still restrict globals "
                          "(torch.load(weights_only=True)).";
  } else {
    item.verdict = Verdict::data_only;
    item.verdict_reason = item.model ? "A format that holds data, not code; nothing wrong was found in it."
                                     : "No problem found in the file itself.";
  }
}

}  // namespace

void annotate_stores_with_findings(DataFlowDiagram& diagram, const std::vector<Finding>& fact_findings) {
  std::map<std::string, std::vector<const Finding*>> by_file;
  for (const auto& finding : fact_findings) by_file[finding.location.file].push_back(&finding);
  auto& graph = diagram.graph();
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    Element& element = graph[*it];
    if (element.kind != ElementKind::data_store || !element.props.contains("path")) continue;
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    std::string worst = "none";
    Severity worst_severity = Severity::info;
    bool any = false;
    if (auto found = by_file.find(element.props.value("path", "")); found != by_file.end())
      for (const Finding* finding : found->second) {
        if (std::find(rules.begin(), rules.end(), finding->rule->id) == rules.end()) rules.push_back(finding->rule->id);
        if (!any || finding->severity > worst_severity) worst_severity = finding->severity;
        any = true;
      }
    element.props["file_findings"] = rules;
    element.props["worst_file_severity"] = any ? std::string(to_string(worst_severity)) : worst;
  }
}

std::vector<InventoryItem> build_inventory(const std::vector<Fact>& facts, const DataFlowDiagram& diagram,
                                           const std::vector<LineagePath>& lineage_paths,
                                           const std::vector<Finding>& all_findings) {
  std::map<std::string, std::vector<const Finding*>> findings_by_file;
  for (const auto& finding : all_findings)
    if (!finding.suppression) findings_by_file[finding.location.file].push_back(&finding);
  std::set<std::string> lfs_pointers;
  for (const auto& fact : facts)
    if (fact.type == FactType::lfs_pointer) lfs_pointers.insert(fact.location.file);

  // Loaders, training data and integrity from the data-flow diagram's store nodes.
  const auto& graph = diagram.graph();
  std::map<std::string, DataFlowDiagram::Vertex> stores;
  for (auto [it, end] = boost::vertices(graph); it != end; ++it)
    if (graph[*it].kind == ElementKind::data_store && graph[*it].props.contains("path"))
      stores[graph[*it].props.value("path", "")] = *it;
  std::map<std::string, std::set<std::string>> trained_on;
  for (const auto& lineage : lineage_paths) {
    const Element& sink = graph[lineage.sink];
    if (sink.kind == ElementKind::data_store && sink.type == "model")
      trained_on[sink.props.value("path", "")].insert(graph[lineage.source].props.value("path", graph[lineage.source].name));
  }

  std::vector<InventoryItem> items;
  for (const auto& fact : facts) {
    if (fact.type != FactType::model_artifact && fact.type != FactType::dataset) continue;
    InventoryItem item;
    item.path = fact.location.file;
    item.model = fact.type == FactType::model_artifact;
    item.format = fact.props.value("format", "");
    item.detail = fact.props.value("detail", "");
    item.size = fact.props.value("size", uint64_t{0});
    item.sha256 = fact.props["sha256"].is_string() ? fact.props["sha256"].get<std::string>() : "";
    item.pickle_based = fact.props.value("pickle_based", false);
    item.columns = strings_of(fact.props.contains("columns") ? fact.props["columns"] : fact.props.value("fields", nlohmann::ordered_json()));
    item.integrity = "unchecked";
    if (auto store = stores.find(item.path); store != stores.end()) {
      // Every process that reads the file, whatever the loader.
      for (auto [out, out_end] = boost::out_edges(store->second, graph); out != out_end; ++out) {
        const Element& reader = graph[boost::target(*out, graph)];
        if (reader.kind == ElementKind::process &&
            std::find(item.loaded_by.begin(), item.loaded_by.end(), reader.name) == item.loaded_by.end())
          item.loaded_by.push_back(reader.name);
      }
      item.integrity = graph[store->second].props.value("integrity_status", "unchecked");
    }
    if (auto datasets = trained_on.find(item.path); datasets != trained_on.end())
      item.trained_on.assign(datasets->second.begin(), datasets->second.end());
    const auto& findings = findings_by_file[item.path];
    item.findings = findings.size();
    judge(item, findings, lfs_pointers.contains(item.path));
    items.push_back(std::move(item));
  }
  std::stable_sort(items.begin(), items.end(), [](const InventoryItem& a, const InventoryItem& b) {
    return std::tie(b.model, a.verdict, a.path) < std::tie(a.model, b.verdict, b.path);
  });
  return items;
}

}  // namespace mlaudit
