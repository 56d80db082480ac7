#pragma once
// The data-flow diagram as JSON: zones, elements, flows and dataset lineage paths.
#include <nlohmann/json.hpp>

#include "graph/dfd.h"

namespace mlaudit {

nlohmann::json location_json(const Location& location);
nlohmann::json graph_json(const DataFlowDiagram& diagram);

}  // namespace mlaudit
