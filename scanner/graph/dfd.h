#pragma once
// The data-flow diagram (DFD) of a project: external entities, processes and data
// stores joined by flows, each in a trust zone. Built from facts by dfd_builder.
#include <boost/graph/adjacency_list.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "facts/location.h"

namespace mlaudit {

enum class ElementKind { external_entity, process, data_store };
std::string_view to_string(ElementKind kind);

struct Element {
  std::string id;        // stable across runs: "process:src/train.py", "store:file:models/model.pkl"
  ElementKind kind = ElementKind::process;
  std::string type;      // script, notebook, endpoint, container, pipeline_stage, ci_workflow, dataset,
                         // model, bucket, database, tracking_server, registry, log, file, client,
                         // remote_host, third_party_api, model_hub
  std::string name;
  std::string zone;      // trust zone id
  Location location;     // where it is defined or first used
  nlohmann::ordered_json props = nlohmann::ordered_json::object();
};

struct Flow {
  std::string label;     // what moves: "pickle.load", "HTTP request", "runs"
  Location location;     // the code or config that makes it happen
  std::vector<Location> also_at;  // further places making the same flow
  nlohmann::ordered_json props = nlohmann::ordered_json::object();
};

struct TrustZone {
  std::string id, name, description;
};

class DataFlowDiagram {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Element, Flow>;
  using Vertex = Graph::vertex_descriptor;
  using Edge = Graph::edge_descriptor;

  DataFlowDiagram();

  // The element with `prototype.id`, added from the prototype when absent.
  Vertex element(const Element& prototype);
  std::optional<Vertex> find(std::string_view id) const;
  // Adds a flow; a second flow with the same endpoints and label is merged into the first.
  Edge flow(Vertex from, Vertex to, Flow flow);

  Graph& graph() { return graph_; }
  const Graph& graph() const { return graph_; }
  const std::vector<TrustZone>& zones() const { return zones_; }
  const TrustZone* zone(std::string_view id) const;
  size_t element_count() const { return boost::num_vertices(graph_); }
  size_t flow_count() const { return boost::num_edges(graph_); }

  // Shortest chain of flows from `from` to `to` (empty when unreachable or longer than
  // `max_length` flows). `skip_label` flows (e.g. "in-process") still count as steps.
  std::vector<Edge> shortest_path(Vertex from, Vertex to, size_t max_length) const;
  // Every vertex reachable from `from`, with the predecessor edge used to reach it; paths
  // end at outside parties (they are reached, never passed through).
  std::unordered_map<Vertex, Edge> reachable_from(Vertex from, size_t max_length) const;

 private:
  Graph graph_;
  std::unordered_map<std::string, Vertex> index_;
  std::vector<TrustZone> zones_;
};

// A chain of flows from personal or training data to where it ends up.
struct LineagePath {
  DataFlowDiagram::Vertex source;
  DataFlowDiagram::Vertex sink;
  std::vector<DataFlowDiagram::Edge> flows;
};

// For every dataset store: the model stores and endpoints it reaches, by shortest path.
std::vector<LineagePath> dataset_lineage(const DataFlowDiagram& diagram);

}  // namespace mlaudit
