#include "pipeline/privacy_record.h"

#include <algorithm>
#include <map>
#include <set>

#include "personal/category_catalog.h"
#include "util/json_strings.h"

namespace mlaudit {
namespace {

using json = nlohmann::ordered_json;

std::string joined(const std::vector<std::string>& values, const char* separator = ", ") {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : separator) + value;
  return text;
}

std::string category_labels(const std::vector<std::string>& ids) {
  std::vector<std::string> labels;
  for (const auto& id : ids) labels.push_back(personal::CategoryCatalog::get().label_of(id));
  return joined(labels);
}

const Fact* processing_declaration(const std::vector<Fact>& facts) {
  for (const auto& fact : facts)
    if (fact.type == FactType::privacy_declaration && fact.props.value("scope", "") == "processing") return &fact;
  return nullptr;
}

void add_datasets(const std::vector<Fact>& facts, const DataFlowDiagram& diagram, PrivacyRecord& record) {
  std::map<std::string, PersonalDataset> by_path;
  for (const auto& fact : facts) {
    if (fact.type != FactType::personal_data) continue;
    const auto& props = fact.props;
    PersonalDataset& dataset = by_path[props.value("dataset", fact.location.file)];
    dataset.path = props.value("dataset", fact.location.file);
    dataset.columns.push_back({props.value("column", ""), props.value("category", ""), props.value("label", ""),
                               props.value("article", ""), props.value("special", false),
                               props.value("identifier", ""), props.value("confidence", ""),
                               props.value("evidence", ""), props.value("example", "")});
  }
  for (const auto& fact : facts) {
    if (fact.type != FactType::dataset) continue;
    auto found = by_path.find(fact.location.file);
    if (found == by_path.end()) continue;
    found->second.rows_profiled = fact.props.value("rows_profiled", uint64_t{0});
    found->second.all_rows_profiled = fact.props.value("all_rows_profiled", false);
    found->second.categories = strings_of(fact.props.value("personal_categories", json()));
    found->second.special_categories = strings_of(fact.props.value("special_categories", json()));
  }
  // Declarations and what lies downstream come from the diagram's dataset stores.
  const auto& graph = diagram.graph();
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    const Element& element = graph[*it];
    if (element.kind != ElementKind::data_store || element.type != "dataset") continue;
    auto found = by_path.find(element.props.value("path", ""));
    if (found == by_path.end()) {
      // A dataset the code writes (feedback, enriched data) holds what flows into it.
      auto categories = strings_of(element.props.value("personal_categories", json()));
      if (categories.empty()) continue;
      std::string path = element.props.value("path", element.name);
      found = by_path.emplace(path, PersonalDataset{}).first;
      found->second.path = path;
      found->second.categories = categories;
      found->second.special_categories = strings_of(element.props.value("special_categories", json()));
    }
    PersonalDataset& dataset = found->second;
    dataset.lawful_basis = element.props.value("lawful_basis", "");
    dataset.purpose = element.props.value("purpose", "");
    dataset.retention = element.props.value("retention", "");
    dataset.special_category_condition = element.props.value("special_category_condition", "");
    dataset.residency = element.props.value("residency", "");
    dataset.pseudonymised = element.props.value("pseudonymised", false);
    dataset.declared = element.props.value("declared", false);
  }
  for (auto& [path, dataset] : by_path) {
    if (dataset.categories.empty()) {
      std::set<std::string> ids;
      for (const auto& column : dataset.columns) ids.insert(column.category);
      dataset.categories.assign(ids.begin(), ids.end());
    }
    record.datasets.push_back(std::move(dataset));
  }
}

// Where each personal dataset's data goes: models trained on it, endpoints serving those
// models' decisions, and recipients outside the organisation, by the shortest chain of flows.
void add_lineage(const DataFlowDiagram& diagram, PrivacyRecord& record) {
  const auto& graph = diagram.graph();
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    const Element& source = graph[*it];
    if (source.kind != ElementKind::data_store || source.type != "dataset") continue;
    auto categories = strings_of(source.props.value("personal_categories", json()));
    if (categories.empty()) continue;
    auto origins = strings_of(source.props.value("personal_sources", json()));
    origins.push_back(source.name);
    auto predecessor = diagram.reachable_from(*it, 12);
    std::vector<DataFlowDiagram::Vertex> sinks;
    for (const auto& [vertex, edge] : predecessor) {
      const Element& sink = graph[vertex];
      // Only where personal data arrives (an endpoint beside a model loader may never touch it).
      auto reached = strings_of(sink.props.value("personal_sources", json()));
      bool arrives = std::any_of(reached.begin(), reached.end(), [&](const std::string& origin) {
        return std::find(origins.begin(), origins.end(), origin) != origins.end();
      });
      bool destination = sink.type == "model" || sink.type == "endpoint" || sink.props.value("receives_personal_data", false);
      if (arrives && destination) sinks.push_back(vertex);
    }
    std::sort(sinks.begin(), sinks.end(), [&](auto a, auto b) { return graph[a].id < graph[b].id; });
    for (auto vertex : sinks) {
      const Element& sink = graph[vertex];
      PersonalLineage lineage{source.name, sink.name, sink.type, categories, {}};
      for (auto current = vertex; current != *it;) {
        auto edge = predecessor.at(current);
        lineage.steps.push_back({graph[current].name, graph[edge].label, graph[edge].location});
        current = boost::source(edge, graph);
      }
      std::reverse(lineage.steps.begin(), lineage.steps.end());
      for (auto& dataset : record.datasets)
        if (dataset.path == source.props.value("path", source.name)) dataset.reaches.push_back(sink.name);
      record.lineage.push_back(std::move(lineage));
    }
  }
  std::sort(record.lineage.begin(), record.lineage.end(),
            [](const auto& a, const auto& b) { return std::tie(a.source, a.sink) < std::tie(b.source, b.sink); });
}

void add_transfers(const std::vector<Fact>& facts, const DataFlowDiagram& diagram, PrivacyRecord& record) {
  std::map<std::string, const Fact*> declared;
  for (const auto& fact : facts)
    if (fact.type == FactType::privacy_declaration && fact.props.value("scope", "") == "recipient")
      declared[fact.props.value("target", "")] = &fact;
  const auto& graph = diagram.graph();
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    const Element& element = graph[*it];
    if (!element.props.value("receives_personal_data", false)) continue;
    Transfer transfer;
    transfer.recipient = element.name;
    std::string region = element.props.value("region", "unknown");
    transfer.region = region;
    transfer.region_declared = element.props.value("region_declared", false);
    const json& outside = element.props.contains("outside_eea") ? element.props["outside_eea"] : json();
    transfer.outside_eea = outside.is_boolean() ? (outside.get<bool>() ? "yes" : "no") : "unknown";
    transfer.mechanism = element.props.value("transfer_mechanism", "");
    for (const auto& key : {element.props.value("host", ""), element.name})
      if (auto found = declared.find(key); !key.empty() && found != declared.end())
        transfer.processor_agreement = found->second->props.value("processor_agreement", "");
    transfer.categories = strings_of(element.props.value("personal_categories", json()));
    transfer.sources = strings_of(element.props.value("personal_sources", json()));
    transfer.location = element.location;
    record.transfers.push_back(std::move(transfer));
  }
  std::sort(record.transfers.begin(), record.transfers.end(),
            [](const Transfer& a, const Transfer& b) { return a.recipient < b.recipient; });
}

void add_code_fields(const std::vector<Fact>& facts, PrivacyRecord& record) {
  for (const auto& fact : facts)
    if (fact.type == FactType::personal_field)
      record.code_fields.push_back({fact.location, fact.props.value("name", ""), fact.props.value("category", ""),
                                    fact.props.value("label", ""), fact.props.value("context", ""),
                                    fact.props.value("special", false)});
    else if (fact.type == FactType::output_personal_data)
      record.code_fields.push_back({fact.location,
                                    std::to_string(fact.props.value("count", 0)) + " value(s), e.g. " + fact.props.value("example", ""),
                                    fact.props.value("category", ""), fact.props.value("label", ""), "notebook-output",
                                    !fact.props.value("article", "").empty()});
}

void add_dpia(const std::vector<Fact>& facts, PrivacyRecord& record) {
  for (const auto& fact : facts) {
    if (fact.type != FactType::dpia_screening) continue;
    for (const auto& criterion : fact.props.value("criteria", json::array()))
      record.dpia_criteria.push_back({criterion.value("id", ""), criterion.value("label", ""), criterion.value("why", ""),
                                      criterion.value("met", false)});
    record.dpia_met = fact.props.value("met_count", 0);
    record.dpia_reference = fact.props.value("dpia", "");
  }
}

// Art. 30(1): what a controller's record of processing must hold, filled from the
// declarations first and from what the scan found where the project shows it.
void add_record_of_processing(const std::vector<Fact>& facts, PrivacyRecord& record) {
  const Fact* processing = processing_declaration(facts);
  auto declared = [&](const char* key) { return processing ? processing->props.value(key, "") : std::string(); };
  auto declared_list = [&](const char* key) {
    return processing ? joined(strings_of(processing->props.value(key, json()))) : std::string();
  };
  auto entry = [&](std::string article, std::string label, std::string value, std::string source) {
    bool gap = value.empty();
    record.record.push_back({std::move(article), std::move(label), gap ? "not declared" : std::move(value),
                             gap ? "—" : std::move(source), gap});
  };
  std::string controller = declared("controller");
  if (!declared("dpo").empty()) controller += (controller.empty() ? "" : "; ") + std::string("DPO: ") + declared("dpo");
  entry("Art. 30(1)(a)", "Controller and data protection officer", controller, "declared");

  std::vector<std::string> purposes;
  if (processing)
    for (const auto& purpose : strings_of(processing->props.value("purposes", json()))) purposes.push_back(purpose);
  for (const auto& dataset : record.datasets)
    if (!dataset.purpose.empty()) purposes.push_back(dataset.path + ": " + dataset.purpose);
  entry("Art. 30(1)(b)", "Purposes of the processing", joined(purposes, "; "), "declared");
  entry("Art. 30(1)(c)", "Categories of data subjects", declared_list("data_subjects"), "declared");

  std::set<std::string> categories;
  for (const auto& dataset : record.datasets) categories.insert(dataset.categories.begin(), dataset.categories.end());
  for (const auto& field : record.code_fields) categories.insert(field.category);
  entry("Art. 30(1)(c)", "Categories of personal data",
        category_labels(std::vector<std::string>(categories.begin(), categories.end())), "found in the project");

  // Recipients and transfers: what the code shows, else what is declared; where neither
  // tells, "unknown" (a recipient the code does not name is invisible to the scan).
  std::vector<std::string> recipients, transfers, unknown_regions;
  bool transfer_gap = false;
  for (const auto& transfer : record.transfers) {
    recipients.push_back(transfer.recipient + " (region " + transfer.region + ")");
    if (transfer.outside_eea == "yes") {
      transfers.push_back(transfer.recipient + " in " + transfer.region + ": " +
                          (transfer.mechanism.empty() ? "no transfer mechanism declared" : transfer.mechanism));
      transfer_gap = transfer_gap || transfer.mechanism.empty();
    } else if (transfer.outside_eea == "unknown") {
      unknown_regions.push_back(transfer.recipient);
    }
  }
  std::vector<std::string> declared_recipients;
  for (const auto& fact : facts)
    if (fact.type == FactType::privacy_declaration && fact.props.value("scope", "") == "recipient")
      declared_recipients.push_back(fact.props.value("target", "") +
                                    (fact.props.value("region", "").empty() ? "" : " (" + fact.props.value("region", "") + ")"));
  if (!recipients.empty())
    record.record.push_back({"Art. 30(1)(d)", "Recipients", joined(recipients, "; "), "found in the project", false});
  else if (!declared_recipients.empty())
    record.record.push_back({"Art. 30(1)(d)", "Recipients", joined(declared_recipients, "; "), "declared", false});
  else if (declared("recipients") == "none")  // processing: {recipients: none}
    record.record.push_back({"Art. 30(1)(d)", "Recipients", "none", "declared", false});
  else
    record.record.push_back({"Art. 30(1)(d)", "Recipients", "unknown: none found in the code and none declared", "—", true});
  if (!unknown_regions.empty())
    transfers.push_back("unknown for " + joined(unknown_regions) + " (region not known or declared)");
  if (!transfers.empty())
    record.record.push_back({"Art. 30(1)(e)", "Transfers to third countries", joined(transfers, "; "), "found in the project",
                             transfer_gap || !unknown_regions.empty()});
  else if (!record.transfers.empty())
    record.record.push_back({"Art. 30(1)(e)", "Transfers to third countries", "none: every recipient found is in the EU/EEA",
                             "found in the project", false});
  else if (declared("recipients") == "none")
    record.record.push_back({"Art. 30(1)(e)", "Transfers to third countries", "none: no recipients", "declared", false});
  else
    record.record.push_back({"Art. 30(1)(e)", "Transfers to third countries", "unknown: no recipient found in the code",
                             "—", true});

  // Per-dataset declarations: "declared" only for what was declared.
  std::vector<std::string> retention, basis;
  size_t retention_declared = 0, basis_declared = 0;
  for (const auto& dataset : record.datasets) {
    retention.push_back(dataset.path + ": " + (dataset.retention.empty() ? "not declared" : dataset.retention));
    basis.push_back(dataset.path + ": " + (dataset.lawful_basis.empty() ? "not declared" : dataset.lawful_basis));
    retention_declared += !dataset.retention.empty();
    basis_declared += !dataset.lawful_basis.empty();
  }
  auto source_of = [&](size_t declared_count) {
    return declared_count == record.datasets.size() ? std::string("declared")
           : declared_count == 0                     ? std::string("—")
                                                     : "declared for " + std::to_string(declared_count) + " of " +
                                                           std::to_string(record.datasets.size()) + " datasets";
  };
  if (!record.datasets.empty()) {
    record.record.push_back({"Art. 30(1)(f)", "Time limits for erasure", joined(retention, "; "), source_of(retention_declared),
                             retention_declared < record.datasets.size()});
    record.record.push_back({"Art. 6(1)", "Lawful basis per dataset", joined(basis, "; "), source_of(basis_declared),
                             basis_declared < record.datasets.size()});
  }
  entry("Art. 30(1)(g)", "Technical and organisational security measures", declared("security_measures"), "declared");
  if (!record.dpia_criteria.empty()) {
    std::string dpia = record.dpia_reference;
    bool required = record.dpia_met >= 2;
    if (dpia.empty() && !required)
      record.record.push_back({"Art. 35", "Data protection impact assessment",
                               "not declared; screening meets " + std::to_string(record.dpia_met) + " of 9 criteria",
                               "found in the project", false});
    else
      entry("Art. 35", "Data protection impact assessment", dpia, "declared");
  }
}

}  // namespace

size_t PrivacyRecord::gaps() const {
  return static_cast<size_t>(std::count_if(record.begin(), record.end(), [](const RecordEntry& entry) { return entry.gap; }));
}

PrivacyRecord build_privacy_record(const std::vector<Fact>& facts, const DataFlowDiagram& diagram) {
  PrivacyRecord record;
  add_datasets(facts, diagram, record);
  add_code_fields(facts, record);
  add_transfers(facts, diagram, record);
  add_lineage(diagram, record);
  add_dpia(facts, record);
  record.holds_personal_data = !record.datasets.empty() || !record.code_fields.empty() || !record.dpia_criteria.empty();
  if (record.holds_personal_data) add_record_of_processing(facts, record);
  return record;
}

}  // namespace mlaudit
