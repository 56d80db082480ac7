#include "graph/dfd.h"

#include <algorithm>
#include <deque>
#include <tuple>

namespace mlaudit {

std::string_view to_string(ElementKind kind) {
  switch (kind) {
    case ElementKind::external_entity: return "external_entity";
    case ElementKind::process: return "process";
    case ElementKind::data_store: return "data_store";
  }
  return "process";
}

DataFlowDiagram::DataFlowDiagram()
    : zones_{{"internet", "Internet", "Clients and anyone else on the public network"},
             {"serving", "Model serving", "Web services and containers that answer requests"},
             {"pipeline", "Training and pipelines", "Scripts, notebooks and pipeline stages that prepare data and train models"},
             {"storage", "Project storage", "Files on disk: datasets, model artifacts, logs, configuration"},
             {"cloud", "Cloud services", "Buckets, databases, tracking servers and model registries"},
             {"ci", "CI/CD", "Build and release automation"},
             {"third_party", "Third-party services", "External APIs, model hubs and download hosts"}} {}

const TrustZone* DataFlowDiagram::zone(std::string_view id) const {
  for (const auto& zone : zones_)
    if (zone.id == id) return &zone;
  return nullptr;
}

DataFlowDiagram::Vertex DataFlowDiagram::element(const Element& prototype) {
  if (auto found = index_.find(prototype.id); found != index_.end()) return found->second;
  Vertex vertex = boost::add_vertex(prototype, graph_);
  index_.emplace(prototype.id, vertex);
  return vertex;
}

std::optional<DataFlowDiagram::Vertex> DataFlowDiagram::find(std::string_view id) const {
  if (auto found = index_.find(std::string(id)); found != index_.end()) return found->second;
  return std::nullopt;
}

DataFlowDiagram::Edge DataFlowDiagram::flow(Vertex from, Vertex to, Flow flow) {
  for (auto [it, end] = boost::out_edges(from, graph_); it != end; ++it) {
    if (boost::target(*it, graph_) != to || graph_[*it].label != flow.label) continue;
    Flow& existing = graph_[*it];
    if (flow.location != existing.location && existing.also_at.size() < 20) existing.also_at.push_back(flow.location);
    // Two unpinned hub loads by one script are one flow, and both names stay on it.
    if (flow.props.value("revision_pinned", nlohmann::ordered_json()) == false && flow.props.contains("target") &&
        flow.props["target"] != existing.props.value("target", nlohmann::ordered_json())) {
      auto& more = existing.props["also_unpinned"];
      if (!more.is_array()) more = nlohmann::ordered_json::array();
      if (more.size() < 20 && std::find(more.begin(), more.end(), flow.props["target"]) == more.end())
        more.push_back(flow.props["target"]);
    }
    for (const auto& [key, value] : flow.props.items())
      if (!existing.props.contains(key) || existing.props[key].is_null()) existing.props[key] = value;
    return *it;
  }
  return boost::add_edge(from, to, std::move(flow), graph_).first;
}

std::unordered_map<DataFlowDiagram::Vertex, DataFlowDiagram::Edge> DataFlowDiagram::reachable_from(Vertex from,
                                                                                                   size_t max_length) const {
  std::unordered_map<Vertex, Edge> predecessor;
  std::unordered_map<Vertex, size_t> distance{{from, 0}};
  std::deque<Vertex> queue{from};
  while (!queue.empty()) {
    Vertex current = queue.front();
    queue.pop_front();
    if (distance[current] >= max_length) continue;
    // Data that reaches an outside party has left the system: what that party sends on
    // (a client calling another endpoint) is not the same data's path.
    if (current != from && graph_[current].kind == ElementKind::external_entity) continue;
    for (auto [it, end] = boost::out_edges(current, graph_); it != end; ++it) {
      Vertex next = boost::target(*it, graph_);
      if (distance.contains(next)) continue;
      distance[next] = distance[current] + 1;
      predecessor[next] = *it;
      queue.push_back(next);
    }
  }
  return predecessor;
}

std::vector<DataFlowDiagram::Edge> DataFlowDiagram::shortest_path(Vertex from, Vertex to, size_t max_length) const {
  auto predecessor = reachable_from(from, max_length);
  std::vector<Edge> path;
  if (!predecessor.contains(to)) return path;
  for (Vertex current = to; current != from;) {
    Edge edge = predecessor.at(current);
    path.push_back(edge);
    current = boost::source(edge, graph_);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<LineagePath> dataset_lineage(const DataFlowDiagram& diagram) {
  const auto& graph = diagram.graph();
  std::vector<LineagePath> paths;
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    if (graph[*it].type != "dataset") continue;
    auto predecessor = diagram.reachable_from(*it, 12);
    for (const auto& [vertex, edge] : predecessor) {
      const Element& sink = graph[vertex];
      // Where data ends up: models, endpoints, and outside parties other than the callers
      // of those endpoints (reaching an endpoint already means reaching its clients).
      bool outside = sink.kind == ElementKind::external_entity && sink.type != "client";
      if (sink.type != "model" && sink.type != "endpoint" && !outside) continue;
      LineagePath path{*it, vertex, {}};
      for (auto current = vertex; current != *it;) {
        auto step = predecessor.at(current);
        path.flows.push_back(step);
        current = boost::source(step, graph);
      }
      std::reverse(path.flows.begin(), path.flows.end());
      paths.push_back(std::move(path));
    }
  }
  std::sort(paths.begin(), paths.end(), [&](const auto& a, const auto& b) {
    return std::tie(graph[a.source].id, graph[a.sink].id) < std::tie(graph[b.source].id, graph[b.sink].id);
  });
  return paths;
}

}  // namespace mlaudit
