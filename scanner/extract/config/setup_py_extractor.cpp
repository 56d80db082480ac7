#include <map>
#include <vector>

#include "extract/config/config_extractors.h"
#include "extract/config/dependency_spec.h"
#include "extract/python/syntax_tree.h"

namespace mlaudit {
namespace {

using python::Grammar;
using python::node_text;

struct Walk {
  const Grammar& grammar;
  std::string_view source;
  std::map<std::string, TSNode, std::less<>> module_lists;   // NAME = [...] at module level
  std::vector<TSNode> install_requires;                     // the values of install_requires=...
};

void visit(TSNode node, Walk& walk, int depth) {
  if (depth > 200) return;   // hostile nesting
  TSSymbol symbol = ts_node_symbol(node);
  if (symbol == walk.grammar.keyword_argument) {
    TSNode name = python::field(node, walk.grammar.f_name);
    if (node_text(name, walk.source) == "install_requires") walk.install_requires.push_back(python::field(node, walk.grammar.f_value));
  } else if (symbol == walk.grammar.assignment && depth <= 2) {
    TSNode left = python::field(node, walk.grammar.f_left), right = python::field(node, walk.grammar.f_right);
    if (!ts_node_is_null(left) && ts_node_symbol(left) == walk.grammar.identifier && !ts_node_is_null(right))
      walk.module_lists[std::string(node_text(left, walk.source))] = right;
  }
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) visit(ts_node_named_child(node, i), walk, depth + 1);
}

// The text of a plain string literal ("torch>=1.0", 'x'); nullopt for f-strings and concatenations.
std::optional<std::string_view> literal(TSNode node, const Walk& walk) {
  if (ts_node_symbol(node) != walk.grammar.string) return std::nullopt;
  std::string_view content;
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    TSSymbol symbol = ts_node_symbol(child);
    if (symbol == walk.grammar.interpolation) return std::nullopt;
    if (symbol == walk.grammar.string_content) content = node_text(child, walk.source);
  }
  return content;
}

}  // namespace

void SetupPyExtractor::extract(const FileContext& file, FactSink& sink) const {
  auto tree = python::parse_python(file.content);
  if (!tree) return;
  Walk walk{Grammar::get(), file.content, {}, {}};
  visit(ts_tree_root_node(tree.get()), walk, 0);
  for (TSNode value : walk.install_requires) {
    if (ts_node_is_null(value)) continue;
    if (ts_node_symbol(value) == walk.grammar.identifier)
      if (auto found = walk.module_lists.find(node_text(value, walk.source)); found != walk.module_lists.end()) value = found->second;
    if (ts_node_symbol(value) != walk.grammar.list && ts_node_symbol(value) != walk.grammar.tuple) continue;
    uint32_t count = ts_node_named_child_count(value);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode item = ts_node_named_child(value, i);
      auto text = literal(item, walk);
      if (!text) continue;
      auto spec = parse_pip_requirement(*text, "setup.py");
      if (!spec) continue;
      TSPoint start = ts_node_start_point(item);
      sink.add(FactType::dependency, Location{file.file.relative, start.row + 1, start.column + 1},
               dependency_props(*spec, "pypi", file.file.relative));
    }
  }
}

}  // namespace mlaudit
