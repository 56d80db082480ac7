#pragma once
// Walks one Python module's syntax tree and emits facts: imports, resolved call sites
// with literal arguments, web routes with their protections, reads and writes of
// artifacts, column selections, feature lists, logging calls and network binds.
// Nothing is executed; values are followed through simple assignments only.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "extract/extractor.h"
#include "extract/python/io_signatures.h"
#include "extract/python/python_value.h"
#include "extract/python/syntax_tree.h"

namespace mlaudit::python {

class ModuleAnalyzer {
 public:
  ModuleAnalyzer(std::string_view source, std::string file, const LineMap& lines, FactSink& sink);
  void analyze(TSNode root);

 private:
  struct Decorator {
    TSNode node;
    std::string text;     // source text without '@'
    std::string callee;   // resolved callee of the decorator expression
    std::string method;
    bool is_call = false;
    TSNode call;          // the call node when is_call
  };
  struct FunctionFrame {
    std::string name;
    std::vector<Decorator> decorators;
    std::string parameters_text;
    bool logs = false, decision = false, checks_auth = false;
    std::vector<std::string> decision_calls, request_fields, auth_evidence;
  };
  struct PendingRoute {
    Location location;
    nlohmann::ordered_json props;
    bool hook_auth_applies = true;
  };
  struct Arguments {
    std::vector<TSNode> positional;
    std::vector<std::pair<std::string, TSNode>> keywords;
  };
  struct Callee {
    std::string name;
    bool resolved = false;
    std::string method;
    Value receiver;
  };

  // scopes
  Value lookup(std::string_view name) const;
  void bind(std::string_view name, Value value);

  // evaluation
  Value eval(TSNode node, int depth = 0);
  Value eval_string(TSNode node, int depth);
  Value eval_call(TSNode node, int depth);
  Value eval_binary(TSNode node, int depth);
  Callee resolve_callee(TSNode function, int depth);
  Arguments arguments_of(TSNode call) const;
  static TSNode argument(const Arguments& arguments, int position, const std::vector<std::string>& keywords);

  // traversal
  void visit(TSNode node, int depth);
  void visit_children(TSNode node, int depth);
  void visit_import(TSNode node);
  void visit_import_from(TSNode node);
  void visit_decorated(TSNode node, int depth);
  void visit_function(TSNode node, std::vector<Decorator> decorators, int depth);
  void visit_class(TSNode node, const std::vector<Decorator>& decorators, int depth);
  void record_schema_class(TSNode node, const std::string& name, const std::vector<Decorator>& decorators);
  void visit_assignment(TSNode node, int depth);
  void visit_with_item(TSNode node, int depth);
  void visit_call(TSNode node, int depth);
  void visit_subscript(TSNode node, int depth);
  void visit_string(TSNode node);

  // facts
  Location location_of(TSNode node) const;
  std::string text_of(TSNode node, size_t limit = 160) const;
  nlohmann::ordered_json describe(TSNode node);
  void emit_call(TSNode node, const Callee& callee, const Arguments& arguments);
  void emit_io(TSNode node, const Callee& callee, const Arguments& arguments);
  void emit_io_for_open(TSNode node, const Arguments& arguments);
  void emit_log(TSNode node, const Callee& callee, const Arguments& arguments, const std::string& level);
  void emit_network_bind(TSNode node, const Callee& callee, const Arguments& arguments);
  void emit_django_route(TSNode node, const Arguments& arguments);
  void emit_columns(TSNode node, const std::vector<std::string>& columns, std::string_view action,
                    std::string_view receiver);
  void emit_assignment(TSNode node, TSNode target, TSNode value);
  void record_in_frame(const Callee& callee, TSNode node, const Arguments& arguments);
  void collect_names(TSNode node, std::vector<std::string>& names, int depth) const;
  std::optional<std::string> resolve_target(const ArgumentSpec& spec, const Arguments& arguments,
                                            const Callee& callee, bool& partial);
  bool condition_holds(const KeywordCondition& condition, const Arguments& arguments);
  void finish_function(const FunctionFrame& frame, TSNode definition);
  void finalize_routes();

  std::string_view source_;
  std::string file_;
  const LineMap& lines_;
  FactSink& sink_;
  const Grammar& g_;
  std::unordered_map<std::string, std::string> imports_;   // local name -> qualified
  std::vector<std::unordered_map<std::string, Value>> scopes_;
  std::vector<FunctionFrame> frames_;
  std::vector<PendingRoute> routes_;
  bool imports_django_ = false;
  bool global_auth_ = false, global_rate_limit_ = false, global_logging_ = false;
  std::string global_auth_evidence_;
  bool depth_warning_given_ = false;
  std::unordered_set<uint32_t> consumed_opens_;  // open() calls passed straight to a loader
};

}  // namespace mlaudit::python
