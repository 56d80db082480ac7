#pragma once
// Walks one Python module's syntax tree and emits facts: imports, resolved call sites with
// literal arguments, assignments to attributes, URL literals and data model classes here;
// reads and writes (io_facts), columns and log names (column_facts), routes, views and
// servers (route_facts) through the emitters. Values come from the evaluator. Nothing is
// executed.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "extract/extractor.h"
#include "extract/python/api_gateway_routes.h"
#include "extract/python/column_facts.h"
#include "extract/python/evaluator.h"
#include "extract/python/format_sources.h"
#include "extract/python/imported_constants.h"
#include "extract/python/io_facts.h"
#include "extract/python/python_value.h"
#include "extract/python/route_facts.h"
#include "extract/python/syntax_tree.h"

namespace mlaudit::python {

class ModuleAnalyzer {
 public:
  // `imported`: where constants imported from the project's other modules are looked up;
  // `config_files`: where settings files the module loads are read (null: not followed).
  ModuleAnalyzer(std::string_view source, std::string file, const LineMap& lines, FactSink& sink,
                 ImportedConstants* imported = nullptr, ConfigFiles* config_files = nullptr);
  void analyze(TSNode root);

 private:
  void visit(TSNode node, int depth);
  void visit_children(TSNode node, int depth);
  void visit_import(TSNode node);
  void visit_import_from(TSNode node);
  void visit_decorated(TSNode node, int depth);
  void visit_function(TSNode node, std::vector<Decorator> decorators, int depth);
  void bind_hydra_config(const std::vector<Decorator>& decorators, std::vector<std::pair<std::string, Value>>& parameters);
  void visit_class(TSNode node, const std::vector<Decorator>& decorators, int depth);
  void record_schema_class(TSNode node, const std::string& name, const std::vector<Decorator>& decorators);
  void visit_assignment(TSNode node, int depth);
  void visit_with_item(TSNode node, int depth);
  void visit_call(TSNode node, int depth);
  void visit_subscript(TSNode node, int depth);
  void visit_string(TSNode node);

  void emit_call(TSNode node, const Callee& callee, const Arguments& arguments);
  // Wrappers: a call inside a function that passes one of its parameters on is recorded; a
  // later call of that function with known arguments re-emits it with those values bound.
  void note_forwarded_parameters(TSNode node, const Arguments& arguments);
  void expand_wrapper(TSNode call, const std::string& function, const Arguments& arguments);
  void emit_assignment(TSNode node, TSNode target, TSNode value);
  void add_assignment_fact(TSNode node, const std::string& target, TSNode value);
  void emit_settings_update(const Callee& callee, const Arguments& arguments);
  Arguments with_partial_arguments(TSNode function, Arguments arguments);

  FactSink& sink_;
  Evaluator evaluator_;
  const Grammar& g_;
  IoFacts io_;
  ColumnFacts columns_;
  RouteFacts routes_;
  ApiGatewayRoutes api_gateway_;
  std::unique_ptr<FormatSources> format_sources_;  // set by analyze(): it needs the tree
  ImportedConstants* imported_;
  struct FunctionFrame {
    std::string name;
    TSNode parameters;
    std::unordered_set<std::string> parameter_names;
    TSNode body{};
  };
  std::vector<FunctionFrame> functions_;                            // being walked, innermost last
  std::vector<std::string> classes_;                                // being walked, innermost last
  std::unordered_map<std::string, TSNode> parameters_of_;            // function -> its parameter list
  std::unordered_map<std::string, std::vector<TSNode>> forwards_;    // function -> calls passing a parameter on
  std::unordered_map<std::string, TSNode> partials_;  // name -> the functools.partial(...) call bound to it
  std::unordered_set<std::string> expanded_;                          // (call, bound values) already re-emitted
  bool expanding_ = false;                                            // one level: no wrapper of a wrapper
  bool depth_warning_given_ = false;
};

}  // namespace mlaudit::python
