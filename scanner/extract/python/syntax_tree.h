#pragma once
// Thin RAII and lookup helpers over tree-sitter's C API for the Python grammar.
#include <tree_sitter/api.h>

#include <memory>
#include <string_view>

#include "util/scan_limits.h"

extern "C" const TSLanguage* tree_sitter_python();

namespace mlaudit::python {

// Symbol and field ids of the node kinds the analyzer looks at, resolved once.
struct Grammar {
  TSSymbol module, import_statement, import_from_statement, aliased_import, dotted_name, relative_import,
      wildcard_import, call, attribute, identifier, string, concatenated_string, string_content, interpolation,
      string_start, escape_sequence, integer, float_, true_, false_, none, list, tuple, dictionary, pair,
      keyword_argument, argument_list, assignment, augmented_assignment, expression_statement,
      function_definition, class_definition, decorated_definition, decorator, subscript, binary_operator,
      parenthesized_expression, with_statement, with_item, as_pattern, as_pattern_target, comment, lambda,
      default_parameter, typed_default_parameter, list_splat, dictionary_splat, await_, block, return_statement,
      raise_statement, generator_expression, type, comparison_operator, parameters, typed_parameter,
      conditional_expression, not_operator, if_statement;
  TSFieldId f_name, f_alias, f_module_name, f_function, f_arguments, f_object, f_attribute, f_left, f_right,
      f_value, f_key, f_body, f_parameters, f_definition, f_subscript, f_operator, f_superclasses, f_type,
      f_expression, f_condition;

  static const Grammar& get();
};

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
using TreePtr = std::unique_ptr<TSTree, TreeDeleter>;

// Parses with a per-thread parser; null when parsing timed out (hostile input): after ten
// seconds, or at `deadline` when that comes first.
TreePtr parse_python(std::string_view source, const Deadline& deadline = {});

inline std::string_view node_text(TSNode node, std::string_view source) {
  if (ts_node_is_null(node)) return {};
  uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (start > source.size() || end > source.size() || end < start) return {};
  return source.substr(start, end - start);
}

inline TSNode field(TSNode node, TSFieldId id) { return ts_node_child_by_field_id(node, id); }

}  // namespace mlaudit::python
