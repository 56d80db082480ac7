#include "extract/python/iam_statements.h"

#include <string_view>

#include "facts/iam_statement.h"

namespace mlaudit::python {
namespace {

// A list literal's known strings; anything not a constant string is "{expression}", so a
// computed ARN never reads as "*".
nlohmann::ordered_json cdk_values(Evaluator& evaluator, TSNode node) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  if (ts_node_is_null(node)) return values;
  auto add = [&](const Value& value) {
    if (value.kind == Value::Kind::string_list) {
      for (const auto& item : value.items) values.push_back(item);
    } else {
      values.push_back(value.is_string() && !value.partial ? value.text : std::string("{expression}"));
    }
  };
  std::string_view type = ts_node_type(node);
  if (type == "list" || type == "tuple") {  // item by item: one computed ARN leaves the others known
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) add(evaluator.eval(ts_node_named_child(node, i)));
  } else {
    add(evaluator.eval(node));
  }
  return values;
}

}  // namespace

void emit_cdk_policy_statement(Evaluator& evaluator, FactSink& sink, TSNode call, const Callee& callee,
                               const Arguments& arguments) {
  if (callee.name != "aws_cdk.aws_iam.PolicyStatement" && callee.name != "aws_cdk.aws_iam.PolicyStatementProps") return;
  TSNode actions = argument(arguments, -1, {"actions"});
  TSNode not_actions = argument(arguments, -1, {"not_actions"});
  TSNode resources = argument(arguments, -1, {"resources"});
  TSNode not_resources = argument(arguments, -1, {"not_resources"});
  TSNode effect = argument(arguments, -1, {"effect"});
  // The default effect is ALLOW; iam.Effect.DENY names the other.
  std::string effect_text = "Allow";
  if (!ts_node_is_null(effect)) {
    Value value = evaluator.eval(effect);
    if (value.text.ends_with("DENY") || value.text.ends_with("Deny")) effect_text = "Deny";
    else if (!value.text.ends_with("ALLOW") && !value.text.ends_with("Allow")) effect_text = "{expression}";
  }
  const bool not_action = ts_node_is_null(actions) && !ts_node_is_null(not_actions);
  TSNode located = not_action ? not_actions : actions;
  sink.add(FactType::iam_statement, evaluator.location_of(ts_node_is_null(located) ? call : located),
           iam_statement_props({.effect = effect_text,
                                .actions = cdk_values(evaluator, located),
                                .not_action = not_action,
                                .resources = cdk_values(evaluator, ts_node_is_null(resources) ? not_resources : resources),
                                .not_resource = ts_node_is_null(resources) && !ts_node_is_null(not_resources),
                                .conditioned = !ts_node_is_null(argument(arguments, -1, {"conditions"})),
                                .condition_name = "conditions",
                                .source = "AWS CDK"}));
}

}  // namespace mlaudit::python
