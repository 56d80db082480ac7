#include "reports/json/graph_json.h"

namespace mlaudit {

nlohmann::ordered_json location_json(const Location& location) {
  nlohmann::ordered_json json = {{"file", location.file}};
  if (location.has_region()) {
    json["line"] = location.line;
    json["column"] = location.column;
    json["end_line"] = location.end_line;
    json["end_column"] = location.end_column;
  }
  if (location.byte_offset >= 0) json["byte_offset"] = location.byte_offset;
  return json;
}

nlohmann::ordered_json graph_json(const DataFlowDiagram& diagram, const std::vector<LineagePath>& lineage_paths) {
  const auto& graph = diagram.graph();
  nlohmann::ordered_json zones = nlohmann::ordered_json::array(), elements = nlohmann::ordered_json::array(), flows = nlohmann::ordered_json::array();
  for (const auto& zone : diagram.zones())
    zones.push_back({{"id", zone.id}, {"name", zone.name}, {"description", zone.description}});
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    const Element& element = graph[*it];
    elements.push_back({{"id", element.id},
                        {"kind", std::string(to_string(element.kind))},
                        {"type", element.type},
                        {"name", element.name},
                        {"zone", element.zone},
                        {"location", location_json(element.location)},
                        {"props", element.props}});
  }
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    const Flow& flow = graph[*it];
    nlohmann::ordered_json also = nlohmann::ordered_json::array();
    for (const auto& location : flow.also_at) also.push_back(location_json(location));
    flows.push_back({{"from", graph[boost::source(*it, graph)].id},
                     {"to", graph[boost::target(*it, graph)].id},
                     {"label", flow.label},
                     {"location", location_json(flow.location)},
                     {"also_at", also},
                     {"props", flow.props}});
  }
  nlohmann::ordered_json lineage = nlohmann::ordered_json::array();
  for (const auto& path : lineage_paths) {
    nlohmann::ordered_json steps = nlohmann::ordered_json::array({graph[path.source].id});
    for (auto edge : path.flows) steps.push_back(graph[boost::target(edge, graph)].id);
    lineage.push_back({{"from", graph[path.source].id}, {"to", graph[path.sink].id}, {"path", steps}});
  }
  return {{"zones", zones}, {"elements", elements}, {"flows", flows}, {"lineage", lineage}};
}

}  // namespace mlaudit
