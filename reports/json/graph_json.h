#pragma once
// The data-flow diagram as JSON: zones, elements, flows and dataset lineage paths.
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/dfd.h"

namespace mlaudit {

nlohmann::ordered_json location_json(const Location& location);
// `lineage`: the dataset lineage paths the pipeline traced (dataset_lineage).
nlohmann::ordered_json graph_json(const DataFlowDiagram& diagram, const std::vector<LineagePath>& lineage);

}  // namespace mlaudit
