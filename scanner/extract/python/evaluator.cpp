#include "extract/python/evaluator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

#include "extract/python/io_signatures.h"
#include "util/text.h"

namespace mlaudit::python {
namespace {

constexpr int kMaxEvalDepth = 48;
constexpr uint32_t kMaxDictEntries = 64;  // larger literal dicts are data, not settings

bool is_builtin(std::string_view name) {
  static constexpr std::array builtins = {"open", "eval", "exec", "compile", "__import__", "print", "input",
                                          "getattr", "setattr", "globals", "locals", "vars", "breakpoint",
                                          "exit", "str", "repr", "format"};
  return std::find(builtins.begin(), builtins.end(), name) != builtins.end();
}

// Decodes the common Python escapes; anything else is kept as written.
std::string decode_escapes(std::string_view raw, bool fstring) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (fstring && (c == '{' || c == '}') && i + 1 < raw.size() && raw[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= raw.size()) {
      out += c;
      continue;
    }
    char next = raw[++i];
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case '\n': break;  // line continuation
      case 'x':
        if (i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
          out += static_cast<char>(std::strtol(std::string(raw.substr(i + 1, 2)).c_str(), nullptr, 16));
          i += 2;
        } else {
          out += "\\x";
        }
        break;
      default:
        out += '\\';
        out += next;
    }
  }
  return out;
}

}  // namespace

std::string last_component(std::string_view qualified) {
  auto dot = qualified.rfind('.');
  return std::string(dot == std::string_view::npos ? qualified : qualified.substr(dot + 1));
}

std::string compact(std::string_view text, size_t limit) {
  std::string out;
  for (char c : text)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') out += c;
  return truncate_utf8(out, limit);
}

Evaluator::Evaluator(std::string_view source, std::string file, const LineMap& lines)
    : source_(source), file_(std::move(file)), lines_(lines), g_(Grammar::get()) {
  scopes_.emplace_back();
}

// ------------------------------------------------------------------------ scopes

Value Evaluator::lookup(std::string_view name) const {
  std::string key(name);
  if (scopes_.size() > 1) {
    if (auto found = scopes_.back().find(key); found != scopes_.back().end()) return found->second;
  }
  if (auto found = scopes_.front().find(key); found != scopes_.front().end()) return found->second;
  if (auto imported = imports_.find(key); imported != imports_.end()) return Value::module(imported->second);
  return Value::unknown(key);
}

void Evaluator::bind(std::string_view name, Value value) { scopes_.back()[std::string(name)] = std::move(value); }

void Evaluator::set_class_attribute(std::string_view name, Value value) {
  if (!class_attributes_.empty()) class_attributes_.back()[std::string(name)] = std::move(value);
}

bool travels(const Value& value) { return value.is_constant() || value.is_string() || value.kind == Value::Kind::dict; }

void Evaluator::import(const std::string& local, const std::string& qualified) {
  imports_[local] = qualified;
  scopes_.back().erase(local);
}

// -------------------------------------------------------------------- evaluation

Value Evaluator::eval(TSNode node, int depth) {
  if (ts_node_is_null(node) || depth > kMaxEvalDepth) return Value::unknown();
  TSSymbol symbol = ts_node_symbol(node);
  if (symbol == g_.string) return eval_string(node, depth);
  if (symbol == g_.concatenated_string) {
    Value joined = Value::string("");
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      Value part = eval_string(ts_node_named_child(node, i), depth + 1);
      joined.text += part.text;
      joined.partial = joined.partial || part.partial;
    }
    return joined;
  }
  if (symbol == g_.integer || symbol == g_.float_) return {Value::Kind::number, std::string(node_text(node, source_))};
  if (symbol == g_.true_) return {Value::Kind::boolean, "true"};
  if (symbol == g_.false_) return {Value::Kind::boolean, "false"};
  if (symbol == g_.none) return {Value::Kind::none, "None"};
  if (symbol == g_.identifier) return lookup(node_text(node, source_));
  if (symbol == g_.attribute) {
    Value base = eval(field(node, g_.f_object), depth + 1);
    std::string attribute(node_text(field(node, g_.f_attribute), source_));
    if (base.kind == Value::Kind::module) return Value::module(base.text + "." + attribute);
    if (base.kind == Value::Kind::dict) return entry_of(base, attribute);  // OmegaConf: cfg.model.name
    if (base.kind == Value::Kind::unknown) {
      Value attribute_value = self_attribute(field(node, g_.f_object), attribute);
      if (attribute_value.kind != Value::Kind::unknown) return attribute_value;
    }
    if (base.kind == Value::Kind::object) {
      Value object = Value::object(base.text + "." + attribute, base.items);
      object.unresolved = base.unresolved;
      object.endpoint = base.endpoint;  // client.chat.completions still talks to client's host
      return object;
    }
    return Value::unknown(std::string(node_text(node, source_)));
  }
  if (symbol == g_.call) return eval_call(node, depth);
  if (symbol == g_.list || symbol == g_.tuple) {
    Value list{Value::Kind::string_list};
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      Value item = eval(ts_node_named_child(node, i), depth + 1);
      if (!item.is_string() || item.partial) return Value::unknown("list");
      list.items.push_back(item.text);
    }
    return list;
  }
  if (symbol == g_.parenthesized_expression || symbol == g_.await_) {
    if (ts_node_named_child_count(node) == 0) return Value::unknown();
    return eval(ts_node_named_child(node, 0), depth + 1);
  }
  if (symbol == g_.binary_operator) return eval_binary(node, depth);
  if (symbol == g_.dictionary) return eval_dictionary(node, depth);
  if (symbol == g_.subscript) return eval_subscript(node, depth);
  return Value::unknown(std::string(node_text(node, source_).substr(0, 80)));
}

// {"url": "http://...", "verify": False}: the literal keys and what each holds.
Value Evaluator::eval_dictionary(TSNode node, int depth) {
  Value dict{Value::Kind::dict};
  uint32_t count = ts_node_named_child_count(node);
  if (count > kMaxDictEntries) return Value::unknown("dict");
  for (uint32_t i = 0; i < count; ++i) {
    TSNode pair = ts_node_named_child(node, i);
    if (ts_node_symbol(pair) != g_.pair) continue;  // **other: its keys are unknown, the literal ones still hold
    Value key = eval(field(pair, g_.f_key), depth + 1);
    if (!key.is_string() || key.partial) continue;
    auto existing = std::find(dict.items.begin(), dict.items.end(), key.text);
    Value entry = eval(field(pair, g_.f_value), depth + 1);
    if (existing != dict.items.end()) {
      dict.entries[static_cast<size_t>(existing - dict.items.begin())] = std::move(entry);  // the last one wins
    } else {
      dict.items.push_back(key.text);
      dict.entries.push_back(std::move(entry));
    }
  }
  return dict;
}

// cfg["url"] on a literal dict: the entry, its origin naming the key.
Value Evaluator::eval_subscript(TSNode node, int depth) {
  Value base = eval(field(node, g_.f_value), depth + 1);
  if (base.kind == Value::Kind::module && base.text == "os.environ" && config_files_) {  // os.environ["HOST"]
    Value key = eval(field(node, g_.f_subscript), depth + 1);
    if (key.is_string() && !key.partial) {
      Value configured = config_files_->environment(key.text);
      if (configured.is_string()) return configured;
    }
  }
  if (base.kind != Value::Kind::dict) return Value::unknown(std::string(node_text(node, source_).substr(0, 80)));
  Value key = eval(field(node, g_.f_subscript), depth + 1);
  if (!key.is_string() || key.partial) return Value::unknown(std::string(node_text(node, source_).substr(0, 80)));
  Value entry = entry_of(base, key.text);
  if (entry.kind == Value::Kind::unknown) return Value::unknown(std::string(node_text(node, source_).substr(0, 80)));
  return entry;
}

Value Evaluator::entry_of(const Value& dict, const std::string& key) const {
  auto found = std::find(dict.items.begin(), dict.items.end(), key);
  if (found == dict.items.end()) return Value::unknown();
  Value entry = dict.entries[static_cast<size_t>(found - dict.items.begin())];
  entry.overridable = entry.overridable || dict.overridable;  // a Hydra config's keys: the command line may override
  if (entry.origin.empty()) {
    entry.origin = "key \"" + truncate_utf8(key, 40) + "\" of a literal dict";
    if (!dict.origin.empty()) entry.origin += " (" + dict.origin + ")";
  }
  return entry;
}

// self.url inside a method: what __init__ assigned to it, when that was a travelling value.
Value Evaluator::self_attribute(TSNode object, std::string_view attribute) const {
  if (class_attributes_.empty() || ts_node_symbol(object) != g_.identifier || node_text(object, source_) != "self")
    return Value::unknown();
  const auto& attributes = class_attributes_.back();
  if (auto found = attributes.find(std::string(attribute)); found != attributes.end()) return found->second;
  return Value::unknown();
}

Value Evaluator::eval_string(TSNode node, int depth) {
  if (ts_node_symbol(node) != g_.string) return eval(node, depth);
  std::string prefix;
  bool fstring = false, raw = false;
  uint32_t count = ts_node_child_count(node);
  Value value = Value::string("");
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_child(node, i);
    TSSymbol symbol = ts_node_symbol(child);
    if (symbol == g_.string_start) {
      prefix = to_lower(node_text(child, source_));
      fstring = prefix.find('f') != std::string::npos;
      raw = prefix.find('r') != std::string::npos;
    } else if (symbol == g_.string_content) {
      auto text = node_text(child, source_);
      value.text += raw ? std::string(text) : decode_escapes(text, fstring);
    } else if (symbol == g_.interpolation) {
      TSNode expression = field(child, g_.f_expression);
      Value part = eval(expression, depth + 1);
      if ((part.is_string() && !part.partial && !part.from_environment) || part.kind == Value::Kind::number) {
        value.text += part.text;
      } else {
        value.partial = true;
        value.text += "{" + std::string(node_text(expression, source_).substr(0, 40)) + "}";
      }
    }
  }
  return value;
}

Value Evaluator::eval_binary(TSNode node, int depth) {
  std::string_view op = node_text(field(node, g_.f_operator), source_);
  TSNode left_node = field(node, g_.f_left), right_node = field(node, g_.f_right);
  Value left = eval(left_node, depth + 1), right = eval(right_node, depth + 1);
  auto piece = [&](const Value& value, TSNode side, bool& partial) {
    if (value.is_string()) {
      partial = partial || value.partial || value.from_environment;
      return value.text;
    }
    if (value.kind == Value::Kind::number) return value.text;
    partial = true;
    return "{" + std::string(node_text(side, source_).substr(0, 40)) + "}";
  };
  if (op == "+" && (left.is_string() || right.is_string())) {
    bool partial = false;
    std::string text = piece(left, left_node, partial);
    text += piece(right, right_node, partial);
    return Value::string(text, partial);
  }
  if (op == "+" && left.kind == Value::Kind::string_list && right.kind == Value::Kind::string_list) {
    left.items.insert(left.items.end(), right.items.begin(), right.items.end());
    return left;
  }
  if (op == "%" && left.is_string()) return Value::string(left.text, true);
  if (op == "|") {  // LangChain's pipe: prompt | llm | parser runs through the LLM
    for (const Value* side : {&left, &right})
      if (side->kind == Value::Kind::object && !side->model_client.empty()) {
        Value chain = Value::object("langchain.RunnableSequence()");
        chain.model_client = side->model_client;
        chain.endpoint = side->endpoint;
        return chain;
      }
  }
  if (op == "/" && left.is_string()) {  // pathlib.Path / "file"
    bool partial = left.partial;
    return Value::string(left.text + "/" + piece(right, right_node, partial), partial);
  }
  // As written, so a name bound to it (`save_path = MODEL_DIR / name`) still says what it holds.
  return Value::unknown(std::string(node_text(node, source_).substr(0, 120)));
}

Value Evaluator::eval_call(TSNode node, int depth) {
  Callee callee = resolve_callee(field(node, g_.f_function), depth + 1);
  Arguments arguments = arguments_of(node);
  const std::string& name = callee.name;
  auto argument_value = [&](int position, std::vector<std::string> keywords) {
    return eval(argument(arguments, position, keywords), depth + 1);
  };
  if (name == "os.path.join" || name == "posixpath.join") {
    bool partial = false;
    std::string joined;
    for (TSNode part : arguments.positional) {
      Value value = eval(part, depth + 1);
      std::string piece = value.is_string() ? value.text : "{" + std::string(node_text(part, source_).substr(0, 40)) + "}";
      partial = partial || !value.is_string() || value.partial || value.from_environment;
      if (!joined.empty() && !joined.ends_with("/")) joined += "/";
      joined += piece;
    }
    return Value::string(joined, partial);
  }
  if (name == "pathlib.Path" || name == "pathlib.PurePath" || name == "pathlib.PosixPath" || name == "os.fspath" ||
      name == "builtins.str" || name == "os.path.abspath" || name == "os.path.normpath" ||
      name == "os.path.expanduser" || name == "os.path.realpath") {
    if (arguments.positional.empty()) return Value::unknown();
    Value first = eval(arguments.positional[0], depth + 1);
    for (size_t i = 1; i < arguments.positional.size() && first.is_string(); ++i) {
      Value next = eval(arguments.positional[i], depth + 1);
      first.text += "/" + (next.is_string() ? next.text : "{?}");
      first.partial = first.partial || first.from_environment || !next.is_string() || next.partial || next.from_environment;
    }
    return first;
  }
  if (name == "os.getenv" || name == "os.environ.get") {
    Value variable = argument_value(0, {"key"});
    if (config_files_ && variable.is_string() && !variable.partial) {
      Value configured = config_files_->environment(variable.text);
      if (configured.is_string()) return configured;
    }
    // The default travels like a parameter's: what a run without the variable gets, marked
    // overridable (the environment may say otherwise) with its origin.
    Value fallback = argument_value(1, {"default"});
    if (!fallback.is_string() || fallback.text.empty()) return Value::unknown("env");
    fallback.origin = "default of environment variable `" +
                      (variable.is_string() && !variable.partial ? truncate_utf8(variable.text, 60) : std::string("?")) +
                      "` (line " + std::to_string(location_of(node).line) + ")";
    fallback.overridable = true;
    fallback.from_environment = true;
    return fallback;
  }
  if (callee.method == "format" && callee.receiver.is_string()) return Value::string(callee.receiver.text, true);
  // functools.partial(requests.get, ...) is called as what it wraps (the analyzer adds the
  // arguments it fixed).
  if (name == "functools.partial" && !arguments.positional.empty()) {
    Value wrapped = eval(arguments.positional[0], depth + 1);
    if (wrapped.kind == Value::Kind::module || wrapped.kind == Value::Kind::object || wrapped.kind == Value::Kind::function)
      return wrapped;
  }
  if (config_files_ && loads_settings_file(name)) {
    Value source = argument_value(0, {"stream", "fp", "file", "f"});
    bool path_given = source.kind == Value::Kind::file_handle ||
                      ((name == "omegaconf.OmegaConf.load" || name == "toml.load") && source.is_string());
    if (path_given && !source.partial) {
      Value settings = config_files_->load(source.text);
      if (settings.kind == Value::Kind::dict) return settings;
    }
  }
  if (callee.method == "get" && callee.receiver.kind == Value::Kind::dict) {  // cfg.get("url", default)
    Value key = argument_value(0, {});
    Value entry = key.is_string() && !key.partial ? entry_of(callee.receiver, key.text) : Value::unknown();
    if (entry.kind != Value::Kind::unknown) return entry;
    return argument_value(1, {});
  }
  if (name == "builtins.open" || name == "io.open" || name == "codecs.open" ||
      (callee.method == "open" && callee.receiver.is_string())) {
    bool method_form = callee.method == "open" && callee.receiver.is_string();
    Value path = method_form ? callee.receiver : argument_value(0, {"file"});
    Value mode = argument_value(method_form ? 0 : 1, {"mode"});
    Value handle{Value::Kind::file_handle, path.is_string() ? path.text : std::string()};
    handle.partial = !path.is_string() || path.partial;
    handle.mode = mode.is_string() ? mode.text : "r";
    return handle;
  }
  // handle.read() of a file opened on a known path: the contents of that file, named so that
  // a rule can tell the project's own source (`exec(f.read())` of pipelines/__version__.py).
  if ((callee.method == "read" || callee.method == "readlines") && callee.receiver.kind == Value::Kind::file_handle &&
      !callee.receiver.text.empty())
    return Value::object("open(" + callee.receiver.text + ")." + callee.method + "()", {callee.receiver.text});
  std::vector<std::string> literals = callee.receiver.kind == Value::Kind::object ? callee.receiver.items
                                                                                   : std::vector<std::string>{};
  if (!arguments.positional.empty()) {
    Value first = eval(arguments.positional[0], depth + 1);
    if (first.is_string() && !first.partial) literals.push_back(first.text);
    // Wrappers keep what they wrap: io.BytesIO(requests.get(url).content) still holds url's bytes.
    else if (first.kind == Value::Kind::object) literals.insert(literals.end(), first.items.begin(), first.items.end());
  }
  Value object = Value::object(name + "()", std::move(literals));
  object.unresolved = !callee.resolved;
  remember_model_client(object, callee, arguments, depth);
  return object;
}

// A framework's LLM object knows its API host; a chain, agent or engine built with one
// (LLMChain(llm=llm), initialize_agent(tools, llm)) sends what it is run with to that host.
void Evaluator::remember_model_client(Value& object, const Callee& callee, const Arguments& arguments, int depth) {
  for (const auto& [keyword, node] : arguments.keywords) {
    if (keyword != "base_url" && keyword != "api_base" && keyword != "openai_api_base" && keyword != "azure_endpoint" &&
        keyword != "endpoint")
      continue;
    // At most one call inside (os.getenv("BASE")): nested clients' base URLs are not evaluated
    // again at every level.
    std::string_view text = node_text(node, source_);
    Value url = std::count(text.begin(), text.end(), '(') <= 1 ? eval(node, depth + 1) : Value::unknown();
    object.endpoint = url.is_string() && !url.partial ? url.text : "{configured}";
  }
  if (!IoCatalog::get().hosted_model_host(callee.name).empty()) {
    object.model_client = object.text;
    return;
  }
  // Only names, attributes and calls are looked at: an LLM object is held in a variable or
  // made in place (LLMChain(llm=ChatOpenAI())); literals and expressions hold none.
  // Names only (`llm`, `self.llm`, `ChatOpenAI`): an argument or callee built from calls was
  // evaluated already, and evaluating it again at every level would grow exponentially.
  auto plain_name = [&](TSNode node) {
    TSSymbol symbol = ts_node_symbol(node);
    return (symbol == g_.identifier || symbol == g_.attribute) && node_text(node, source_).find('(') == std::string_view::npos;
  };
  auto wrapped = [&](TSNode node) {
    TSSymbol symbol = ts_node_symbol(node);
    if (symbol == g_.call) {  // by the callee's name only
      TSNode function = field(node, g_.f_function);
      if (!plain_name(function)) return false;
      std::string name = resolve_callee(function, depth + 1).name;
      if (IoCatalog::get().hosted_model_host(name).empty()) return false;
      object.model_client = name + "()";
      return true;
    }
    if (!plain_name(node)) return false;
    Value value = eval(node, depth + 1);
    if (value.kind != Value::Kind::object || value.model_client.empty()) return false;
    object.model_client = value.model_client;
    if (object.endpoint.empty()) object.endpoint = value.endpoint;
    return true;
  };
  for (TSNode node : arguments.positional)
    if (wrapped(node)) return;
  for (const auto& [keyword, node] : arguments.keywords)
    if (wrapped(node)) return;
}

Callee Evaluator::resolve_callee(TSNode function, int depth) {
  Callee callee;
  if (ts_node_is_null(function)) return callee;
  TSSymbol symbol = ts_node_symbol(function);
  if (symbol == g_.identifier) {
    std::string name(node_text(function, source_));
    Value value = lookup(name);
    callee.method = name;
    callee.receiver = value;
    switch (value.kind) {
      case Value::Kind::module:
        callee.name = value.text;
        callee.resolved = true;
        callee.method = last_component(value.text);
        return callee;
      case Value::Kind::object:
        callee.name = value.text;
        callee.resolved = !value.unresolved;
        callee.method.clear();
        return callee;
      case Value::Kind::function:  // a def, or a name bound to one (functools.partial)
        callee.name = value.text.empty() ? name : value.text;
        callee.resolved = true;
        return callee;
      default:
        if (is_builtin(name)) {
          callee.name = "builtins." + name;
          callee.resolved = true;
        } else {
          callee.name = name;
        }
        return callee;
    }
  }
  if (symbol == g_.attribute) {
    TSNode object = field(function, g_.f_object);
    std::string attribute(node_text(field(function, g_.f_attribute), source_));
    Value base = eval(object, depth + 1);
    callee.method = attribute;
    callee.receiver = base;
    if (base.kind == Value::Kind::module || base.kind == Value::Kind::object) {
      callee.name = base.text + "." + attribute;
      callee.resolved = !base.unresolved;
    } else if (base.is_string()) {
      callee.name = "str." + attribute;
      callee.resolved = true;
    } else if (Value held = self_attribute(object, attribute); held.kind == Value::Kind::object) {
      // self.llm(text): calling the object that __init__ stored
      callee.name = held.text;
      callee.resolved = !held.unresolved;
      callee.method.clear();
      callee.receiver = std::move(held);
    } else {
      callee.name = compact(node_text(object, source_), 80) + "." + attribute;
    }
    return callee;
  }
  Value value = eval(function, depth + 1);
  callee.receiver = value;
  if (value.kind == Value::Kind::object) {
    callee.name = value.text;
    callee.resolved = !value.unresolved;
  } else {
    callee.name = compact(node_text(function, source_), 80);
  }
  return callee;
}

Arguments Evaluator::arguments_of(TSNode call) const {
  Arguments arguments;
  TSNode list = field(call, g_.f_arguments);
  if (ts_node_is_null(list)) return arguments;
  if (ts_node_symbol(list) == g_.generator_expression) {
    arguments.positional.push_back(list);
    return arguments;
  }
  uint32_t count = ts_node_named_child_count(list);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(list, i);
    TSSymbol symbol = ts_node_symbol(child);
    if (symbol == g_.keyword_argument) {
      arguments.keywords.emplace_back(std::string(node_text(field(child, g_.f_name), source_)),
                                      field(child, g_.f_value));
    } else if (symbol != g_.comment && symbol != g_.list_splat && symbol != g_.dictionary_splat) {
      arguments.positional.push_back(child);
    }
  }
  return arguments;
}

TSNode argument(const Arguments& arguments, int position, const std::vector<std::string>& keywords) {
  for (const auto& [name, value] : arguments.keywords)
    for (const auto& keyword : keywords)
      if (name == keyword) return value;
  if (position >= 0 && static_cast<size_t>(position) < arguments.positional.size())
    return arguments.positional[static_cast<size_t>(position)];
  return TSNode{};
}

// -------------------------------------------------------------------- the source

Location Evaluator::location_of(TSNode node) const {
  TSPoint start = ts_node_start_point(node), end = ts_node_end_point(node);
  Location location{file_};
  location.line = lines_.line(start.row);
  location.column = lines_.column(start.row, start.column);
  location.end_line = lines_.line(end.row);
  location.end_column = lines_.column(end.row, end.column);
  return location;
}

std::string Evaluator::text_of(TSNode node, size_t limit) const {
  return truncate_utf8(node_text(node, source_), limit);
}

nlohmann::ordered_json Evaluator::describe(TSNode node) {
  nlohmann::ordered_json description(nlohmann::ordered_json::value_t::object);
  description.get_ref<nlohmann::ordered_json::object_t&>().reserve(4);
  description["text"] = text_of(node, 80);
  auto set = [&description](const char* kind, nlohmann::ordered_json value, bool literal) {
    description["kind"] = kind;
    description["value"] = std::move(value);
    description["literal"] = literal;
  };
  Value value = eval(node);
  TSSymbol symbol = ts_node_symbol(node);
  switch (value.kind) {
    case Value::Kind::string: {
      bool fstring = symbol == g_.string && to_lower(node_text(node, source_).substr(0, 3)).find('f') != std::string::npos;
      set(value.partial ? (fstring ? "fstring" : "formatted") : "string", truncate_utf8(value.text, 300), !value.partial);
      break;
    }
    case Value::Kind::number: set("number", value.text, true); break;
    case Value::Kind::boolean: set("bool", value.text == "true", true); break;
    case Value::Kind::none: set("none", nullptr, true); break;
    case Value::Kind::string_list: set("list", value.items, true); break;
    case Value::Kind::dict: {
      description["kind"] = "dict";
      description["keys"] = value.items;
      description["literal"] = false;
      break;
    }
    case Value::Kind::module: set("name", value.text, false); break;
    case Value::Kind::object: set("object", value.text, false); break;
    case Value::Kind::file_handle: set("file", value.text, false); break;
    case Value::Kind::function: set("function", value.text, false); break;
    case Value::Kind::unknown: {
      const char* kind = symbol == g_.identifier     ? "name"
                         : symbol == g_.attribute    ? "attribute"
                         : symbol == g_.call         ? "call"
                         : symbol == g_.dictionary   ? "dict"
                         : symbol == g_.list         ? "list"
                         : symbol == g_.lambda       ? "lambda"
                         : symbol == g_.subscript    ? "subscript"
                                                     : "expression";
      description["kind"] = kind;  // no value: the text says all that is known
      description["literal"] = false;
      break;
    }
  }
  // A value that travelled here says where it came from; a parameter's default is no
  // literal of the call, since any caller may pass another value.
  if (!value.origin.empty()) description["via"] = truncate_utf8(value.origin, 160);
  if (value.overridable) description["literal"] = false;
  return description;
}

}  // namespace mlaudit::python
