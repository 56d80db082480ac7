#include "reports/json/privacy_json.h"

#include "reports/json/graph_json.h"

namespace mlaudit {

nlohmann::ordered_json privacy_json(const PrivacyRecord& record) {
  using json = nlohmann::ordered_json;
  json datasets = json::array(), fields = json::array(), entries = json::array(), criteria = json::array(),
       transfers = json::array(), lineage = json::array();
  for (const auto& dataset : record.datasets) {
    json columns = json::array();
    for (const auto& column : dataset.columns)
      columns.push_back({{"column", column.column}, {"category", column.category}, {"label", column.label},
                         {"article", column.article}, {"special", column.special}, {"identifier", column.identifier},
                         {"confidence", column.confidence}, {"evidence", column.evidence}, {"example", column.example}});
    datasets.push_back({{"path", dataset.path},
                        {"rows_profiled", dataset.rows_profiled},
                        {"all_rows_profiled", dataset.all_rows_profiled},
                        {"categories", dataset.categories},
                        {"special_categories", dataset.special_categories},
                        {"columns", columns},
                        {"declared",
                         {{"lawful_basis", dataset.lawful_basis},
                          {"purpose", dataset.purpose},
                          {"retention", dataset.retention},
                          {"special_category_condition", dataset.special_category_condition},
                          {"residency", dataset.residency},
                          {"pseudonymised", dataset.pseudonymised}}},
                        {"reaches", dataset.reaches}});
  }
  for (const auto& field : record.code_fields)
    fields.push_back({{"location", location_json(field.location)}, {"name", field.name}, {"category", field.category},
                      {"context", field.context}, {"special", field.special}});
  for (const auto& entry : record.record)
    entries.push_back({{"article", entry.article}, {"label", entry.label}, {"value", entry.value},
                       {"source", entry.source}, {"gap", entry.gap}});
  for (const auto& criterion : record.dpia_criteria)
    criteria.push_back({{"id", criterion.id}, {"label", criterion.label}, {"met", criterion.met}, {"why", criterion.why}});
  for (const auto& transfer : record.transfers)
    transfers.push_back({{"recipient", transfer.recipient}, {"region", transfer.region},
                         {"region_declared", transfer.region_declared}, {"outside_eea", transfer.outside_eea},
                         {"mechanism", transfer.mechanism}, {"processor_agreement", transfer.processor_agreement},
                         {"categories", transfer.categories}, {"sources", transfer.sources},
                         {"location", location_json(transfer.location)}});
  for (const auto& path : record.lineage) {
    json steps = json::array();
    for (const auto& step : path.steps)
      steps.push_back({{"element", step.element}, {"via", step.via}, {"location", location_json(step.location)}});
    lineage.push_back({{"source", path.source}, {"sink", path.sink}, {"sink_type", path.sink_type},
                       {"categories", path.categories}, {"steps", steps}});
  }
  return {{"holds_personal_data", record.holds_personal_data},
          {"datasets", datasets},
          {"code_fields", fields},
          {"record_of_processing", entries},
          {"record_gaps", record.gaps()},
          {"dpia_screening",
           {{"criteria", criteria},
            {"met", record.dpia_met},
            {"required", record.dpia_met >= 2},
            {"reference", record.dpia_reference}}},
          {"transfers", transfers},
          {"lineage", lineage}};
}

}  // namespace mlaudit
