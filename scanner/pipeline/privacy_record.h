#pragma once
// What a compliance officer files: the personal data the project holds (datasets × categories
// with masked evidence, personal fields in code), where it goes (lineage to models, endpoints
// and recipients; transfers and their regions), the record of processing of GDPR Art. 30
// filled from the project and its declarations with every gap marked, and the Art. 35 DPIA
// screening with each WP248 criterion and why. Computed once per scan; reports only read it.
#include <string>
#include <vector>

#include "facts/fact.h"
#include "graph/dfd.h"

namespace mlaudit {

struct PersonalColumn {
  std::string column, category, label, article;  // article: "art-9", "art-10", "art-8" or empty
  bool special = false;
  std::string identifier;                          // direct, indirect, none
  std::string confidence;                          // high, medium, low
  std::string evidence;                            // "column name", "412 of 500 values valid", ...
  std::string example;                             // masked; never a full value
};

struct PersonalDataset {
  std::string path;
  uint64_t rows_profiled = 0;
  bool all_rows_profiled = false;
  std::vector<PersonalColumn> columns;
  std::vector<std::string> categories, special_categories;
  std::string lawful_basis, purpose, retention, special_category_condition, residency;  // declared; empty = not declared
  bool pseudonymised = false, declared = false;
  std::vector<std::string> reaches;                // models, endpoints and recipients downstream
};

struct PersonalCodeField {
  Location location;
  std::string name, category, label, context;      // context: feature-list, request, log, model-input, ...
  bool special = false;
};

// One line of the Art. 30 record. `gap` marks what neither the project nor its
// declarations answer.
struct RecordEntry {
  std::string article, label, value, source;        // source: "declared", "found in the project", "—"
  bool gap = false;
};

struct DpiaCriterion {
  std::string id, label, why;
  bool met = false;
};

struct Transfer {
  std::string recipient, region, mechanism, processor_agreement;
  std::string outside_eea;                          // yes / no / unknown
  bool region_declared = false;
  std::vector<std::string> categories, sources;
  Location location;
};

struct LineageStep {
  std::string element, via;                         // element reached, and the flow that reached it
  Location location;
};

struct PersonalLineage {
  std::string source, sink, sink_type;
  std::vector<std::string> categories;
  std::vector<LineageStep> steps;
};

struct PrivacyRecord {
  bool holds_personal_data = false;
  std::vector<PersonalDataset> datasets;
  std::vector<PersonalCodeField> code_fields;
  std::vector<RecordEntry> record;                  // Art. 30(1)(a)-(g), lawful basis, DPIA
  std::vector<DpiaCriterion> dpia_criteria;
  int dpia_met = 0;
  std::string dpia_reference;                       // declared; empty = none
  std::vector<Transfer> transfers;
  std::vector<PersonalLineage> lineage;
  size_t gaps() const;
};

PrivacyRecord build_privacy_record(const std::vector<Fact>& facts, const DataFlowDiagram& diagram);

}  // namespace mlaudit
