#include "extract/python/column_facts.h"

#include <re2/re2.h>

#include <algorithm>

namespace mlaudit::python {
namespace {

constexpr size_t kMaxNames = 40;

// Receivers that plausibly hold tabular data: results of dataframe libraries, or names
// data scientists give frames and rows.
bool holds_table(const Value& base, std::string_view receiver) {
  if (base.kind == Value::Kind::object &&
      (base.text.starts_with("pandas.") || base.text.starts_with("polars.") || base.text.starts_with("pyspark.") ||
       base.text.starts_with("datasets.") || base.text.find("DataFrame") != std::string::npos ||
       base.text.find("read_") != std::string::npos))
    return true;
  static const RE2 names(
      R"((?i)(^|[._])(df|dfs|frame|frames|data|dataset|table|train|test|valid|x|x_train|x_test|features|row|rows|record|records|sample|samples|batch|customer|customers|user|users|patient|patients|person|people|applicant|applicants|employee|employees|client|clients|member|members|subject|subjects)(_?\d*|_df|_data)$)");
  return RE2::PartialMatch(receiver, names);
}

bool is_feature_list_name(std::string_view name) {
  static const RE2 pattern(R"((?i)(feature|column|^cols$|_cols$|cols_|fields|predictors|attributes|variables|inputs))");
  return RE2::PartialMatch(name, pattern);
}

}  // namespace

void ColumnFacts::emit(TSNode node, const std::vector<std::string>& columns, std::string_view action,
                       std::string_view receiver, const std::string& function) {
  sink_.add(FactType::column_ref, evaluator_.location_of(node),
            {{"columns", columns},
             {"action", action},
             {"receiver", receiver},
             {"function", function}});
}

void ColumnFacts::on_call(TSNode call, const Callee& callee, const Arguments& arguments, const std::string& function) {
  if (callee.method == "drop") {
    // drop(columns=[...]), or drop(labels, axis=1 / axis="columns"); one name or a list.
    Value columns = evaluator_.eval(argument(arguments, -1, {"columns"}));
    if (columns.kind == Value::Kind::unknown) {
      Value axis = evaluator_.eval(argument(arguments, 1, {"axis"}));
      if (axis.text == "1" || axis.text == "columns") columns = evaluator_.eval(argument(arguments, 0, {"labels"}));
    }
    if (columns.kind == Value::Kind::string_list) emit(call, columns.items, "drop", callee.name, function);
    else if (columns.is_string() && !columns.partial) emit(call, {columns.text}, "drop", callee.name, function);
  }
  if (Value usecols = evaluator_.eval(argument(arguments, -1, {"usecols"})); usecols.kind == Value::Kind::string_list)
    emit(call, usecols.items, "read", callee.name, function);
}

void ColumnFacts::on_subscript(TSNode node, const Value& key, const Value& base, const std::string& receiver,
                               const std::string& function) {
  if (key.kind == Value::Kind::string_list) emit(node, key.items, "select", receiver, function);
  else if (key.is_string() && !key.partial && holds_table(base, receiver)) emit(node, {key.text}, "select", receiver, function);
}

void ColumnFacts::on_assignment(TSNode target, const std::string& name, const Value& value) {
  if (value.kind == Value::Kind::string_list && !value.items.empty() && is_feature_list_name(name))
    sink_.add(FactType::feature_list, evaluator_.location_of(target), {{"name", name}, {"columns", value.items}});
}

void ColumnFacts::collect_names(TSNode node, std::vector<std::string>& names, int depth) const {
  const Grammar& g = evaluator_.grammar();
  if (ts_node_is_null(node) || depth > 24 || names.size() >= kMaxNames) return;
  TSSymbol symbol = ts_node_symbol(node);
  auto add = [&](std::string name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end() && names.size() < kMaxNames)
      names.push_back(std::move(name));
  };
  if (symbol == g.identifier) return add(std::string(evaluator_.text(node)));
  if (symbol == g.attribute) {
    add(compact(evaluator_.text(node), 80));
    add(std::string(evaluator_.text(field(node, g.f_attribute))));
    return;
  }
  if (symbol == g.subscript) {
    TSNode key = field(node, g.f_subscript);
    if (!ts_node_is_null(key) && ts_node_symbol(key) == g.string) {
      auto text = evaluator_.text(key);
      if (text.size() >= 2) add(std::string(text.substr(1, text.size() - 2)));
    }
    collect_names(field(node, g.f_value), names, depth + 1);
    return;
  }
  if (symbol == g.keyword_argument) add(std::string(evaluator_.text(field(node, g.f_name))));
  if (symbol == g.pair) {
    TSNode key = field(node, g.f_key);
    if (ts_node_symbol(key) == g.string) {
      auto text = evaluator_.text(key);
      if (text.size() >= 2) add(std::string(text.substr(1, text.size() - 2)));
    }
    collect_names(field(node, g.f_value), names, depth + 1);
    return;
  }
  // A test of a value logs its outcome, not the value: `token is None`, `not api_key`, and the
  // condition of `"set" if api_key else "unset"`.
  if (symbol == g.comparison_operator || symbol == g.not_operator) return;
  if (symbol == g.conditional_expression && ts_node_named_child_count(node) == 3) {
    collect_names(ts_node_named_child(node, 0), names, depth + 1);
    collect_names(ts_node_named_child(node, 2), names, depth + 1);
    return;
  }
  if (symbol == g.string) {  // only the interpolated parts of f-strings carry data
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_named_child(node, i);
      if (ts_node_symbol(child) == g.interpolation) collect_names(field(child, g.f_expression), names, depth + 1);
    }
    return;
  }
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) collect_names(ts_node_named_child(node, i), names, depth + 1);
}

void ColumnFacts::emit_log(TSNode node, const Callee& callee, const Arguments& arguments, const std::string& level,
                           const std::string& function) {
  std::vector<std::string> names;
  for (TSNode argument_node : arguments.positional) collect_names(argument_node, names, 0);
  for (const auto& [name, value] : arguments.keywords)
    if (name == "extra") collect_names(value, names, 0);
  sink_.add(FactType::log_call, evaluator_.location_of(node),
            {{"callee", callee.name},
             {"level", level},
             {"sink", level == "print" ? "stdout" : "logging"},
             {"names", names},
             {"function", function}});
}

}  // namespace mlaudit::python
