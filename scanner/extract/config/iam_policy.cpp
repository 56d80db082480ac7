// IAM policy statements in CloudFormation / SAM templates and policy documents (YAML or
// JSON): every mapping with an `Effect` and an `Action` or `NotAction` is one statement,
// wherever it sits (a role's Policies, a ManagedPolicy, a bucket policy, a standalone
// policy.json).
#include "extract/config/iam_policy.h"

#include "extract/config/yaml_support.h"
#include "facts/iam_statement.h"

namespace mlaudit {
namespace {

constexpr int kMaxStatementDepth = 64;

// A scalar or a list of scalars; an intrinsic function (`!Sub`, `Fn::Join`) is not a
// literal value and is kept as "{expression}" so that it never reads as "*".
nlohmann::ordered_json statement_values(const YAML::Node& node) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  auto add = [&](const YAML::Node& item) {
    if (item.IsScalar() && item.Tag() != "!Sub" && item.Tag() != "!Join") values.push_back(item.Scalar());
    else values.push_back("{expression}");
  };
  if (!node) return values;
  if (node.IsSequence()) {
    for (const auto& item : node) add(item);
  } else {
    add(node);
  }
  return values;
}

void emit_statement(const YAML::Node& statement, const std::string& file, const std::string& source, FactSink& sink) {
  const bool not_action = !statement["Action"] && statement["NotAction"];
  const YAML::Node actions = not_action ? statement["NotAction"] : statement["Action"];
  const YAML::Node resources = statement["Resource"] ? statement["Resource"] : statement["NotResource"];
  // At the `Action` key: a block list's first item is on the next line.
  YAML::Node action_key;
  for (const auto& entry : statement)
    if (entry.first.IsScalar() && entry.first.Scalar() == (not_action ? "NotAction" : "Action")) action_key.reset(entry.first);
  sink.add(FactType::iam_statement, location_of(action_key ? action_key : actions, file),
           iam_statement_props({.effect = scalar_or(statement["Effect"], ""),
                                .actions = statement_values(actions),
                                .not_action = not_action,
                                .resources = statement_values(resources),
                                .not_resource = !statement["Resource"] && static_cast<bool>(statement["NotResource"]),
                                .conditioned = static_cast<bool>(statement["Condition"]),
                                .condition_name = "Condition",
                                .source = source}));
}

void find_statements(const YAML::Node& node, const std::string& file, const std::string& source, FactSink& sink, size_t& budget,
          int depth) {
  if (budget == 0 || depth > kMaxStatementDepth) return;
  --budget;
  if (node.IsMap()) {
    if (node["Effect"] && node["Effect"].IsScalar() && (node["Action"] || node["NotAction"])) {
      emit_statement(node, file, source, sink);
      return;
    }
    for (const auto& entry : node) find_statements(entry.second, file, source, sink, budget, depth + 1);
  } else if (node.IsSequence()) {
    for (const auto& item : node) find_statements(item, file, source, sink, budget, depth + 1);
  }
}

}  // namespace

void extract_iam_statements(const YAML::Node& document, const std::string& file, FactSink& sink) {
  size_t budget = 200000;
  const bool template_document = document.IsMap() && (document["AWSTemplateFormatVersion"] || document["Resources"]);
  find_statements(document, file, template_document ? "CloudFormation template" : "policy document", sink, budget, 0);
}

}  // namespace mlaudit
