#pragma once
// The data-flow diagram as JSON: zones, elements, flows and dataset lineage paths.
#include <nlohmann/json.hpp>

#include "graph/dfd.h"

namespace mlaudit {

nlohmann::ordered_json location_json(const Location& location);
nlohmann::ordered_json graph_json(const DataFlowDiagram& diagram);

}  // namespace mlaudit
