// ONNX models, parsed with the ONNX project's own protobuf classes (libonnx-dev). An ONNX
// file cannot carry code, but two of its features reach outside it: operators from custom
// domains need a native library registered by the loader, and tensors stored as external
// data name a file that the loader opens (a path that escapes the model's folder reads
// arbitrary files: CVE-2022-25882).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <map>
#include <set>

#include "extract/model/artifact_analyzer.h"

namespace mlaudit::model {

namespace {

bool standard_domain(const std::string& domain) {
  static const std::set<std::string> domains = {"",
                                                "ai.onnx",
                                                "ai.onnx.ml",
                                                "ai.onnx.training",
                                                "ai.onnx.preview.training",
                                                "com.microsoft",
                                                "com.microsoft.nchwc",
                                                "com.microsoft.experimental",
                                                "com.microsoft.dml"};
  return domains.contains(domain);
}

struct OnnxWalk {
  std::set<std::pair<std::string, std::string>> local_functions;  // (domain, name) defined in the file
  std::map<std::pair<std::string, std::string>, size_t> custom_operators;
  std::vector<std::pair<std::string, std::string>> external_tensors;  // (tensor, location)
  size_t nodes = 0;

  void tensor(const onnx::TensorProto& tensor) {
    if (tensor.data_location() != onnx::TensorProto_DataLocation_EXTERNAL) return;
    std::string location;
    for (const auto& entry : tensor.external_data())
      if (entry.key() == "location") location = entry.value();
    external_tensors.emplace_back(tensor.name(), location);
  }

  void graph(const onnx::GraphProto& graph, int depth) {
    if (depth > 32) return;
    for (const auto& initializer : graph.initializer()) tensor(initializer);
    for (const auto& sparse : graph.sparse_initializer()) {
      tensor(sparse.values());
      tensor(sparse.indices());
    }
    for (const auto& node : graph.node()) this->node(node, depth);
  }

  void node(const onnx::NodeProto& node, int depth) {
    ++nodes;
    if (!standard_domain(node.domain()) && !local_functions.contains({node.domain(), node.op_type()}))
      ++custom_operators[{node.domain(), node.op_type()}];
    for (const auto& attribute : node.attribute()) {
      if (attribute.has_t()) tensor(attribute.t());
      for (const auto& t : attribute.tensors()) tensor(t);
      if (attribute.has_g()) graph(attribute.g(), depth + 1);  // If/Loop/Scan bodies
      for (const auto& g : attribute.graphs()) graph(g, depth + 1);
    }
  }
};

// Counts NodeProto messages in the serialized model without building it (ModelProto.graph = 7,
// ModelProto.functions = 25, GraphProto.node = 1, FunctionProto.node = 7, NodeProto.attribute
// = 5, AttributeProto.g = 6 / graphs = 11): a parsed node costs about 100 bytes of memory
// against 2 in the file, so the count decides whether parsing fits the budget.
enum class Message { model, graph, function, node, attribute };
bool count_nodes(std::string_view bytes, Message message, int depth, uint64_t& nodes, uint64_t limit) {
  using google::protobuf::internal::WireFormatLite;
  if (depth > 32) return true;
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  input.SetTotalBytesLimit(INT_MAX);
  while (uint32_t tag = input.ReadTag()) {
    int field = static_cast<int>(WireFormatLite::GetTagFieldNumber(tag));
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      if (!WireFormatLite::SkipField(&input, tag)) return false;
      continue;
    }
    uint32_t length;
    if (!input.ReadVarint32(&length) || length > bytes.size()) return false;
    int offset = input.CurrentPosition();
    if (static_cast<size_t>(offset) + length > bytes.size()) return false;
    std::string_view inner = bytes.substr(static_cast<size_t>(offset), length);
    std::optional<Message> child;
    if (message == Message::model && field == 7) child = Message::graph;
    else if (message == Message::model && field == 25) child = Message::function;
    else if ((message == Message::graph && field == 1) || (message == Message::function && field == 7)) child = Message::node;
    else if (message == Message::node && field == 5) child = Message::attribute;
    else if (message == Message::attribute && (field == 6 || field == 11)) child = Message::graph;
    if (child == Message::node && ++nodes > limit) return true;
    if (child && !count_nodes(inner, *child, depth + 1, nodes, limit)) return false;
    if (nodes > limit) return true;
    if (!input.Skip(static_cast<int>(length))) return false;
  }
  return true;
}

}  // namespace

void ArtifactAnalyzer::analyze_onnx(std::string_view bytes, const std::string& member) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return issue("onnx-malformed", "the file is over 2 GiB, beyond what one protobuf message can hold", member);
  constexpr uint64_t kMaxNodes = 2'000'000;
  uint64_t nodes = 0;
  count_nodes(bytes, Message::model, 0, nodes, kMaxNodes);
  if (nodes > kMaxNodes)
    return issue("archive-limit",
                 "the graph holds more than " + std::to_string(kMaxNodes) +
                     " nodes (about 100 bytes of memory each once parsed): it was not parsed",
                 member);
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return issue("onnx-malformed", "the file is not a valid ONNX protobuf", member);
  OnnxWalk walk;
  for (const auto& function : model.functions()) walk.local_functions.insert({function.domain(), function.name()});
  walk.graph(model.graph(), 0);
  for (const auto& function : model.functions())
    for (const auto& node : function.node()) walk.node(node, 1);

  for (const auto& [operation, count] : walk.custom_operators) {
    nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
    props["domain"] = operation.first;
    props["op_type"] = operation.second;
    props["operator"] = operation.first + "::" + operation.second;
    props["count"] = count;
    props["member"] = member;
    props["where"] = member.empty() ? std::string("the graph") : member;
    sink_.add(FactType::onnx_operator, location(member, -1), std::move(props));
  }
  for (const auto& [tensor, target] : walk.external_tensors) {
    bool escapes = target.empty() || archive_member_escapes(target);
    nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
    props["tensor"] = tensor;
    props["location"] = target;
    props["escapes"] = escapes;
    props["member"] = member;
    sink_.add(FactType::onnx_external_data, location(member, -1), std::move(props));
  }
  int64_t opset = -1;
  for (const auto& entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx") opset = entry.version();
  summary_.detail = "opset " + std::to_string(opset) + ", " + std::to_string(walk.nodes) + " nodes" +
                    (model.producer_name().empty() ? std::string() : ", produced by " + model.producer_name());
}

}  // namespace mlaudit::model
