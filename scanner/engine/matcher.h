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

std::vector<Finding> match_rules(const RuleSet& rules, const Extraction& extraction, const DataFlowDiagram& diagram,
                                 const AdvisoryCatalogs& advisories);

}  // namespace mlaudit
