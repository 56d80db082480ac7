// TensorFlow SavedModels (saved_model.pb) and Keras SavedModel metadata
// (keras_metadata.pb), parsed with libprotobuf from a subset of TensorFlow's own .proto
// files. A graph can call back into Python (PyFunc, PyFuncStateless, EagerPyFunc, which
// tf.py_function / tf.numpy_function create) and read or write files (ReadFile, WriteFile,
// MatchingFiles); Keras metadata carries each layer's configuration, Lambda layers included.
#include <climits>
#include <set>

#include "extract/model/artifact_analyzer.h"
#include "tensorflow_subset.pb.h"

namespace mlaudit::model {
namespace {

std::string_view unsafe_op_kind(const std::string& op) {
  static const std::set<std::string> python = {"PyFunc", "PyFuncStateless", "EagerPyFunc"};
  static const std::set<std::string> files = {"ReadFile", "WriteFile", "MatchingFiles"};
  if (python.contains(op)) return "tf-python-op";
  if (files.contains(op)) return "tf-file-op";
  return {};
}

}  // namespace

void ArtifactAnalyzer::analyze_saved_model(std::string_view bytes, const std::string& member, std::string_view name) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return issue("tensorflow-malformed", "the file is over 2 GiB, beyond what one protobuf message can hold", member);
  if (name.ends_with("keras_metadata.pb")) {
    tf::SavedMetadata metadata;
    if (!metadata.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      return issue("tensorflow-malformed", "the Keras metadata is not a valid SavedMetadata protobuf", member);
    for (const auto& node : metadata.nodes())
      if (!node.metadata().empty()) analyze_keras_config(node.metadata(), member.empty() ? node.node_path() : member);
    summary_.detail = std::to_string(metadata.nodes_size()) + " Keras objects";
    return;
  }
  tf::SavedModel model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return issue("tensorflow-malformed", "the file is not a valid SavedModel protobuf", member);
  size_t nodes = 0;
  auto check = [&](const tf::NodeDef& node, const std::string& where) {
    ++nodes;
    std::string_view kind = unsafe_op_kind(node.op());
    if (kind.empty()) return;
    std::string token;
    if (auto found = node.attr().find("token"); found != node.attr().end()) token = found->second.s();
    std::string what = kind == "tf-python-op"
                           ? "calls back into Python" + (token.empty() ? std::string() : " (function registered as `" + token + "`)") +
                                 ": the graph runs whatever Python function the loading process has under that name"
                           : "reads or writes files named by the graph when it runs";
    issue_with(kind, "node `" + node.name() + "` " + where + "is a " + node.op() + " op, which " + what, member, -1,
               {{"op", node.op()}, {"node", node.name()}});
  };
  for (const auto& meta_graph : model.meta_graphs()) {
    for (const auto& node : meta_graph.graph_def().node()) check(node, "");
    for (const auto& function : meta_graph.graph_def().library().function())
      for (const auto& node : function.node_def()) check(node, "in function `" + function.signature().name() + "` ");
  }
  summary_.detail = std::to_string(model.meta_graphs_size()) + " meta graphs, " + std::to_string(nodes) + " nodes";
}

}  // namespace mlaudit::model
