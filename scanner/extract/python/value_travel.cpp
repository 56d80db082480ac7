#include "extract/python/value_travel.h"

#include <unordered_map>

namespace mlaudit::python {
namespace {

constexpr int kMaxStatementNesting = 8;    // if/try/with blocks looked into for module assignments
constexpr uint32_t kMaxParameters = 256;   // parameters read per function

std::string line_of(const Evaluator& evaluator, TSNode node) {
  return std::to_string(evaluator.location_of(node).line);
}

// The assignment a statement holds, or a null node.
TSNode assignment_of(const Grammar& g, TSNode statement) {
  if (ts_node_symbol(statement) != g.expression_statement || ts_node_named_child_count(statement) == 0) return {};
  TSNode inner = ts_node_named_child(statement, 0);
  return ts_node_symbol(inner) == g.assignment || ts_node_symbol(inner) == g.augmented_assignment ? inner : TSNode{};
}

// Counts assignments to each module-level name, looking into compound statements (if, try,
// for, with) but not into function or class bodies, whose names are their own.
void count_module_assignments(const Evaluator& evaluator, TSNode node, int depth,
                              std::unordered_map<std::string, int>& counts) {
  const Grammar& g = evaluator.grammar();
  if (depth > kMaxStatementNesting) return;
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    TSSymbol symbol = ts_node_symbol(child);
    if (symbol == g.function_definition || symbol == g.class_definition || symbol == g.decorated_definition) continue;
    TSNode assignment = assignment_of(g, child);
    if (!ts_node_is_null(assignment)) {
      TSNode left = field(assignment, g.f_left);
      if (ts_node_symbol(left) == g.identifier) counts[std::string(evaluator.text(left))] += 1;
      continue;
    }
    if (symbol != g.expression_statement) count_module_assignments(evaluator, child, depth + 1, counts);
  }
}

}  // namespace

std::vector<std::pair<std::string, Value>> module_constants(Evaluator& evaluator, TSNode module) {
  const Grammar& g = evaluator.grammar();
  std::unordered_map<std::string, int> counts;
  count_module_assignments(evaluator, module, 0, counts);
  std::vector<std::pair<std::string, Value>> constants;
  uint32_t count = ts_node_named_child_count(module);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode assignment = assignment_of(g, ts_node_named_child(module, i));
    if (ts_node_is_null(assignment) || ts_node_symbol(assignment) != g.assignment) continue;
    TSNode left = field(assignment, g.f_left), right = field(assignment, g.f_right);
    if (ts_node_symbol(left) != g.identifier || ts_node_is_null(right)) continue;
    std::string name(evaluator.text(left));
    if (counts[name] != 1) continue;
    Value value = evaluator.eval(right);
    if (!value.is_constant() && value.kind != Value::Kind::dict) continue;
    if (value.origin.empty()) value.origin = "module constant `" + name + "` (line " + line_of(evaluator, left) + ")";
    evaluator.bind(name, value);  // later constants may be built on this one
    constants.emplace_back(std::move(name), std::move(value));
  }
  return constants;
}

void hoist_module_constants(Evaluator& evaluator, TSNode module) { module_constants(evaluator, module); }

std::vector<std::pair<std::string, Value>> parameter_values(Evaluator& evaluator, TSNode parameters,
                                                            const std::string& function) {
  const Grammar& g = evaluator.grammar();
  std::vector<std::pair<std::string, Value>> values;
  uint32_t count = ts_node_is_null(parameters) ? 0 : std::min(ts_node_named_child_count(parameters), kMaxParameters);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode parameter = ts_node_named_child(parameters, i);
    TSSymbol symbol = ts_node_symbol(parameter);
    TSNode name_node = symbol == g.identifier ? parameter : field(parameter, g.f_name);
    if (ts_node_is_null(name_node) && ts_node_named_child_count(parameter) > 0)
      name_node = ts_node_named_child(parameter, 0);
    if (ts_node_is_null(name_node) || ts_node_symbol(name_node) != g.identifier) continue;
    std::string name(evaluator.text(name_node));
    Value value = Value::unknown(name);
    if (symbol == g.default_parameter || symbol == g.typed_default_parameter) {
      Value fallback = evaluator.eval(field(parameter, g.f_value));
      // None and "" are placeholders for "the caller must say": nothing to carry.
      bool placeholder = fallback.kind == Value::Kind::none || (fallback.is_string() && fallback.text.empty());
      if (travels(fallback) && !placeholder) {
        fallback.origin = "default of parameter `" + name + "` of " + function + "() (line " +
                          line_of(evaluator, parameter) + ")";
        fallback.overridable = true;
        value = std::move(fallback);
      }
    }
    values.emplace_back(std::move(name), std::move(value));
  }
  return values;
}

void record_init_attributes(Evaluator& evaluator, TSNode class_body) {
  const Grammar& g = evaluator.grammar();
  TSNode init{};
  uint32_t count = ts_node_is_null(class_body) ? 0 : ts_node_named_child_count(class_body);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode member = ts_node_named_child(class_body, i);
    if (ts_node_symbol(member) == g.decorated_definition) member = field(member, g.f_definition);
    if (ts_node_symbol(member) == g.function_definition && evaluator.text(field(member, g.f_name)) == "__init__")
      init = member;
  }
  if (ts_node_is_null(init)) return;
  auto parameters = parameter_values(evaluator, field(init, g.f_parameters), "__init__");
  evaluator.enter_scope();
  for (auto& [name, value] : parameters) evaluator.bind(name, std::move(value));
  std::unordered_map<std::string, int> assigned;
  std::unordered_map<std::string, Value> attributes;
  TSNode body = field(init, g.f_body);
  uint32_t statements = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < statements; ++i) {
    TSNode assignment = assignment_of(g, ts_node_named_child(body, i));
    if (ts_node_is_null(assignment)) continue;
    TSNode left = field(assignment, g.f_left), right = field(assignment, g.f_right);
    if (ts_node_symbol(left) != g.attribute || evaluator.text(field(left, g.f_object)) != "self") continue;
    std::string attribute(evaluator.text(field(left, g.f_attribute)));
    if (++assigned[attribute] > 1 || ts_node_symbol(assignment) != g.assignment || ts_node_is_null(right)) {
      attributes.erase(attribute);
      continue;
    }
    Value value = evaluator.eval(right);
    // Clients of known origin travel too: self.session = requests.Session(), self.llm = ChatOpenAI().
    bool known_object = value.kind == Value::Kind::object && !value.unresolved;
    if (!travels(value) && !known_object) continue;
    if (value.origin.empty())
      value.origin = "`self." + attribute + "` set in __init__ (line " + line_of(evaluator, left) + ")";
    attributes[attribute] = std::move(value);
  }
  evaluator.leave_scope();
  for (auto& [attribute, value] : attributes) evaluator.set_class_attribute(attribute, std::move(value));
}

}  // namespace mlaudit::python
