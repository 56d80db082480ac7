#pragma once
// Applies rules to facts and to the data-flow diagram. Each match becomes a Finding
// with its message filled in; later stages add snippets, fingerprints and suppressions.
#include <vector>

#include "engine/advisories.h"
#include "engine/finding.h"
#include "engine/rule_loader.h"
#include "extract/extract_files.h"
#include "graph/dfd.h"

namespace mlaudit {

// Call and fact rules need only the facts, so they can run while the diagram is built.
std::vector<Finding> match_fact_rules(const RuleSet& rules, const Extraction& extraction,
                                      const AdvisoryCatalogs& advisories);
// Element, flow and path rules.
std::vector<Finding> match_graph_rules(const RuleSet& rules, const DataFlowDiagram& diagram,
                                       const AdvisoryCatalogs& advisories);
// Both.
std::vector<Finding> match_rules(const RuleSet& rules, const Extraction& extraction, const DataFlowDiagram& diagram,
                                 const AdvisoryCatalogs& advisories);

}  // namespace mlaudit
