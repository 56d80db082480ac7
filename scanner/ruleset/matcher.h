#pragma once
// Applies rules to facts and to the data-flow diagram. Each match becomes a Finding
// with its message filled in; later stages add snippets, fingerprints and suppressions.
#include <span>
#include <vector>

#include "facts/fact.h"
#include "graph/dfd.h"
#include "ruleset/finding.h"
#include "ruleset/rule_loader.h"

namespace mlaudit {

// Call and fact rules need only the facts, so they can run while the diagram is built.
std::vector<Finding> match_fact_rules(const RuleSet& rules, std::span<const Fact> facts);
// Element, flow and path rules.
std::vector<Finding> match_graph_rules(const RuleSet& rules, const DataFlowDiagram& diagram);

}  // namespace mlaudit
