#include "extract/python/route_facts.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "extract/python/web_frameworks.h"
#include "util/text.h"

namespace mlaudit::python {
namespace {

// Class names in a handler's parameter annotations (`applicant: Applicant`,
// `body: Optional[Applicant]`): FastAPI builds the request body from those classes.
std::vector<std::string> annotated_types(const std::string& parameters) {
  static const RE2 annotation(R"(:\s*(?:[A-Za-z_][\w.]*\[)?([A-Z][A-Za-z0-9_]*))");
  std::vector<std::string> types;
  re2::StringPiece input(parameters);
  std::string type;
  while (RE2::FindAndConsume(&input, annotation, &type))
    if (std::find(types.begin(), types.end(), type) == types.end() && type != "Request" && type != "Response") types.push_back(type);
  return types;
}

}  // namespace

void RouteFacts::note_import(std::string_view module) {
  if (module.starts_with("django") || module.starts_with("rest_framework")) imports_django_ = true;
}

void RouteFacts::enter_function(std::string name, std::vector<Decorator> decorators, std::string parameters_text) {
  FunctionFrame frame;
  frame.name = std::move(name);
  frame.decorators = std::move(decorators);
  frame.parameters_text = std::move(parameters_text);
  frames_.push_back(std::move(frame));
}

void RouteFacts::leave_function(TSNode definition) {
  FunctionFrame finished = std::move(frames_.back());
  frames_.pop_back();
  finish_function(finished, definition);
}

void RouteFacts::note_logging() {
  if (!frames_.empty()) frames_.back().logs = true;
}

void RouteFacts::note_request_field(std::string name) {
  if (!frames_.empty()) frames_.back().request_fields.push_back(std::move(name));
}

void RouteFacts::note_credential_check() {
  if (!frames_.empty()) frames_.back().checks_auth = true;
}

// A call that writes, moves or deletes what the service keeps: files on its disk (an upload
// saved, a model removed, a file opened for writing) or rows of its database.
bool RouteFacts::changes_state(const Callee& callee, const Arguments& arguments) {
  static const std::set<std::string_view> functions{
      "os.remove", "os.unlink", "os.rename", "os.replace", "os.rmdir", "os.removedirs", "shutil.rmtree",
      "shutil.move", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copyfileobj"};
  static const std::set<std::string_view> methods{
      "save", "commit", "insert_one", "insert_many", "delete_one", "delete_many", "update_one", "update_many",
      "replace_one", "to_csv", "to_parquet", "write_text", "write_bytes", "unlink", "rmtree"};
  if (functions.contains(callee.name)) return true;
  if (callee.name == "builtins.open" || callee.name == "aiofiles.open") {
    Value mode = evaluator_.eval(argument(arguments, 1, {"mode"}));
    return mode.is_string() && mode.text.find_first_of("wax+") != std::string::npos;
  }
  if (callee.method.empty() || callee.name == callee.method || !methods.contains(callee.method)) return false;
  if (callee.method == "save") {
    // image.save(buffer, format="PNG") encodes into memory to answer the request: nothing kept.
    Value target = evaluator_.eval(argument(arguments, 0, {"fp", "f", "file"}));
    if (target.kind == Value::Kind::object &&
        (target.text.starts_with("io.BytesIO(") || target.text.starts_with("io.StringIO(")))
      return false;
  }
  return true;
}

void RouteFacts::on_call(const Callee& callee, TSNode node, const Arguments& arguments) {
  if (frames_.empty()) return record_module_level(callee, node, arguments);
  FunctionFrame& frame = frames_.back();
  if (is_decision_method(callee.method) || (callee.name == callee.method && deciding_functions_.contains(callee.name))) {
    // a model method, or a function of this module that calls one (`predict_single(customer, dv, model)`)
    frame.decision = true;
    frame.decision_calls.push_back(evaluator_.text_of(node, 80));
  } else if (callee.receiver.kind == Value::Kind::object && callee.method.empty() &&
             callee.receiver.text.find("load") != std::string::npos) {
    frame.decision = true;  // calling a loaded model object: model(x)
    frame.decision_calls.push_back(evaluator_.text_of(node, 80));
  }
  if (callee.name == "flask.send_from_directory" || callee.name == "flask.send_file" ||
      callee.name == "flask.render_template" || callee.name == "fastapi.responses.FileResponse" ||
      callee.name == "starlette.responses.FileResponse") {
    bool fixed = !arguments.positional.empty() || !arguments.keywords.empty();
    for (TSNode given : arguments.positional) fixed = fixed && evaluator_.eval(given).is_constant();
    for (const auto& [keyword, given] : arguments.keywords) fixed = fixed && evaluator_.eval(given).is_constant();
    if (fixed) frame.serves_fixed_file = true;
  }
  bool stores = changes_state(callee, arguments) ||
                (callee.name == callee.method && storing_functions_.contains(callee.name));  // save_db(record, result)
  if (stores && frame.state_changes.size() < 8) frame.state_changes.push_back(evaluator_.text_of(node, 80));
  if (is_auth_check_callee(callee.name)) {
    frame.checks_auth = true;
    frame.auth_evidence.push_back(evaluator_.text_of(node, 80));
  }
  if (callee.method == "abort" || callee.name.ends_with("HTTPException")) {
    std::string status(evaluator_.text(argument(arguments, 0, {"status_code", "code"})));
    if (status == "401" || status == "403" || status.find("401") != std::string::npos ||
        status.find("403") != std::string::npos || status.find("UNAUTHORIZED") != std::string::npos ||
        status.find("FORBIDDEN") != std::string::npos) {
      frame.checks_auth = true;
      frame.auth_evidence.push_back(evaluator_.text_of(node, 80));
    }
  }
  if (callee.method == "get" && (callee.name.starts_with("flask.request.") || callee.name.starts_with("request."))) {
    Value key = evaluator_.eval(argument(arguments, 0, {}));
    if (key.is_string()) {
      frame.request_fields.push_back(key.text);
      if (is_credential_header(key.text)) frame.checks_auth = true;
    }
  }
}

// App-wide protections declared at module level.
void RouteFacts::record_module_level(const Callee& callee, TSNode node, const Arguments& arguments) {
  const std::string& name = callee.name;
  if ((name == "flask_limiter.Limiter" || name == "slowapi.Limiter") &&
      !ts_node_is_null(argument(arguments, -1, {"default_limits", "application_limits"})))
    global_rate_limit_ = true;
  if (name == "fastapi.APIRouter" && is_auth_dependency(evaluator_.text(argument(arguments, -1, {"dependencies"})))) {
    // `router = APIRouter(dependencies=[Depends(authenticated)])`: every route on it is checked.
    TSNode parent = ts_node_parent(node);
    const Grammar& g = evaluator_.grammar();
    if (!ts_node_is_null(parent) && ts_node_symbol(parent) == g.assignment) {
      TSNode target = field(parent, g.f_left);
      if (!ts_node_is_null(target) && ts_node_symbol(target) == g.identifier)
        protected_routers_[std::string(evaluator_.text(target))] = evaluator_.text_of(node, 120);
    }
  }
  if ((name == "fastapi.FastAPI" || name.ends_with(".include_router")) &&
      is_auth_dependency(evaluator_.text(argument(arguments, -1, {"dependencies"})))) {
    global_auth_ = true;
    global_auth_evidence_ = evaluator_.text_of(node, 120);
  }
  if (callee.method == "add_middleware") {
    std::string middleware(evaluator_.text(argument(arguments, 0, {})));
    if (contains_ignore_case(middleware, "log")) global_logging_ = true;
    if (contains_ignore_case(middleware, "auth")) {
      global_auth_ = true;
      global_auth_evidence_ = evaluator_.text_of(node, 120);
    }
    if (contains_ignore_case(middleware, "limit")) global_rate_limit_ = true;
  }
}

void RouteFacts::on_class(TSNode node, const std::string& name, const std::vector<Decorator>& decorators) {
  if (!imports_django_ || !frames_.empty()) return;
  const Grammar& g = evaluator_.grammar();
  TSNode body = field(node, g.f_body);
  std::string markers(evaluator_.text(field(node, g.f_superclasses)));
  for (const auto& decorator : decorators) markers += " " + decorator.text;
  uint32_t count = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < count; ++i) {
    auto statement = evaluator_.text(ts_node_named_child(body, i));
    if (statement.starts_with("permission_classes") || statement.starts_with("authentication_classes"))
      markers += " " + std::string(statement.substr(0, 400));
  }
  bool has_view_base = markers.find("View") != std::string::npos || markers.find("ViewSet") != std::string::npos;
  if (has_view_base)
    sink_.add(FactType::view, evaluator_.location_of(field(node, g.f_name)),
              {{"name", name}, {"kind", "class"}, {"auth", is_django_auth_marker(markers)}});
}

void RouteFacts::finish_function(const FunctionFrame& frame, TSNode definition) {
  bool top_level = frames_.empty();
  if (top_level && frame.decision) deciding_functions_.insert(frame.name);
  if (top_level && !frame.state_changes.empty()) storing_functions_.insert(frame.name);
  bool is_route = false;
  for (const auto& decorator : frame.decorators) {
    if (is_request_hook(decorator.method)) {
      if (frame.checks_auth) {
        global_auth_ = true;
        global_auth_evidence_ = "@" + decorator.text + " " + frame.name;
      }
      if (frame.logs) global_logging_ = true;
      continue;
    }
    if (!decorator.is_call || !is_route_decorator_method(decorator.method) || !is_app_like_receiver(decorator.callee))
      continue;
    is_route = true;
    Arguments arguments = evaluator_.arguments_of(decorator.call);
    Value path = evaluator_.eval(argument(arguments, 0, {"path", "rule"}));
    std::string framework = framework_of_receiver(decorator.callee);
    if (framework.empty()) {
      bool fastapi = std::any_of(evaluator_.imports().begin(), evaluator_.imports().end(), [](const auto& entry) {
        return entry.second.starts_with("fastapi");
      });
      framework = fastapi ? "fastapi" : "flask";
    }
    nlohmann::ordered_json methods = nlohmann::ordered_json::array();
    if (auto method = http_method_of(decorator.method); !method.empty()) {
      methods.push_back(method);
    } else {
      Value listed = evaluator_.eval(argument(arguments, -1, {"methods"}));
      if (listed.kind == Value::Kind::string_list)
        for (const auto& item : listed.items) methods.push_back(item);
      else
        methods.push_back("GET");
    }
    nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
    bool rate_limited = false;
    for (const auto& other : frame.decorators) {
      if (&other == &decorator) continue;
      if (is_auth_decorator(other.text)) evidence.push_back("@" + other.text);
      if (is_rate_limit_decorator(other.text)) rate_limited = true;
    }
    std::string dependencies(evaluator_.text(argument(arguments, -1, {"dependencies"})));
    if (is_auth_dependency(frame.parameters_text)) evidence.push_back("handler parameter: Depends/Security");
    if (is_auth_dependency(dependencies)) evidence.push_back("route dependencies=" + truncate_utf8(dependencies, 80));
    for (const auto& check : frame.auth_evidence) evidence.push_back("check in handler: " + check);
    if (frame.checks_auth && frame.auth_evidence.empty()) evidence.push_back("credential header read in handler");
    rate_limited = rate_limited || is_rate_limit_dependency(frame.parameters_text) || is_rate_limit_dependency(dependencies);
    std::string path_text = path.is_string() ? path.text : "";
    std::string purpose = public_purpose_of(path_text, frame.name);
    // A page or file named in the code, sent without reading the request: static UI.
    if (purpose.empty() && frame.serves_fixed_file && frame.request_fields.empty() && !frame.decision)
      purpose = "static";
    bool read_only = std::all_of(methods.begin(), methods.end(), [](const auto& method) {
      return method == "GET" || method == "HEAD";
    });
    // A public route makes no decision; only login/logout may take a body or be written to.
    if (frame.decision || (purpose != "login" && (!read_only || !annotated_types(frame.parameters_text).empty())))
      purpose.clear();
    // The receiver as written (`chat_router` in `@chat_router.post(...)`), to match router-level dependencies.
    std::string receiver = decorator.text.substr(0, decorator.text.find('('));
    receiver = receiver.substr(0, receiver.rfind('.'));
    routes_.push_back({evaluator_.location_of(decorator.node),
                       {{"framework", framework},
                        {"path", path_text},
                        {"methods", methods},
                        {"handler", frame.name},
                        {"public_purpose", purpose},
                        {"app", decorator.callee.substr(0, decorator.callee.rfind('.'))},
                        {"auth", !evidence.empty()},
                        {"auth_evidence", evidence},
                        {"rate_limited", rate_limited},
                        {"logs_requests", frame.logs},
                        {"decision", frame.decision},
                        {"decision_calls", frame.decision_calls},
                        {"changes_state", !frame.state_changes.empty()},
                        {"state_changes", frame.state_changes},
                        {"request_fields", frame.request_fields},
                        {"body_types", annotated_types(frame.parameters_text)},
                        {"handler_line", evaluator_.location_of(definition).line}},
                       true,
                       receiver});
  }
  if (imports_django_ && top_level && !is_route) {
    std::string markers;
    for (const auto& decorator : frame.decorators) markers += decorator.text + " ";
    if (!frame.decorators.empty() || frame.parameters_text.find("request") != std::string::npos)
      sink_.add(FactType::view, evaluator_.location_of(field(definition, evaluator_.grammar().f_name)),
                {{"name", frame.name}, {"kind", "function"}, {"auth", is_django_auth_marker(markers)}});
  }
}

// Inside `if __name__ == "__main__":`: what `python file.py` runs, not what an app server
// importing the module (gunicorn module:app) does.
bool RouteFacts::in_main_block(TSNode node) const {
  const Grammar& g = evaluator_.grammar();
  for (TSNode at = ts_node_parent(node); !ts_node_is_null(at); at = ts_node_parent(at)) {
    if (ts_node_symbol(at) != g.if_statement) continue;
    std::string_view condition = evaluator_.text(field(at, g.f_condition));
    if (condition.find("__name__") != std::string_view::npos && condition.find("__main__") != std::string_view::npos)
      return true;
  }
  return false;
}

void RouteFacts::emit_network_bind(TSNode node, const Callee& callee, const Arguments& arguments) {
  const std::string& name = callee.name;
  // absl's and TensorFlow's `app.run(main)` start a command-line program, not a server.
  bool program_runner = name.starts_with("absl.") || name.starts_with("tensorflow.") || name.starts_with("tf.");
  bool app_run = (callee.method == "run" || callee.method == "run_server") && is_app_like_receiver(name) && !program_runner;
  bool server = name == "uvicorn.run" || name == "waitress.serve" || name == "hypercorn.asyncio.serve" ||
                name == "werkzeug.serving.run_simple" || name == "bottle.run";
  bool gradio = callee.method == "launch" && (name.starts_with("gradio.") || name.find("Interface()") != std::string::npos ||
                                              name.find("Blocks()") != std::string::npos);
  bool socket_bind = name == "socket.socket().bind";
  if (!app_run && !server && !gradio && !socket_bind) return;
  Value host, port;
  if (socket_bind) {
    TSNode address = argument(arguments, 0, {});
    if (!ts_node_is_null(address) && ts_node_symbol(address) == evaluator_.grammar().tuple && ts_node_named_child_count(address) >= 2) {
      host = evaluator_.eval(ts_node_named_child(address, 0));
      port = evaluator_.eval(ts_node_named_child(address, 1));
    }
  } else if (gradio) {
    host = evaluator_.eval(argument(arguments, -1, {"server_name"}));
    port = evaluator_.eval(argument(arguments, -1, {"server_port"}));
  } else if (name == "werkzeug.serving.run_simple") {
    host = evaluator_.eval(argument(arguments, 0, {"hostname"}));
    port = evaluator_.eval(argument(arguments, 1, {"port"}));
  } else {
    int host_position = app_run ? 0 : -1;
    host = evaluator_.eval(argument(arguments, host_position, {"host"}));
    port = evaluator_.eval(argument(arguments, app_run ? 1 : -1, {"port"}));
  }
  Value debug = evaluator_.eval(argument(arguments, -1, {"debug"}));
  Value share = evaluator_.eval(argument(arguments, -1, {"share"}));
  std::string host_text = host.is_string() ? host.text : (app_run || server) ? "127.0.0.1" : "";
  sink_.add(FactType::network_bind, evaluator_.location_of(node),
            {{"host", host.is_string() ? nlohmann::ordered_json(host.text) : nlohmann::ordered_json()},
             {"host_partial", host.is_string() && host.partial},
             {"effective_host", host_text},
             {"all_interfaces", host.is_string() && (host.text == "0.0.0.0" || host.text == "::" || host.text.empty())},
             {"port", port.kind == Value::Kind::number ? nlohmann::ordered_json(port.text) : nlohmann::ordered_json()},
             {"server", name},
             {"debug", debug.kind == Value::Kind::boolean && debug.text == "true"},
             {"public_share", share.kind == Value::Kind::boolean && share.text == "true"},
             {"main_block", in_main_block(node)},
             {"source", "code"}});
}

void RouteFacts::emit_django_route(TSNode node, const Arguments& arguments) {
  Value path = evaluator_.eval(argument(arguments, 0, {"route"}));
  TSNode view = argument(arguments, 1, {"view"});
  if (ts_node_is_null(view)) return;
  std::string handler = compact(evaluator_.text(view), 120);
  if (handler.starts_with("include(")) return;
  bool wrapped_auth = is_django_auth_marker(handler);
  // "views.PredictView.as_view()" -> "PredictView"; "views.predict" -> "predict"
  std::string target = handler;
  if (auto call = target.find(".as_view("); call != std::string::npos) target = target.substr(0, call);
  if (auto paren = target.rfind('('); paren != std::string::npos && wrapped_auth)
    target = target.substr(paren + 1, target.find(')', paren) - paren - 1);
  routes_.push_back({evaluator_.location_of(node),
                     {{"framework", "django"},
                      {"path", path.is_string() ? path.text : ""},
                      {"methods", nlohmann::ordered_json::array()},
                      {"handler", last_component(target)},
                      {"handler_reference", handler},
                      {"public_purpose", ""},
                      {"auth", wrapped_auth ? nlohmann::ordered_json(true) : nlohmann::ordered_json()},
                      {"auth_evidence", wrapped_auth ? nlohmann::ordered_json::array({handler}) : nlohmann::ordered_json::array()},
                      {"rate_limited", false},
                      {"logs_requests", false},
                      {"decision", false}},
                     false});
}

void RouteFacts::finish() {
  for (auto& route : routes_) {
    auto& props = route.props;
    if (route.hook_auth_applies && global_auth_ && props["auth"] == false) {
      props["auth"] = true;
      props["auth_evidence"].push_back("app-wide: " + global_auth_evidence_);
    }
    if (auto router = protected_routers_.find(route.receiver); router != protected_routers_.end() && props["auth"] == false) {
      props["auth"] = true;
      props["auth_evidence"].push_back("router-level: " + router->second);
    }
    if (global_rate_limit_) props["rate_limited"] = true;
    if (global_logging_) props["logs_requests"] = true;
    sink_.add(FactType::route, route.location, std::move(props));
  }
  routes_.clear();
}

}  // namespace mlaudit::python
