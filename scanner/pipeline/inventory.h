#pragma once
// The audit's inventory of model and dataset files, computed once per scan (reports only
// read it): format, size, hash, who loads it, what it was trained on, whether its DVC
// record still matches, and a verdict a reader can act on.
#include <string>
#include <vector>

#include "facts/fact.h"
#include "graph/dfd.h"
#include "ruleset/finding.h"

namespace mlaudit {

enum class Verdict {
  dangerous,      // a high or critical finding on the file itself: do not load it
  review,         // lower findings: it needs a person's look before release
  not_verifiable, // the file was not there to check (a Git LFS pointer)
  allowlisted,    // pickle-based, but every global it imports is a known data rebuilder
  data_only,      // a format that cannot run code, and nothing wrong with it
};
std::string_view to_string(Verdict verdict);

struct InventoryItem {
  std::string path;
  bool model = false;
  std::string format, detail, sha256;
  uint64_t size = 0;
  bool pickle_based = false;
  Verdict verdict = Verdict::data_only;
  std::string verdict_reason;            // one sentence, plain language
  std::vector<std::string> loaded_by;    // processes that read it (scripts, notebooks, pipeline stages)
  std::vector<std::string> trained_on;   // datasets whose flows reach this model
  std::string integrity;                 // verified / mismatch / absent / unchecked
  size_t findings = 0;                   // unsuppressed findings located in the file
  std::vector<std::string> columns;      // datasets: column names; PMML: fields
};

std::vector<InventoryItem> build_inventory(const std::vector<Fact>& facts, const DataFlowDiagram& diagram,
                                           const std::vector<LineagePath>& lineage, const std::vector<Finding>& findings);

// Before graph rules run: each model or dataset store in the diagram learns which fact
// rules fired on its file and the worst severity among them (`file_findings`,
// `worst_file_severity`), so element and flow rules can join them with the code around.
void annotate_stores_with_findings(DataFlowDiagram& diagram, const std::vector<Finding>& fact_findings);

}  // namespace mlaudit
