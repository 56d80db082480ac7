#include "extract/python/format_sources.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>

#include "util/text.h"

namespace mlaudit::python {
namespace {

constexpr int kMaxFollowDepth = 6;  // local assignments followed back, nested
constexpr int kMaxNodes = 200;    // nodes looked at per formatted value
constexpr size_t kMaxShown = 40;  // characters of an expression quoted in a reason

enum Rank { kConstant, kConfiguration, kArgument, kUnknown, kInput };
constexpr const char* kKinds[] = {"constant", "configuration", "argument", "unknown", "input"};

bool is_type(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

std::string shown(std::string_view text) { return "`" + truncate_utf8(compact(text, 200), kMaxShown) + "`"; }

// Data from outside the process, named in the expression's own text.
const char* outside_input(std::string_view text) {
  static const RE2 request(R"(\brequest\b|\b(body|payload|uploaded?_file|form_data)\b|\.(form|json|args|query_params|path_params|get_json)\b|\.recv\()");
  static const RE2 argv(R"(\bsys\.argv\b|\bargv\b|\bargs\.[A-Za-z_]|parse_args\(|\binput\(|\bstdin\b)");
  static const RE2 file(R"(\.read(line|lines)?\(|\.read_text\(|\bcsv\.reader\b)");
  if (RE2::PartialMatch(text, request)) return "request data";
  if (RE2::PartialMatch(text, argv)) return "command-line or interactive input";
  if (RE2::PartialMatch(text, file)) return "file contents";
  return nullptr;
}

bool environment(std::string_view text) {
  static const RE2 pattern(R"(\bos\.environ\b|\bgetenv\(|\benviron\.get\()");
  return RE2::PartialMatch(text, pattern);
}

bool settings(std::string_view text) {
  static const RE2 pattern(R"((?i)\b(settings|config|configuration|cfg|conf|options|opts|params|hparams)\b)");
  return RE2::PartialMatch(text, pattern);
}

bool named_constant(std::string_view name) {
  static const RE2 pattern(R"(^([A-Za-z_][A-Za-z0-9_]*\.)*[A-Z][A-Z0-9_]*$)");
  return RE2::FullMatch(name, pattern);
}

// Statements `name = ...` / `name += ...` in a function body (nested functions and classes
// have their own names); the right-hand sides are what the name holds.
void assignments_to(TSNode node, std::string_view name, std::string_view source, std::vector<TSNode>& found,
                    int depth) {
  if (ts_node_is_null(node) || depth > 40 || found.size() >= 16) return;
  if (is_type(node, "function_definition") || is_type(node, "class_definition") || is_type(node, "lambda")) return;
  if (is_type(node, "assignment") || is_type(node, "augmented_assignment")) {
    TSNode left = ts_node_child_by_field_name(node, "left", 4);
    TSNode right = ts_node_child_by_field_name(node, "right", 5);
    if (!ts_node_is_null(left) && is_type(left, "identifier") && node_text(left, source) == name &&
        !ts_node_is_null(right))
      found.push_back(right);
  }
  if (is_type(node, "for_statement")) {
    TSNode left = ts_node_child_by_field_name(node, "left", 4);
    TSNode right = ts_node_child_by_field_name(node, "right", 5);
    if (!ts_node_is_null(left) && is_type(left, "identifier") && node_text(left, source) == name &&
        !ts_node_is_null(right))
      found.push_back(right);
  }
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) assignments_to(ts_node_named_child(node, i), name, source, found, depth + 1);
}

}  // namespace

nlohmann::ordered_json FormatSources::judge(TSNode argument, const FormatScope& scope) {
  budget_ = kMaxNodes;
  const std::string& function = scope.function;
  if (function.size() > 1 && function.starts_with("_") && !function.starts_with("__") && !named_elsewhere(function))
    return {{"kind", "unreachable"},
            {"reason", "it is built in " + function +
                           "(), a private function that nothing in this file calls or names: the code is unreachable"}};
  Verdict worst;
  std::vector<std::string> seen;
  collect(argument, scope, 0, worst, seen);
  std::string reason;
  switch (worst.rank) {
    case kConstant: reason = "the formatted values are constants (" + worst.what + ")"; break;
    case kConfiguration: reason = "the formatted values are configuration (" + worst.what + "), not caller input"; break;
    case kArgument: reason = worst.what + ": its callers decide the value"; break;
    case kInput: reason = worst.what; break;
    default: reason = "the origin of " + worst.what + " is not known"; break;
  }
  nlohmann::ordered_json judgement = {{"kind", kKinds[worst.rank]}, {"reason", reason}};
  if (worst.rank == kArgument) judgement["parameter"] = worst.parameter;
  return judgement;
}

void FormatSources::collect(TSNode node, const FormatScope& scope, int depth, Verdict& worst,
                            std::vector<std::string>& seen) {
  if (ts_node_is_null(node)) return;
  auto merge = [&worst](Verdict verdict) {
    if (verdict.rank > worst.rank || worst.what.empty()) worst = std::move(verdict);
  };
  if (--budget_ < 0 || depth > kMaxFollowDepth) return merge({kUnknown, "a value built too deep to follow"});
  const Grammar& g = evaluator_.grammar();
  TSSymbol symbol = ts_node_symbol(node);
  if (symbol == g.string) {
    bool holes = false;
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_named_child(node, i);
      if (ts_node_symbol(child) != g.interpolation) continue;
      holes = true;
      collect(field(child, g.f_expression), scope, depth, worst, seen);
    }
    if (!holes) merge({kConstant, "string literals"});
    return;
  }
  if (symbol == g.concatenated_string || symbol == g.binary_operator || symbol == g.parenthesized_expression ||
      is_type(node, "boolean_operator")) {
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) collect(ts_node_named_child(node, i), scope, depth, worst, seen);
    return;
  }
  if (is_type(node, "conditional_expression")) {  // a if condition else b: the value is a or b
    collect(ts_node_named_child(node, 0), scope, depth, worst, seen);
    collect(ts_node_named_child(node, 2), scope, depth, worst, seen);
    return;
  }
  if (symbol == g.call) {
    TSNode function = field(node, g.f_function);
    bool format = symbol == g.call && ts_node_symbol(function) == g.attribute &&
                  evaluator_.text(field(function, g.f_attribute)) == "format";
    std::string_view name = evaluator_.text(function);
    if (format || name == "str" || name == "repr" || name == "\"\".join" || name == "''.join") {
      if (format) collect(field(function, g.f_object), scope, depth, worst, seen);
      TSNode arguments = field(node, g.f_arguments);
      uint32_t count = ts_node_is_null(arguments) ? 0 : ts_node_named_child_count(arguments);
      for (uint32_t i = 0; i < count; ++i) {
        TSNode argument = ts_node_named_child(arguments, i);
        if (ts_node_symbol(argument) == g.keyword_argument) argument = field(argument, g.f_value);
        collect(argument, scope, depth, worst, seen);
      }
      return;
    }
  }
  merge(leaf(node, scope, depth, seen));
}

FormatSources::Verdict FormatSources::leaf(TSNode node, const FormatScope& scope, int depth,
                                           std::vector<std::string>& seen) {
  const Grammar& g = evaluator_.grammar();
  TSSymbol symbol = ts_node_symbol(node);
  std::string_view text = evaluator_.text(node);
  if (symbol == g.integer || symbol == g.float_ || symbol == g.true_ || symbol == g.false_ || symbol == g.none)
    return {kConstant, "literals"};
  if (environment(text)) return {kConfiguration, "the environment variable in " + shown(text)};
  if (const char* input = outside_input(text)) return {kInput, shown(text) + " is " + input};
  if (symbol == g.identifier) {
    std::string name(text);
    if (named_constant(name)) return {kConstant, "the named constant " + shown(name)};
    Value value = evaluator_.eval(node);
    bool parameter = scope.parameters && scope.parameters->contains(name);
    if (value.is_constant() && !value.overridable && !parameter)
      return {kConstant, value.origin.empty() ? shown(name) : value.origin};
    if (parameter) return {kArgument, shown(name) + " is a parameter of " + scope.function + "()", name};
    if (ts_node_is_null(scope.body) || std::find(seen.begin(), seen.end(), name) != seen.end())
      return {kUnknown, shown(name)};
    seen.push_back(name);
    std::vector<TSNode> sources;
    assignments_to(scope.body, name, evaluator_.text(root_), sources, 0);
    if (sources.empty()) return {kUnknown, shown(name)};
    Verdict worst;
    for (TSNode source : sources) collect(source, scope, depth + 1, worst, seen);
    return worst;
  }
  if (symbol == g.attribute || symbol == g.call || symbol == g.subscript) {
    if (text.starts_with("self.") || text.starts_with("cls."))
      return {kConfiguration, "the object's own " + std::string(symbol == g.call ? "method " : "attribute ") + shown(text)};
    if (symbol == g.call) {
      std::string_view callee = evaluator_.text(field(node, g.f_function));
      if (callee == "int" || callee == "float" || callee == "len" || callee == "bool" || callee == "round")
        return {kConstant, "a number (" + shown(text) + ")"};
    }
    if (settings(text)) return {kConfiguration, "the setting " + shown(text)};
    Value value = evaluator_.eval(node);
    if (value.is_constant() && !value.overridable) return {kConstant, value.origin.empty() ? shown(text) : value.origin};
    if (symbol == g.attribute && named_constant(text)) return {kConstant, "the named constant " + shown(text)};
  }
  return {kUnknown, shown(text)};
}

bool FormatSources::named_elsewhere(const std::string& name) {
  if (!counted_) {
    counted_ = true;
    std::string_view source = evaluator_.text(root_);
    const Grammar& g = evaluator_.grammar();
    TSTreeCursor cursor = ts_tree_cursor_new(root_);
    bool more = true;
    while (more) {
      TSNode node = ts_tree_cursor_current_node(&cursor);
      if (ts_node_symbol(node) == g.identifier) ++identifier_counts_[std::string(node_text(node, source))];
      if (ts_tree_cursor_goto_first_child(&cursor)) continue;
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          more = false;
          break;
        }
      }
    }
    ts_tree_cursor_delete(&cursor);
  }
  auto found = identifier_counts_.find(name);
  return found != identifier_counts_.end() && found->second > 1;
}

}  // namespace mlaudit::python
