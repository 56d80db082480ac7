#include "extract/python/module_analyzer.h"

#include <algorithm>

#include "extract/python/iam_statements.h"
#include "extract/python/value_travel.h"
#include "extract/python/web_frameworks.h"
#include "util/text.h"

namespace mlaudit::python {
namespace {

constexpr int kMaxVisitDepth = 600;  // deeper trees are left unvisited, with a diagnostic
constexpr size_t kMaxForwardsPerFunction = 16;
constexpr size_t kMaxExpansions = 256;  // wrapper calls re-emitted per module

}  // namespace

ModuleAnalyzer::ModuleAnalyzer(std::string_view source, std::string file, const LineMap& lines, FactSink& sink,
                               ImportedConstants* imported, ConfigFiles* config_files)
    : sink_(sink),
      evaluator_(source, std::move(file), lines),
      g_(Grammar::get()),
      io_(evaluator_, sink),
      columns_(evaluator_, sink),
      routes_(evaluator_, sink),
      api_gateway_(evaluator_, sink),
      imported_(imported) {
  evaluator_.use_config_files(config_files);
}

void ModuleAnalyzer::analyze(TSNode root) {
  format_sources_ = std::make_unique<FormatSources>(evaluator_, root);
  hoist_module_constants(evaluator_, root);
  visit(root, 0);
  routes_.finish();
}

void ModuleAnalyzer::visit(TSNode node, int depth) {
  if (ts_node_is_null(node)) return;
  if (depth > kMaxVisitDepth) {
    if (!depth_warning_given_) {
      depth_warning_given_ = true;
      sink_.diagnose(DiagnosticLevel::warning, "nesting-too-deep", evaluator_.location_of(node),
                     "code nested more than " + std::to_string(kMaxVisitDepth) +
                         " levels deep was not analysed past that depth");
    }
    return;
  }
  TSSymbol symbol = ts_node_symbol(node);
  if (symbol == g_.import_statement) return visit_import(node);
  if (symbol == g_.import_from_statement) return visit_import_from(node);
  if (symbol == g_.decorated_definition) return visit_decorated(node, depth);
  if (symbol == g_.function_definition) return visit_function(node, {}, depth);
  if (symbol == g_.class_definition) return visit_class(node, {}, depth);
  if (symbol == g_.assignment) return visit_assignment(node, depth);
  if (symbol == g_.with_item) return visit_with_item(node, depth);
  if (symbol == g_.call) return visit_call(node, depth);
  if (symbol == g_.subscript) return visit_subscript(node, depth);
  if (symbol == g_.comment) return;
  if (symbol == g_.string) visit_string(node);
  visit_children(node, depth);
}

void ModuleAnalyzer::visit_children(TSNode node, int depth) {
  // ts_node_named_child(i) rescans from the first child: fine for the few children most
  // nodes have, quadratic for long blocks, where a cursor (costlier to set up) wins.
  uint32_t count = ts_node_named_child_count(node);
  if (count <= 8) {
    for (uint32_t i = 0; i < count; ++i) visit(ts_node_named_child(node, i), depth + 1);
    return;
  }
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      if (ts_node_is_named(child)) visit(child, depth + 1);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
}

void ModuleAnalyzer::visit_import(TSNode node) {
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    std::string module, alias;
    if (ts_node_symbol(child) == g_.aliased_import) {
      module = std::string(evaluator_.text(field(child, g_.f_name)));
      alias = std::string(evaluator_.text(field(child, g_.f_alias)));
      evaluator_.import(alias, module);
    } else if (ts_node_symbol(child) == g_.dotted_name) {
      module = std::string(evaluator_.text(child));
      std::string top = module.substr(0, module.find('.'));
      evaluator_.import(top, top);
    } else {
      continue;
    }
    routes_.note_import(module);
    sink_.add(FactType::import, evaluator_.location_of(child), {{"module", module}, {"name", ""}, {"alias", alias}});
  }
}

void ModuleAnalyzer::visit_import_from(TSNode node) {
  std::string module(evaluator_.text(field(node, g_.f_module_name)));
  routes_.note_import(module);
  TSNode module_node = field(node, g_.f_module_name);
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    if (ts_node_symbol(child) == g_.wildcard_import) {
      sink_.add(FactType::import, evaluator_.location_of(child), {{"module", module}, {"name", "*"}, {"alias", ""}});
      continue;
    }
    // Every named child after the module is an imported name (dotted or aliased).
    if (ts_node_eq(child, module_node) ||
        (ts_node_symbol(child) != g_.dotted_name && ts_node_symbol(child) != g_.aliased_import))
      continue;
    std::string name, alias;
    if (ts_node_symbol(child) == g_.aliased_import) {
      name = std::string(evaluator_.text(field(child, g_.f_name)));
      alias = std::string(evaluator_.text(field(child, g_.f_alias)));
    } else {
      name = std::string(evaluator_.text(child));
    }
    std::string local = alias.empty() ? name : alias;
    std::string qualified = module.ends_with(".") ? module + name : module + "." + name;
    evaluator_.import(local, qualified);
    if (imported_)
      if (auto constant = imported_->constant(module, name)) evaluator_.bind(local, std::move(*constant));
    sink_.add(FactType::import, evaluator_.location_of(child), {{"module", module}, {"name", name}, {"alias", alias}});
  }
}

void ModuleAnalyzer::visit_decorated(TSNode node, int depth) {
  std::vector<Decorator> decorators;
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    if (ts_node_symbol(child) != g_.decorator || ts_node_named_child_count(child) == 0) continue;
    TSNode expression = ts_node_named_child(child, 0);
    Decorator decorator;
    decorator.node = child;
    decorator.text = std::string(evaluator_.text(expression).substr(0, 400));
    if (ts_node_symbol(expression) == g_.call) {
      decorator.is_call = true;
      decorator.call = expression;
      Callee callee = evaluator_.resolve_callee(field(expression, g_.f_function), 0);
      decorator.callee = callee.name;
      decorator.method = callee.method;
    } else {
      Callee callee = evaluator_.resolve_callee(expression, 0);
      decorator.callee = callee.name;
      decorator.method = callee.method;
    }
    visit(expression, depth + 1);
    decorators.push_back(std::move(decorator));
  }
  TSNode definition = field(node, g_.f_definition);
  if (ts_node_symbol(definition) == g_.function_definition)
    visit_function(definition, std::move(decorators), depth + 1);
  else if (ts_node_symbol(definition) == g_.class_definition)
    visit_class(definition, decorators, depth + 1);
}

void ModuleAnalyzer::visit_function(TSNode node, std::vector<Decorator> decorators, int depth) {
  std::string name(evaluator_.text(field(node, g_.f_name)));
  evaluator_.bind(name, {Value::Kind::function, name});
  TSNode parameters = field(node, g_.f_parameters);
  visit(parameters, depth + 1);  // defaults such as Depends(...) are calls too

  auto parameter_bindings = parameter_values(evaluator_, parameters, name);  // defaults: in the enclosing scope
  bind_hydra_config(decorators, parameter_bindings);
  routes_.enter_function(name, std::move(decorators), std::string(evaluator_.text(parameters).substr(0, 4000)));
  FunctionFrame frame{name, parameters, {}, field(node, g_.f_body)};
  for (const auto& [parameter, value] : parameter_bindings) frame.parameter_names.insert(parameter);
  functions_.push_back(std::move(frame));
  parameters_of_[name] = parameters;
  forwards_.erase(name);  // a redefinition forwards what its own body forwards
  evaluator_.enter_scope();
  for (auto& [parameter, value] : parameter_bindings) evaluator_.bind(parameter, std::move(value));
  visit(field(node, g_.f_body), depth + 1);
  evaluator_.leave_scope();
  functions_.pop_back();
  routes_.leave_function(node);
}

// @hydra.main(config_path="conf", config_name="train") hands the function conf/train.yaml
// (before command-line overrides) as its first parameter: cfg.model.name is that file's key.
void ModuleAnalyzer::bind_hydra_config(const std::vector<Decorator>& decorators,
                                       std::vector<std::pair<std::string, Value>>& parameters) {
  if (parameters.empty()) return;
  for (const auto& decorator : decorators) {
    if (!decorator.is_call || decorator.callee != "hydra.main") continue;
    Arguments arguments = evaluator_.arguments_of(decorator.call);
    Value folder = evaluator_.eval(argument(arguments, -1, {"config_path"}));
    Value name = evaluator_.eval(argument(arguments, -1, {"config_name"}));
    if (!name.is_string() || name.partial || (folder.is_string() && folder.partial)) return;
    std::string path = (folder.is_string() && !folder.text.empty() ? folder.text + "/" : "") + name.text;
    if (!path.ends_with(".yaml") && !path.ends_with(".yml")) path += ".yaml";
    Value settings = evaluator_.load_settings(path);
    if (settings.kind != Value::Kind::dict) return;
    settings.overridable = true;  // hydra's command line may override any key
    parameters.front().second = std::move(settings);
    return;
  }
}

void ModuleAnalyzer::visit_class(TSNode node, const std::vector<Decorator>& decorators, int depth) {
  std::string name(evaluator_.text(field(node, g_.f_name)));
  evaluator_.bind(name, {Value::Kind::function, name});
  TSNode bases = field(node, g_.f_superclasses);
  TSNode body = field(node, g_.f_body);
  routes_.on_class(node, name, decorators);
  record_schema_class(node, name, decorators);
  if (!ts_node_is_null(bases)) visit(bases, depth + 1);
  evaluator_.enter_class();
  record_init_attributes(evaluator_, body);
  evaluator_.enter_scope();
  classes_.push_back(name);
  visit(body, depth + 1);
  classes_.pop_back();
  evaluator_.leave_scope();
  evaluator_.leave_class();
}

// Data model classes name the fields a service accepts or stores (a pydantic request body,
// an ORM table): a schema_class fact with the field names, for personal-data matching.
void ModuleAnalyzer::record_schema_class(TSNode node, const std::string& name, const std::vector<Decorator>& decorators) {
  std::string bases(evaluator_.text(field(node, g_.f_superclasses)));
  std::string kind;
  if (bases.find("BaseModel") != std::string::npos || bases.find("SQLModel") != std::string::npos) kind = "pydantic";
  else if (bases.find("TypedDict") != std::string::npos) kind = "typeddict";
  else if (bases.find("Schema") != std::string::npos) kind = "marshmallow";
  else if (bases.find("Model") != std::string::npos || bases.find("Base") != std::string::npos) kind = "orm";
  for (const auto& decorator : decorators)
    if (decorator.text.find("dataclass") != std::string::npos) kind = "dataclass";
  if (kind.empty()) return;
  TSNode body = field(node, g_.f_body);
  std::vector<std::string> fields;
  uint32_t count = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode statement = ts_node_named_child(body, i);
    if (ts_node_symbol(statement) != g_.expression_statement || ts_node_named_child_count(statement) == 0) continue;
    TSNode assignment = ts_node_named_child(statement, 0);
    if (ts_node_symbol(assignment) != g_.assignment) continue;
    TSNode left = field(assignment, g_.f_left);
    if (ts_node_symbol(left) != g_.identifier) continue;
    std::string field_name(evaluator_.text(left));
    if (field_name.starts_with("_") || field_name == "model_config") continue;
    fields.push_back(std::move(field_name));
  }
  if (!fields.empty())
    sink_.add(FactType::schema_class, evaluator_.location_of(field(node, g_.f_name)), {{"name", name}, {"kind", kind}, {"fields", fields}});
}

void ModuleAnalyzer::visit_assignment(TSNode node, int depth) {
  TSNode left = field(node, g_.f_left), right = field(node, g_.f_right);
  if (!ts_node_is_null(right)) visit(right, depth + 1);
  if (ts_node_is_null(left)) return;
  TSSymbol symbol = ts_node_symbol(left);
  if (symbol == g_.identifier) {
    std::string name(evaluator_.text(left));
    Value value = ts_node_is_null(right) ? Value::unknown() : evaluator_.eval(right);
    if (evaluator_.at_module_scope() && value.origin.empty() && (value.is_constant() || value.kind == Value::Kind::dict))
      value.origin = "module constant `" + name + "` (line " + std::to_string(evaluator_.location_of(left).line) + ")";
    // Settings written as names of a settings module or class (`accept_content = ["pickle"]`
    // in a Celery config, `DEBUG = True`) are assignments rules can test, like attributes.
    if (functions_.empty() && value.is_constant() && !ts_node_is_null(right))
      add_assignment_fact(node, classes_.empty() ? name : classes_.back() + "." + name, right);
    columns_.on_assignment(left, name, value);
    bool binds_partial = !ts_node_is_null(right) && ts_node_symbol(right) == g_.call &&
                         evaluator_.resolve_callee(field(right, g_.f_function), 0).name == "functools.partial";
    if (binds_partial) partials_[name] = right;
    else partials_.erase(name);
    evaluator_.bind(name, std::move(value));
  } else if (symbol == g_.attribute || symbol == g_.subscript) {
    emit_assignment(node, left, right);
    visit(left, depth + 1);
  } else {
    // tuple targets: forget what the names held
    uint32_t count = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode target = ts_node_named_child(left, i);
      if (ts_node_symbol(target) == g_.identifier) evaluator_.bind(evaluator_.text(target), Value::unknown());
    }
  }
}

void ModuleAnalyzer::visit_with_item(TSNode node, int depth) {
  TSNode value = field(node, g_.f_value);
  if (ts_node_is_null(value)) return;
  if (ts_node_symbol(value) == g_.as_pattern && ts_node_named_child_count(value) > 0) {
    TSNode expression = ts_node_named_child(value, 0);
    visit(expression, depth + 1);
    TSNode alias = field(value, g_.f_alias);
    if (!ts_node_is_null(alias)) {
      TSNode target = ts_node_named_child_count(alias) > 0 ? ts_node_named_child(alias, 0) : alias;
      if (ts_node_symbol(target) == g_.identifier) evaluator_.bind(evaluator_.text(target), evaluator_.eval(expression));
    }
    return;
  }
  visit(value, depth + 1);
}

void ModuleAnalyzer::visit_call(TSNode node, int depth) {
  TSNode function = field(node, g_.f_function);
  Callee callee = evaluator_.resolve_callee(function, 0);
  Arguments arguments = with_partial_arguments(function, evaluator_.arguments_of(node));
  std::string enclosing = routes_.current_function();
  note_forwarded_parameters(node, arguments);
  if (callee.receiver.kind == Value::Kind::function && forwards_.contains(callee.name))
    expand_wrapper(node, callee.name, arguments);
  emit_call(node, callee, arguments);
  emit_settings_update(callee, arguments);
  if (!expanding_) {
    emit_cdk_policy_statement(evaluator_, sink_, node, callee, arguments);
    api_gateway_.on_call(node, callee, arguments);
  }
  io_.emit(node, callee, arguments, enclosing);
  std::string level;
  if (is_log_call(callee.name, callee.method, level)) {
    // A record of the request needs something of it: `log.info("Received request")` alone
    // keeps no input, output or caller.
    bool records_values = false;
    for (TSNode given : arguments.positional) records_values = records_values || !evaluator_.eval(given).is_constant();
    for (const auto& [keyword, given] : arguments.keywords)
      if (keyword != "exc_info" && keyword != "stack_info" && keyword != "stacklevel")
        records_values = records_values || !evaluator_.eval(given).is_constant();
    if (records_values) routes_.note_logging();
    columns_.emit_log(node, callee, arguments, level, enclosing);
  }
  routes_.emit_network_bind(node, callee, arguments);
  if (callee.name == "django.urls.path" || callee.name == "django.urls.re_path" ||
      callee.name == "django.conf.urls.url")
    routes_.emit_django_route(node, arguments);
  columns_.on_call(node, callee, arguments, enclosing);
  routes_.on_call(callee, node, arguments);
  visit(function, depth + 1);
  visit(field(node, g_.f_arguments), depth + 1);
}

void ModuleAnalyzer::visit_subscript(TSNode node, int depth) {
  TSNode value = field(node, g_.f_value);
  TSNode key_node = field(node, g_.f_subscript);
  Value key = evaluator_.eval(key_node);
  Value base = evaluator_.eval(value);
  std::string receiver = compact(evaluator_.text(value), 60);
  bool from_request = (base.kind == Value::Kind::module || base.kind == Value::Kind::object) &&
                      (base.text.starts_with("flask.request") || base.text.starts_with("fastapi.Request") ||
                       base.text.starts_with("request."));
  if (!from_request && base.kind == Value::Kind::unknown)
    from_request = receiver.starts_with("request.") || receiver == "payload" || receiver == "data";
  if (from_request && key.is_string() && routes_.in_function()) {
    routes_.note_request_field(key.text);
  } else if (base.kind != Value::Kind::module) {
    columns_.on_subscript(node, key, base, receiver, routes_.current_function());
  }
  if (key.is_string() && is_credential_header(key.text)) routes_.note_credential_check();
  visit(value, depth + 1);
  visit(key_node, depth + 1);
}

void ModuleAnalyzer::visit_string(TSNode node) {
  auto raw = evaluator_.text(node);
  // Cheap test before decoding: credential header names all contain one of these.
  auto maybe_header = [](std::string_view text) {
    std::string lowered = to_lower(text);
    return lowered.find("auth") != std::string::npos || lowered.find("api") != std::string::npos ||
           lowered.find("bearer") != std::string::npos || lowered.find("token") != std::string::npos;
  };
  if (routes_.in_function() && raw.size() < 40 && maybe_header(raw)) {
    Value value = evaluator_.eval_string(node, 0);
    if (is_credential_header(value.text)) routes_.note_credential_check();
  }
  if (raw.find("://") == std::string_view::npos && raw.find("models:/") == std::string_view::npos) return;
  Value value = evaluator_.eval_string(node, 0);
  std::string scheme = scheme_of(value.text);
  if (scheme.empty()) return;
  sink_.add(FactType::string_literal, evaluator_.location_of(node),
            {{"value", truncate_utf8(value.text, 300)}, {"scheme", scheme}, {"partial", value.partial}});
}

// ---------------------------------------------------------------------- wrappers

void ModuleAnalyzer::note_forwarded_parameters(TSNode node, const Arguments& arguments) {
  if (functions_.empty() || expanding_) return;
  const FunctionFrame& frame = functions_.back();
  auto is_parameter = [&](TSNode argument_node) {
    return ts_node_symbol(argument_node) == g_.identifier && frame.parameter_names.contains(std::string(evaluator_.text(argument_node)));
  };
  bool forwards = false;
  for (TSNode positional : arguments.positional) forwards = forwards || is_parameter(positional);
  for (const auto& [keyword, value] : arguments.keywords) forwards = forwards || is_parameter(value);
  auto& calls = forwards_[frame.name];
  if (forwards && calls.size() < kMaxForwardsPerFunction) calls.push_back(node);
}

void ModuleAnalyzer::expand_wrapper(TSNode call, const std::string& function, const Arguments& arguments) {
  if (expanding_ || expanded_.size() >= kMaxExpansions) return;
  auto parameters_node = parameters_of_.find(function);
  if (parameters_node == parameters_of_.end()) return;
  TSNode parameters = parameters_node->second;
  auto defaults = parameter_values(evaluator_, parameters, function);
  // Positional arguments map to parameters up to the first `*` (after it, keywords only).
  size_t positional_slots = defaults.size();
  uint32_t count = ts_node_named_child_count(parameters);
  for (uint32_t i = 0, slot = 0; i < count; ++i) {
    TSNode parameter = ts_node_named_child(parameters, i);
    std::string_view text = evaluator_.text(parameter);
    if (text.starts_with("*")) {
      positional_slots = slot;
      break;
    }
    if (ts_node_symbol(parameter) != g_.comment) ++slot;
  }
  std::string line = std::to_string(evaluator_.location_of(call).line);
  std::string key;  // the values bound: the same values from another call site add nothing
  bool any_known = false;
  for (size_t i = 0; i < defaults.size(); ++i) {
    auto& [name, value] = defaults[i];
    TSNode given = argument(arguments, i < positional_slots ? static_cast<int>(i) : -1, {name});
    if (ts_node_is_null(given)) continue;
    Value passed = evaluator_.eval(given);
    if (!travels(passed)) {
      value = Value::unknown(name);
      continue;
    }
    any_known = true;
    std::string where = "argument `" + name + "` of " + function + "() at line " + line;
    passed.origin = passed.origin.empty() ? where : where + ", " + passed.origin;
    passed.overridable = false;
    value = std::move(passed);
    key += "|" + name + "=" + value.text + "/" + std::to_string(static_cast<int>(value.kind));
  }
  if (!any_known) return;
  expanding_ = true;
  evaluator_.enter_scope();
  for (auto& [name, value] : defaults) evaluator_.bind(name, std::move(value));
  for (TSNode forwarded : forwards_[function]) {
    std::string forwarded_key = key + "@" + std::to_string(ts_node_start_byte(forwarded));
    if (expanded_.size() >= kMaxExpansions || !expanded_.insert(forwarded_key).second) continue;
    Callee inner = evaluator_.resolve_callee(field(forwarded, g_.f_function), 0);
    Arguments inner_arguments = evaluator_.arguments_of(forwarded);
    size_t before = sink_.facts().size();
    emit_call(forwarded, inner, inner_arguments);
    io_.emit(forwarded, inner, inner_arguments, function);
    for (size_t i = before; i < sink_.facts().size(); ++i) {
      sink_.facts()[i].props["function"] = function;
      sink_.facts()[i].props["through"] = function + "() called at line " + line;
    }
  }
  evaluator_.leave_scope();
  expanding_ = false;
}

// ------------------------------------------------------------------------- facts

void ModuleAnalyzer::emit_call(TSNode node, const Callee& callee, const Arguments& arguments) {
  // Built key by key: nlohmann's initializer lists make a temporary array per pair, and
  // call facts are the most numerous of all.
  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props.get_ref<nlohmann::ordered_json::object_t&>().reserve(8);
  props["callee"] = callee.name;
  props["resolved"] = callee.resolved;
  props["method"] = callee.method;
  auto& args = props["args"] = nlohmann::ordered_json::array();
  for (TSNode argument_node : arguments.positional) args.push_back(evaluator_.describe(argument_node));
  auto& kwargs = props["kwargs"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : arguments.keywords) kwargs[name] = evaluator_.describe(value);
  props["function"] = routes_.current_function();
  props["text"] = evaluator_.text_of(node, 120);
  // A formatted first argument (SQL, a shell command): where its values come from.
  if (!args.empty() && format_sources_ && (args[0].value("kind", "") == "fstring" || args[0].value("kind", "") == "formatted")) {
    FormatScope scope;
    if (!functions_.empty() && !expanding_) {
      scope.function = functions_.back().name;
      scope.body = functions_.back().body;
      scope.parameters = &functions_.back().parameter_names;
    }
    auto source = format_sources_->judge(arguments.positional[0], scope);
    if (!classes_.empty()) source["class"] = classes_.back();  // for derive/format_sources.cpp
    props["format_source"] = std::move(source);
  }
  sink_.add(FactType::call, evaluator_.location_of(node), std::move(props));
}

void ModuleAnalyzer::emit_assignment(TSNode node, TSNode target, TSNode value) {
  std::string name;
  if (ts_node_symbol(target) == g_.attribute) {
    Value base = evaluator_.eval(field(target, g_.f_object));
    if (base.kind != Value::Kind::module && base.kind != Value::Kind::object) return;
    name = base.text + "." + std::string(evaluator_.text(field(target, g_.f_attribute)));
  } else {
    Value base = evaluator_.eval(field(target, g_.f_value));
    Value key = evaluator_.eval(field(target, g_.f_subscript));
    if ((base.kind != Value::Kind::module && base.kind != Value::Kind::object) || !key.is_string()) return;
    name = base.text + "[" + key.text + "]";
  }
  add_assignment_fact(node, name, value);
}

// `get = functools.partial(requests.get, verify=False)` then `get(url)`: the call gets the
// arguments the partial fixed (after the wrapped callable) ahead of its own; its own keywords win.
Arguments ModuleAnalyzer::with_partial_arguments(TSNode function, Arguments arguments) {
  if (ts_node_symbol(function) != g_.identifier) return arguments;
  auto bound = partials_.find(std::string(evaluator_.text(function)));
  if (bound == partials_.end()) return arguments;
  Arguments fixed = evaluator_.arguments_of(bound->second);
  if (fixed.positional.empty()) return arguments;
  Arguments merged;
  merged.positional.assign(fixed.positional.begin() + 1, fixed.positional.end());
  merged.positional.insert(merged.positional.end(), arguments.positional.begin(), arguments.positional.end());
  merged.keywords = std::move(arguments.keywords);
  for (auto& fixed_keyword : fixed.keywords) {
    const std::string& name = fixed_keyword.first;
    bool overridden = std::any_of(merged.keywords.begin(), merged.keywords.end(),
                                  [&](const auto& given) { return given.first == name; });
    if (!overridden) merged.keywords.push_back(fixed_keyword);
  }
  return merged;
}

// `app.conf.update(accept_content=[...])` (Celery) and `app.config.update(DEBUG=True)` or
// `app.config.update({"DEBUG": True})` (Flask) set settings as assignments would, so each key
// becomes the assignment fact `app.conf.key = value` / `app.config[key] = value`, located at
// its value. Only receivers named `conf` / `config`: a plain `dict.update` sets no setting.
void ModuleAnalyzer::emit_settings_update(const Callee& callee, const Arguments& arguments) {
  if (callee.method != "update" || expanding_) return;
  const Value& settings = callee.receiver;
  if (settings.kind != Value::Kind::module && settings.kind != Value::Kind::object) return;
  bool attribute_style = settings.text.ends_with(".conf");
  if (!attribute_style && !settings.text.ends_with(".config")) return;
  auto target = [&](const std::string& key) {
    return attribute_style ? settings.text + "." + key : settings.text + "[" + key + "]";
  };
  for (const auto& [keyword, value] : arguments.keywords) add_assignment_fact(value, target(keyword), value);
  if (arguments.positional.empty() || ts_node_symbol(arguments.positional[0]) != g_.dictionary) return;
  TSNode mapping = arguments.positional[0];
  uint32_t count = ts_node_named_child_count(mapping);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode pair = ts_node_named_child(mapping, i);
    if (ts_node_symbol(pair) != g_.pair) continue;
    Value key = evaluator_.eval(field(pair, g_.f_key));
    if (key.is_string() && !key.partial) add_assignment_fact(field(pair, g_.f_value), target(key.text), field(pair, g_.f_value));
  }
}

void ModuleAnalyzer::add_assignment_fact(TSNode node, const std::string& target, TSNode value) {
  sink_.add(FactType::assignment, evaluator_.location_of(node),
            {{"target", target},
             {"value", ts_node_is_null(value) ? nlohmann::ordered_json() : evaluator_.describe(value)},
             {"function", routes_.current_function()}});
}

}  // namespace mlaudit::python
