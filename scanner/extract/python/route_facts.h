#pragma once
// Route facts of Python code: Flask and FastAPI routes from their decorators, Django routes
// from urls.py and views from classes and functions, each with what protects it
// (authentication decorators and dependencies, credential checks in the handler, app-wide
// hooks and middleware, rate limits), whether it logs requests and returns model decisions;
// and the servers the code starts with the addresses they bind.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/python/evaluator.h"

namespace mlaudit::python {

struct Decorator {
  TSNode node;
  std::string text;     // source text without '@'
  std::string callee;   // resolved callee of the decorator expression
  std::string method;
  bool is_call = false;
  TSNode call;          // the call node when is_call
};

class RouteFacts {
 public:
  RouteFacts(Evaluator& evaluator, FactSink& sink) : evaluator_(evaluator), sink_(sink) {}

  // Django projects are told by their imports.
  void note_import(std::string_view module);

  // The functions being analysed, innermost last: what their bodies show decides their routes.
  void enter_function(std::string name, std::vector<Decorator> decorators, std::string parameters_text);
  void leave_function(TSNode definition);
  bool in_function() const { return !frames_.empty(); }
  std::string current_function() const { return frames_.empty() ? std::string() : frames_.back().name; }
  void note_logging();
  void note_request_field(std::string name);  // request["x"], request.get("x")
  void note_credential_check();               // a credential header read

  // A call: decisions, credential checks and aborts in a handler; app-wide protections at
  // module level.
  void on_call(const Callee& callee, TSNode call, const Arguments& arguments);
  // A class at module level in a Django project: a view when a view class is among its bases.
  void on_class(TSNode node, const std::string& name, const std::vector<Decorator>& decorators);
  void emit_network_bind(TSNode call, const Callee& callee, const Arguments& arguments);
  void emit_django_route(TSNode call, const Arguments& arguments);
  // Emits the routes, with the app-wide protections found anywhere in the module.
  void finish();

 private:
  struct FunctionFrame {
    std::string name;
    std::vector<Decorator> decorators;
    std::string parameters_text;
    bool logs = false, decision = false, checks_auth = false;
    bool serves_fixed_file = false;  // send_from_directory("templates", "ui.html"), render_template("index.html")
    std::vector<std::string> decision_calls, request_fields, auth_evidence;
    std::vector<std::string> state_changes;  // calls that write, move or delete what the service keeps
  };
  struct PendingRoute {
    Location location;
    nlohmann::ordered_json props;
    bool hook_auth_applies = true;
    std::string receiver;  // the decorator's receiver as written
  };

  bool changes_state(const Callee& callee, const Arguments& arguments);
  bool in_main_block(TSNode node) const;
  void record_module_level(const Callee& callee, TSNode call, const Arguments& arguments);
  void finish_function(const FunctionFrame& frame, TSNode definition);

  Evaluator& evaluator_;
  FactSink& sink_;
  std::vector<FunctionFrame> frames_;
  std::set<std::string> deciding_functions_;  // module functions that run a model (`predict_single`)
  std::set<std::string> storing_functions_;   // module functions that write files or rows (`save_db`)
  std::vector<PendingRoute> routes_;
  bool imports_django_ = false;
  bool global_auth_ = false, global_rate_limit_ = false, global_logging_ = false;
  std::string global_auth_evidence_;
  std::map<std::string, std::string> protected_routers_;  // router variable -> its APIRouter(...) call
};

}  // namespace mlaudit::python
