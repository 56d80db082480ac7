#include "extract/python/module_analyzer.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "extract/python/web_frameworks.h"
#include "util/text.h"

namespace mlaudit::python {
namespace {

constexpr int kMaxVisitDepth = 600;  // deeper trees are left unvisited, with a diagnostic
constexpr int kMaxEvalDepth = 48;
constexpr size_t kMaxNames = 40;

bool is_builtin(std::string_view name) {
  static constexpr std::array builtins = {"open", "eval", "exec", "compile", "__import__", "print", "input",
                                          "getattr", "setattr", "globals", "locals", "vars", "breakpoint",
                                          "exit", "str", "repr", "format"};
  return std::find(builtins.begin(), builtins.end(), name) != builtins.end();
}

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

std::string scheme_of(std::string_view text) {
  static const RE2 pattern(R"(^([A-Za-z][A-Za-z0-9+.\-]*)://)");
  std::string scheme;
  if (RE2::PartialMatch(text, pattern, &scheme)) return to_lower(scheme);
  if (text.starts_with("models:/")) return "models";
  if (text.starts_with("runs:/")) return "runs";
  return {};
}

std::string kind_of_target(std::string_view target) {
  std::string scheme = scheme_of(target);
  if (scheme.empty() || scheme == "file") return "file";
  if (scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "ftps") return "url";
  if (scheme == "s3" || scheme == "s3a" || scheme == "gs" || scheme == "gcs" || scheme == "az" || scheme == "abfs" ||
      scheme == "abfss" || scheme == "wasb" || scheme == "wasbs" || scheme == "hdfs" || scheme == "oss")
    return "bucket";
  if (scheme == "models") return "registry";
  if (scheme == "runs") return "tracking";
  if (scheme == "hf") return "hub";
  if (scheme.find("sql") != std::string::npos || scheme.starts_with("postgres") || scheme.starts_with("mongodb") ||
      scheme == "redis" || scheme == "mysql" || scheme == "mssql" || scheme == "oracle")
    return "database";
  return "url";
}

std::string format_of_path(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return "file";
  std::string extension = to_lower(path.substr(dot + 1));
  static const std::unordered_map<std::string, std::string> formats = {
      {"csv", "csv"}, {"tsv", "csv"}, {"json", "json"}, {"jsonl", "json"}, {"parquet", "parquet"},
      {"pkl", "pickle"}, {"pickle", "pickle"}, {"joblib", "joblib"}, {"pt", "torch"}, {"pth", "torch"},
      {"bin", "binary"}, {"h5", "hdf5"}, {"keras", "keras"}, {"onnx", "onnx"}, {"safetensors", "safetensors"},
      {"npy", "numpy"}, {"npz", "numpy"}, {"log", "log"}, {"txt", "text"}, {"yaml", "yaml"}, {"yml", "yaml"},
      {"xlsx", "excel"}, {"db", "sqlite"}, {"sqlite", "sqlite"}};
  auto found = formats.find(extension);
  return found == formats.end() ? "file" : found->second;
}

std::string artifact_of_format(std::string_view format) {
  if (format == "pickle" || format == "joblib" || format == "torch" || format == "keras" || format == "onnx" ||
      format == "safetensors" || format == "hdf5")
    return "model";
  if (format == "csv" || format == "parquet" || format == "json" || format == "excel" || format == "numpy" ||
      format == "sqlite")
    return "dataset";
  if (format == "log") return "log";
  return "file";
}

// Receivers that plausibly hold tabular data: results of dataframe libraries, or names
// data scientists give frames and rows.
bool holds_table(const Value& base, std::string_view receiver) {
  if (base.kind == Value::Kind::object &&
      (base.text.starts_with("pandas.") || base.text.starts_with("polars.") || base.text.starts_with("pyspark.") ||
       base.text.starts_with("datasets.") || base.text.find("DataFrame") != std::string::npos ||
       base.text.find("read_") != std::string::npos))
    return true;
  static const RE2 names(
      R"((?i)(^|[._])(df|dfs|frame|frames|data|dataset|table|train|test|valid|x|x_train|x_test|features|row|rows|record|records|sample|samples|batch|customer|customers|user|users|patient|patients|person|people|applicant|applicants|employee|employees|client|clients|member|members|subject|subjects)(_?\d*|_df|_data)$)");
  return RE2::PartialMatch(receiver, names);
}

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

bool is_feature_list_name(std::string_view name) {
  static const RE2 pattern(R"((?i)(feature|column|^cols$|_cols$|cols_|fields|predictors|attributes|variables|inputs))");
  return RE2::PartialMatch(name, pattern);
}

}  // namespace

ModuleAnalyzer::ModuleAnalyzer(std::string_view source, std::string file, const LineMap& lines, FactSink& sink)
    : source_(source), file_(std::move(file)), lines_(lines), sink_(sink), g_(Grammar::get()) {
  scopes_.emplace_back();
}

void ModuleAnalyzer::analyze(TSNode root) {
  visit(root, 0);
  finalize_routes();
}

// ------------------------------------------------------------------------ scopes

Value ModuleAnalyzer::lookup(std::string_view name) const {
  std::string key(name);
  if (scopes_.size() > 1) {
    if (auto found = scopes_.back().find(key); found != scopes_.back().end()) return found->second;
  }
  if (auto found = scopes_.front().find(key); found != scopes_.front().end()) return found->second;
  if (auto imported = imports_.find(key); imported != imports_.end()) return Value::module(imported->second);
  return Value::unknown(key);
}

void ModuleAnalyzer::bind(std::string_view name, Value value) { scopes_.back()[std::string(name)] = std::move(value); }

// -------------------------------------------------------------------- evaluation

Value ModuleAnalyzer::eval(TSNode node, int depth) {
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
    if (base.kind == Value::Kind::object) {
      Value object = Value::object(base.text + "." + attribute, base.items);
      object.unresolved = base.unresolved;
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
  return Value::unknown(std::string(node_text(node, source_).substr(0, 80)));
}

Value ModuleAnalyzer::eval_string(TSNode node, int depth) {
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
      if ((part.is_string() && !part.partial) || part.kind == Value::Kind::number) {
        value.text += part.text;
      } else {
        value.partial = true;
        value.text += "{" + std::string(node_text(expression, source_).substr(0, 40)) + "}";
      }
    }
  }
  return value;
}

Value ModuleAnalyzer::eval_binary(TSNode node, int depth) {
  std::string_view op = node_text(field(node, g_.f_operator), source_);
  TSNode left_node = field(node, g_.f_left), right_node = field(node, g_.f_right);
  Value left = eval(left_node, depth + 1), right = eval(right_node, depth + 1);
  auto piece = [&](const Value& value, TSNode side, bool& partial) {
    if (value.is_string()) {
      partial = partial || value.partial;
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
  if (op == "/" && left.is_string()) {  // pathlib.Path / "file"
    bool partial = left.partial;
    return Value::string(left.text + "/" + piece(right, right_node, partial), partial);
  }
  return Value::unknown();
}

Value ModuleAnalyzer::eval_call(TSNode node, int depth) {
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
      partial = partial || !value.is_string() || value.partial;
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
      first.partial = first.partial || !next.is_string() || next.partial;
    }
    return first;
  }
  if (name == "os.getenv" || name == "os.environ.get") {
    Value fallback = argument_value(1, {"default"});
    if (fallback.is_string()) return Value::string(fallback.text, true);  // the value depends on the environment
    return Value::unknown("env");
  }
  if (callee.method == "format" && callee.receiver.is_string()) return Value::string(callee.receiver.text, true);
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
  return object;
}

ModuleAnalyzer::Callee ModuleAnalyzer::resolve_callee(TSNode function, int depth) {
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
      case Value::Kind::function:
        callee.name = name;
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

ModuleAnalyzer::Arguments ModuleAnalyzer::arguments_of(TSNode call) const {
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

TSNode ModuleAnalyzer::argument(const Arguments& arguments, int position, const std::vector<std::string>& keywords) {
  for (const auto& [name, value] : arguments.keywords)
    for (const auto& keyword : keywords)
      if (name == keyword) return value;
  if (position >= 0 && static_cast<size_t>(position) < arguments.positional.size())
    return arguments.positional[static_cast<size_t>(position)];
  return TSNode{};
}

// --------------------------------------------------------------------- traversal

void ModuleAnalyzer::visit(TSNode node, int depth) {
  if (ts_node_is_null(node)) return;
  if (depth > kMaxVisitDepth) {
    if (!depth_warning_given_) {
      depth_warning_given_ = true;
      sink_.diagnose(DiagnosticLevel::warning, "nesting-too-deep", location_of(node),
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
      module = std::string(node_text(field(child, g_.f_name), source_));
      alias = std::string(node_text(field(child, g_.f_alias), source_));
      imports_[alias] = module;
      scopes_.back().erase(alias);
    } else if (ts_node_symbol(child) == g_.dotted_name) {
      module = std::string(node_text(child, source_));
      std::string top = module.substr(0, module.find('.'));
      imports_[top] = top;
      scopes_.back().erase(top);
    } else {
      continue;
    }
    if (module.starts_with("django") || module.starts_with("rest_framework")) imports_django_ = true;
    sink_.add(FactType::import, location_of(child), {{"module", module}, {"name", ""}, {"alias", alias}});
  }
}

void ModuleAnalyzer::visit_import_from(TSNode node) {
  std::string module(node_text(field(node, g_.f_module_name), source_));
  if (module.starts_with("django") || module.starts_with("rest_framework")) imports_django_ = true;
  TSNode module_node = field(node, g_.f_module_name);
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    if (ts_node_symbol(child) == g_.wildcard_import) {
      sink_.add(FactType::import, location_of(child), {{"module", module}, {"name", "*"}, {"alias", ""}});
      continue;
    }
    // Every named child after the module is an imported name (dotted or aliased).
    if (ts_node_eq(child, module_node) ||
        (ts_node_symbol(child) != g_.dotted_name && ts_node_symbol(child) != g_.aliased_import))
      continue;
    std::string name, alias;
    if (ts_node_symbol(child) == g_.aliased_import) {
      name = std::string(node_text(field(child, g_.f_name), source_));
      alias = std::string(node_text(field(child, g_.f_alias), source_));
    } else {
      name = std::string(node_text(child, source_));
    }
    std::string local = alias.empty() ? name : alias;
    std::string qualified = module.ends_with(".") ? module + name : module + "." + name;
    imports_[local] = qualified;
    scopes_.back().erase(local);
    sink_.add(FactType::import, location_of(child), {{"module", module}, {"name", name}, {"alias", alias}});
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
    decorator.text = std::string(node_text(expression, source_).substr(0, 400));
    if (ts_node_symbol(expression) == g_.call) {
      decorator.is_call = true;
      decorator.call = expression;
      Callee callee = resolve_callee(field(expression, g_.f_function), 0);
      decorator.callee = callee.name;
      decorator.method = callee.method;
    } else {
      Callee callee = resolve_callee(expression, 0);
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
  std::string name(node_text(field(node, g_.f_name), source_));
  bind(name, {Value::Kind::function, name});
  TSNode parameters = field(node, g_.f_parameters);
  visit(parameters, depth + 1);  // defaults such as Depends(...) are calls too

  FunctionFrame frame;
  frame.name = name;
  frame.decorators = std::move(decorators);
  frame.parameters_text = std::string(node_text(parameters, source_).substr(0, 4000));
  frames_.push_back(std::move(frame));
  scopes_.emplace_back();
  uint32_t count = ts_node_is_null(parameters) ? 0 : ts_node_named_child_count(parameters);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode parameter = ts_node_named_child(parameters, i);
    TSNode name_node = ts_node_symbol(parameter) == g_.identifier ? parameter : field(parameter, g_.f_name);
    if (ts_node_is_null(name_node) && ts_node_named_child_count(parameter) > 0)
      name_node = ts_node_named_child(parameter, 0);
    if (!ts_node_is_null(name_node) && ts_node_symbol(name_node) == g_.identifier)
      bind(node_text(name_node, source_), Value::unknown(std::string(node_text(name_node, source_))));
  }
  visit(field(node, g_.f_body), depth + 1);
  scopes_.pop_back();
  FunctionFrame finished = std::move(frames_.back());
  frames_.pop_back();
  finish_function(finished, node);
}

void ModuleAnalyzer::visit_class(TSNode node, const std::vector<Decorator>& decorators, int depth) {
  std::string name(node_text(field(node, g_.f_name), source_));
  bind(name, {Value::Kind::function, name});
  TSNode bases = field(node, g_.f_superclasses);
  TSNode body = field(node, g_.f_body);
  if (imports_django_ && frames_.empty()) {
    std::string markers(node_text(bases, source_));
    for (const auto& decorator : decorators) markers += " " + decorator.text;
    uint32_t count = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
    for (uint32_t i = 0; i < count; ++i) {
      auto statement = node_text(ts_node_named_child(body, i), source_);
      if (statement.starts_with("permission_classes") || statement.starts_with("authentication_classes"))
        markers += " " + std::string(statement.substr(0, 400));
    }
    bool has_view_base = markers.find("View") != std::string::npos || markers.find("ViewSet") != std::string::npos;
    if (has_view_base)
      sink_.add(FactType::view, location_of(field(node, g_.f_name)),
                {{"name", name}, {"kind", "class"}, {"auth", is_django_auth_marker(markers)}});
  }
  record_schema_class(node, name, decorators);
  if (!ts_node_is_null(bases)) visit(bases, depth + 1);
  scopes_.emplace_back();
  visit(body, depth + 1);
  scopes_.pop_back();
}

// Data model classes name the fields a service accepts or stores (a pydantic request body,
// an ORM table): a schema_class fact with the field names, for personal-data matching.
void ModuleAnalyzer::record_schema_class(TSNode node, const std::string& name, const std::vector<Decorator>& decorators) {
  std::string bases(node_text(field(node, g_.f_superclasses), source_));
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
    std::string field_name(node_text(left, source_));
    if (field_name.starts_with("_") || field_name == "model_config") continue;
    fields.push_back(std::move(field_name));
  }
  if (!fields.empty())
    sink_.add(FactType::schema_class, location_of(field(node, g_.f_name)), {{"name", name}, {"kind", kind}, {"fields", fields}});
}

void ModuleAnalyzer::visit_assignment(TSNode node, int depth) {
  TSNode left = field(node, g_.f_left), right = field(node, g_.f_right);
  if (!ts_node_is_null(right)) visit(right, depth + 1);
  if (ts_node_is_null(left)) return;
  TSSymbol symbol = ts_node_symbol(left);
  if (symbol == g_.identifier) {
    std::string name(node_text(left, source_));
    Value value = ts_node_is_null(right) ? Value::unknown() : eval(right);
    if (value.kind == Value::Kind::string_list && !value.items.empty() && is_feature_list_name(name))
      sink_.add(FactType::feature_list, location_of(left), {{"name", name}, {"columns", value.items}});
    bind(name, std::move(value));
  } else if (symbol == g_.attribute || symbol == g_.subscript) {
    emit_assignment(node, left, right);
    visit(left, depth + 1);
  } else {
    // tuple targets: forget what the names held
    uint32_t count = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode target = ts_node_named_child(left, i);
      if (ts_node_symbol(target) == g_.identifier) bind(node_text(target, source_), Value::unknown());
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
      if (ts_node_symbol(target) == g_.identifier) bind(node_text(target, source_), eval(expression));
    }
    return;
  }
  visit(value, depth + 1);
}

void ModuleAnalyzer::visit_call(TSNode node, int depth) {
  TSNode function = field(node, g_.f_function);
  Callee callee = resolve_callee(function, 0);
  Arguments arguments = arguments_of(node);
  emit_call(node, callee, arguments);
  emit_io(node, callee, arguments);
  std::string level;
  if (is_log_call(callee.name, callee.method, level)) emit_log(node, callee, arguments, level);
  emit_network_bind(node, callee, arguments);
  if (callee.name == "django.urls.path" || callee.name == "django.urls.re_path" ||
      callee.name == "django.conf.urls.url")
    emit_django_route(node, arguments);
  if (callee.method == "drop") {
    Value columns = eval(argument(arguments, -1, {"columns"}));
    if (columns.kind == Value::Kind::string_list) emit_columns(node, columns.items, "drop", callee.name);
  }
  if (Value usecols = eval(argument(arguments, -1, {"usecols"})); usecols.kind == Value::Kind::string_list)
    emit_columns(node, usecols.items, "read", callee.name);
  record_in_frame(callee, node, arguments);
  visit(function, depth + 1);
  visit(field(node, g_.f_arguments), depth + 1);
}

void ModuleAnalyzer::visit_subscript(TSNode node, int depth) {
  TSNode value = field(node, g_.f_value);
  TSNode key_node = field(node, g_.f_subscript);
  Value key = eval(key_node);
  Value base = eval(value);
  std::string receiver = compact(node_text(value, source_), 60);
  bool from_request = (base.kind == Value::Kind::module || base.kind == Value::Kind::object) &&
                      (base.text.starts_with("flask.request") || base.text.starts_with("fastapi.Request") ||
                       base.text.starts_with("request."));
  if (!from_request && base.kind == Value::Kind::unknown)
    from_request = receiver.starts_with("request.") || receiver == "payload" || receiver == "data";
  if (from_request && key.is_string() && !frames_.empty()) {
    frames_.back().request_fields.push_back(key.text);
  } else if (base.kind != Value::Kind::module) {
    // A list of names selects columns whatever the receiver; a single name only on
    // something that holds tabular data (dict lookups such as config["lr"] are not columns).
    if (key.kind == Value::Kind::string_list) emit_columns(node, key.items, "select", receiver);
    else if (key.is_string() && !key.partial && holds_table(base, receiver)) emit_columns(node, {key.text}, "select", receiver);
  }
  if (!frames_.empty() && key.is_string() && is_credential_header(key.text)) frames_.back().checks_auth = true;
  visit(value, depth + 1);
  visit(key_node, depth + 1);
}

void ModuleAnalyzer::visit_string(TSNode node) {
  auto raw = node_text(node, source_);
  // Cheap test before decoding: credential header names all contain one of these.
  auto maybe_header = [](std::string_view text) {
    std::string lowered = to_lower(text);
    return lowered.find("auth") != std::string::npos || lowered.find("api") != std::string::npos ||
           lowered.find("bearer") != std::string::npos || lowered.find("token") != std::string::npos;
  };
  if (!frames_.empty() && raw.size() < 40 && maybe_header(raw)) {
    Value value = eval_string(node, 0);
    if (is_credential_header(value.text)) frames_.back().checks_auth = true;
  }
  if (raw.find("://") == std::string_view::npos && raw.find("models:/") == std::string_view::npos) return;
  Value value = eval_string(node, 0);
  std::string scheme = scheme_of(value.text);
  if (scheme.empty()) return;
  sink_.add(FactType::string_literal, location_of(node),
            {{"value", truncate_utf8(value.text, 300)}, {"scheme", scheme}, {"partial", value.partial}});
}

// ------------------------------------------------------------------------- facts

Location ModuleAnalyzer::location_of(TSNode node) const {
  TSPoint start = ts_node_start_point(node), end = ts_node_end_point(node);
  Location location{file_};
  location.line = lines_.line(start.row);
  location.column = lines_.column(start.row, start.column);
  location.end_line = lines_.line(end.row);
  location.end_column = lines_.column(end.row, end.column);
  return location;
}

std::string ModuleAnalyzer::text_of(TSNode node, size_t limit) const {
  return truncate_utf8(node_text(node, source_), limit);
}

nlohmann::ordered_json ModuleAnalyzer::describe(TSNode node) {
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
  return description;
}

void ModuleAnalyzer::emit_call(TSNode node, const Callee& callee, const Arguments& arguments) {
  // Built key by key: nlohmann's initializer lists make a temporary array per pair, and
  // call facts are the most numerous of all.
  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props.get_ref<nlohmann::ordered_json::object_t&>().reserve(8);
  props["callee"] = callee.name;
  props["resolved"] = callee.resolved;
  props["method"] = callee.method;
  auto& args = props["args"] = nlohmann::ordered_json::array();
  for (TSNode argument_node : arguments.positional) args.push_back(describe(argument_node));
  auto& kwargs = props["kwargs"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : arguments.keywords) kwargs[name] = describe(value);
  props["function"] = frames_.empty() ? std::string() : frames_.back().name;
  props["text"] = text_of(node, 120);
  sink_.add(FactType::call, location_of(node), std::move(props));
}

std::optional<std::string> ModuleAnalyzer::resolve_target(const ArgumentSpec& spec, const Arguments& arguments,
                                                          const Callee& callee, bool& partial) {
  if (!spec.fixed.empty()) return spec.fixed;
  if (spec.receiver_literal >= 0) {
    const auto& literals = callee.receiver.items;
    if (callee.receiver.kind == Value::Kind::object && static_cast<size_t>(spec.receiver_literal) < literals.size())
      return literals[static_cast<size_t>(spec.receiver_literal)];
    return std::nullopt;
  }
  TSNode node = argument(arguments, spec.position, spec.keywords);
  if (ts_node_is_null(node)) return std::nullopt;
  Value value = eval(node);
  if (spec.downloaded) {
    // pickle.loads(requests.get(URL).content): the bytes come from the URL the download was given.
    if (value.kind == Value::Kind::object && !value.items.empty() && !scheme_of(value.items.front()).empty() &&
        (value.text.starts_with("requests.") || value.text.starts_with("urllib.") || value.text.starts_with("httpx.") ||
         value.text.starts_with("io.BytesIO(") || value.text.starts_with("boto3.") || value.text.starts_with("aiohttp.")))
      return value.items.front();
    return std::nullopt;
  }
  if (value.kind == Value::Kind::file_handle && !value.text.empty()) {
    partial = partial || value.partial;
    // pickle.load(open(p, "rb")): the load describes the read; the open() is not a second one.
    if (ts_node_symbol(node) == g_.call) consumed_opens_.insert(ts_node_start_byte(node));
    return value.text;
  }
  if (spec.handle) return std::nullopt;
  if (value.is_string()) {
    partial = partial || value.partial;
    return value.text;
  }
  return std::nullopt;
}

bool ModuleAnalyzer::condition_holds(const KeywordCondition& condition, const Arguments& arguments) {
  TSNode node = argument(arguments, condition.position, {condition.keyword});
  if (ts_node_is_null(node)) return false;
  Value value = eval(node);
  if (condition.equals.is_boolean())
    return value.kind == Value::Kind::boolean && (value.text == "true") == condition.equals.get<bool>();
  return value.is_string() && condition.equals.is_string() && value.text == condition.equals.get<std::string>();
}

void ModuleAnalyzer::emit_io(TSNode node, const Callee& callee, const Arguments& arguments) {
  if (callee.name == "builtins.open" || callee.name == "io.open" || callee.name == "codecs.open") {
    if (!consumed_opens_.contains(ts_node_start_byte(node))) emit_io_for_open(node, arguments);
    return;
  }
  if (callee.name == "mlflow.set_tracking_uri") {
    Value uri = eval(argument(arguments, 0, {"uri"}));
    if (uri.is_string() && !scheme_of(uri.text).empty())
      sink_.add(FactType::tracking_uri, location_of(node),
                {{"uri", truncate_utf8(uri.text, 300)}, {"scheme", scheme_of(uri.text)}, {"source", "code"},
                 {"partial", uri.partial}});
  }
  for (const IoSignature* signature : IoCatalog::get().lookup(callee.name, callee.method)) {
    if (!signature->method.empty() && callee.method != signature->method) continue;
    bool partial = false;
    std::optional<std::string> target;
    if (signature->bucket.present()) {
      auto bucket = resolve_target(signature->bucket, arguments, callee, partial);
      auto key = resolve_target(signature->key, arguments, callee, partial);
      if (bucket) target = signature->scheme + *bucket + "/" + key.value_or("{key}");
      partial = partial || !key;
    } else if (signature->target.present()) {
      target = resolve_target(signature->target, arguments, callee, partial);
    }
    if (!signature->extensions.empty()) {
      if (!target) continue;
      std::string lowered = to_lower(*target);
      bool listed = std::any_of(signature->extensions.begin(), signature->extensions.end(),
                                [&](const std::string& extension) { return lowered.ends_with(extension); });
      if (!listed) continue;
    }
    std::string deserializes = signature->deserializes;
    if (signature->safe_when && condition_holds(*signature->safe_when, arguments)) deserializes.clear();
    if (signature->only_when && !condition_holds(*signature->only_when, arguments)) deserializes.clear();
    std::string kind = !signature->kind.empty() ? signature->kind : target ? kind_of_target(*target) : "file";
    if (kind == "hub" && target && (target->starts_with("/") || target->starts_with("./") || target->starts_with("../")))
      kind = "file";  // from_pretrained("./local_dir") reads the local disk
    std::string format = signature->format.empty() && target ? format_of_path(*target) : signature->format;
    std::string artifact = signature->artifact.empty() ? artifact_of_format(format) : signature->artifact;
    nlohmann::ordered_json props = {{"direction", signature->direction},
                            {"target_kind", kind},
                            {"target", target ? nlohmann::ordered_json(truncate_utf8(*target, 300)) : nlohmann::ordered_json()},
                            {"target_partial", partial},
                            {"format", format},
                            {"artifact", artifact},
                            {"deserializes", deserializes.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(deserializes)},
                            {"via", callee.name},
                            {"function", frames_.empty() ? "" : frames_.back().name}};
    if (kind == "hub") {
      // A hub model is pinned only by an immutable commit hash, not a branch or tag.
      static const RE2 commit(R"(^[0-9a-f]{7,40}$)");
      Value revision = eval(argument(arguments, -1, {"revision", "commit_hash"}));
      props["revision_pinned"] = revision.is_string() && !revision.partial && RE2::FullMatch(revision.text, commit);
    }
    if (signature->target.downloaded) props["downloaded"] = true;  // transport is the earlier download call's
    if (kind == "url" && !signature->target.downloaded) {
      Value verify = eval(argument(arguments, -1, {"verify"}));
      props["tls_verified"] = !(verify.kind == Value::Kind::boolean && verify.text == "false");
      props["has_timeout"] = !ts_node_is_null(argument(arguments, -1, {"timeout"}));
    }
    sink_.add(FactType::io, location_of(node), std::move(props));
  }
}

void ModuleAnalyzer::emit_io_for_open(TSNode node, const Arguments& arguments) {
  Value path = eval(argument(arguments, 0, {"file"}));
  if (!path.is_string()) return;
  Value mode_value = eval(argument(arguments, 1, {"mode"}));
  std::string mode = mode_value.is_string() ? mode_value.text : "r";
  bool writes = mode.find_first_of("wax") != std::string::npos;
  bool reads = !writes || mode.find('+') != std::string::npos;
  std::string format = format_of_path(path.text);
  for (const char* direction : {"read", "write"}) {
    if ((std::strcmp(direction, "read") == 0 && !reads) || (std::strcmp(direction, "write") == 0 && !writes)) continue;
    sink_.add(FactType::io, location_of(node),
              {{"direction", direction},
               {"target_kind", kind_of_target(path.text)},
               {"target", truncate_utf8(path.text, 300)},
               {"target_partial", path.partial},
               {"format", format},
               {"artifact", artifact_of_format(format)},
               {"deserializes", nullptr},
               {"via", "builtins.open"},
               {"function", frames_.empty() ? "" : frames_.back().name}});
  }
}

void ModuleAnalyzer::collect_names(TSNode node, std::vector<std::string>& names, int depth) const {
  if (ts_node_is_null(node) || depth > 24 || names.size() >= kMaxNames) return;
  TSSymbol symbol = ts_node_symbol(node);
  auto add = [&](std::string name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end() && names.size() < kMaxNames)
      names.push_back(std::move(name));
  };
  if (symbol == g_.identifier) return add(std::string(node_text(node, source_)));
  if (symbol == g_.attribute) {
    add(compact(node_text(node, source_), 80));
    add(std::string(node_text(field(node, g_.f_attribute), source_)));
    return;
  }
  if (symbol == g_.subscript) {
    TSNode key = field(node, g_.f_subscript);
    if (!ts_node_is_null(key) && ts_node_symbol(key) == g_.string) {
      auto text = node_text(key, source_);
      if (text.size() >= 2) add(std::string(text.substr(1, text.size() - 2)));
    }
    collect_names(field(node, g_.f_value), names, depth + 1);
    return;
  }
  if (symbol == g_.keyword_argument) add(std::string(node_text(field(node, g_.f_name), source_)));
  if (symbol == g_.pair) {
    TSNode key = field(node, g_.f_key);
    if (ts_node_symbol(key) == g_.string) {
      auto text = node_text(key, source_);
      if (text.size() >= 2) add(std::string(text.substr(1, text.size() - 2)));
    }
    collect_names(field(node, g_.f_value), names, depth + 1);
    return;
  }
  if (symbol == g_.string) {  // only the interpolated parts of f-strings carry data
    uint32_t count = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_named_child(node, i);
      if (ts_node_symbol(child) == g_.interpolation) collect_names(field(child, g_.f_expression), names, depth + 1);
    }
    return;
  }
  uint32_t count = ts_node_named_child_count(node);
  for (uint32_t i = 0; i < count; ++i) collect_names(ts_node_named_child(node, i), names, depth + 1);
}

void ModuleAnalyzer::emit_log(TSNode node, const Callee& callee, const Arguments& arguments, const std::string& level) {
  std::vector<std::string> names;
  for (TSNode argument_node : arguments.positional) collect_names(argument_node, names, 0);
  for (const auto& [name, value] : arguments.keywords)
    if (name == "extra") collect_names(value, names, 0);
  if (!frames_.empty()) frames_.back().logs = true;
  sink_.add(FactType::log_call, location_of(node),
            {{"callee", callee.name},
             {"level", level},
             {"sink", level == "print" ? "stdout" : "logging"},
             {"names", names},
             {"function", frames_.empty() ? "" : frames_.back().name}});
}

void ModuleAnalyzer::emit_network_bind(TSNode node, const Callee& callee, const Arguments& arguments) {
  const std::string& name = callee.name;
  bool app_run = (callee.method == "run" || callee.method == "run_server") && is_app_like_receiver(name);
  bool server = name == "uvicorn.run" || name == "waitress.serve" || name == "hypercorn.asyncio.serve" ||
                name == "werkzeug.serving.run_simple" || name == "bottle.run";
  bool gradio = callee.method == "launch" && (name.starts_with("gradio.") || name.find("Interface()") != std::string::npos ||
                                              name.find("Blocks()") != std::string::npos);
  bool socket_bind = name == "socket.socket().bind";
  if (!app_run && !server && !gradio && !socket_bind) return;
  Value host, port;
  if (socket_bind) {
    TSNode address = argument(arguments, 0, {});
    if (!ts_node_is_null(address) && ts_node_symbol(address) == g_.tuple && ts_node_named_child_count(address) >= 2) {
      host = eval(ts_node_named_child(address, 0));
      port = eval(ts_node_named_child(address, 1));
    }
  } else if (gradio) {
    host = eval(argument(arguments, -1, {"server_name"}));
    port = eval(argument(arguments, -1, {"server_port"}));
  } else if (name == "werkzeug.serving.run_simple") {
    host = eval(argument(arguments, 0, {"hostname"}));
    port = eval(argument(arguments, 1, {"port"}));
  } else {
    int host_position = app_run ? 0 : -1;
    host = eval(argument(arguments, host_position, {"host"}));
    port = eval(argument(arguments, app_run ? 1 : -1, {"port"}));
  }
  Value debug = eval(argument(arguments, -1, {"debug"}));
  Value share = eval(argument(arguments, -1, {"share"}));
  std::string host_text = host.is_string() ? host.text : (app_run || server) ? "127.0.0.1" : "";
  sink_.add(FactType::network_bind, location_of(node),
            {{"host", host.is_string() ? nlohmann::ordered_json(host.text) : nlohmann::ordered_json()},
             {"host_partial", host.is_string() && host.partial},
             {"effective_host", host_text},
             {"all_interfaces", host.is_string() && (host.text == "0.0.0.0" || host.text == "::" || host.text.empty())},
             {"port", port.kind == Value::Kind::number ? nlohmann::ordered_json(port.text) : nlohmann::ordered_json()},
             {"server", name},
             {"debug", debug.kind == Value::Kind::boolean && debug.text == "true"},
             {"public_share", share.kind == Value::Kind::boolean && share.text == "true"},
             {"source", "code"}});
}

void ModuleAnalyzer::emit_django_route(TSNode node, const Arguments& arguments) {
  Value path = eval(argument(arguments, 0, {"route"}));
  TSNode view = argument(arguments, 1, {"view"});
  if (ts_node_is_null(view)) return;
  std::string handler = compact(node_text(view, source_), 120);
  if (handler.starts_with("include(")) return;
  bool wrapped_auth = is_django_auth_marker(handler);
  // "views.PredictView.as_view()" -> "PredictView"; "views.predict" -> "predict"
  std::string target = handler;
  if (auto call = target.find(".as_view("); call != std::string::npos) target = target.substr(0, call);
  if (auto paren = target.rfind('('); paren != std::string::npos && wrapped_auth)
    target = target.substr(paren + 1, target.find(')', paren) - paren - 1);
  routes_.push_back({location_of(node),
                     {{"framework", "django"},
                      {"path", path.is_string() ? path.text : ""},
                      {"methods", nlohmann::ordered_json::array()},
                      {"handler", last_component(target)},
                      {"handler_reference", handler},
                      {"auth", wrapped_auth ? nlohmann::ordered_json(true) : nlohmann::ordered_json()},
                      {"auth_evidence", wrapped_auth ? nlohmann::ordered_json::array({handler}) : nlohmann::ordered_json::array()},
                      {"rate_limited", false},
                      {"logs_requests", false},
                      {"decision", false}},
                     false});
}

void ModuleAnalyzer::emit_columns(TSNode node, const std::vector<std::string>& columns, std::string_view action,
                                  std::string_view receiver) {
  sink_.add(FactType::column_ref, location_of(node),
            {{"columns", columns},
             {"action", action},
             {"receiver", receiver},
             {"function", frames_.empty() ? "" : frames_.back().name}});
}

void ModuleAnalyzer::emit_assignment(TSNode node, TSNode target, TSNode value) {
  std::string name;
  if (ts_node_symbol(target) == g_.attribute) {
    Value base = eval(field(target, g_.f_object));
    if (base.kind != Value::Kind::module && base.kind != Value::Kind::object) return;
    name = base.text + "." + std::string(node_text(field(target, g_.f_attribute), source_));
  } else {
    Value base = eval(field(target, g_.f_value));
    Value key = eval(field(target, g_.f_subscript));
    if ((base.kind != Value::Kind::module && base.kind != Value::Kind::object) || !key.is_string()) return;
    name = base.text + "[" + key.text + "]";
  }
  sink_.add(FactType::assignment, location_of(node),
            {{"target", name},
             {"value", ts_node_is_null(value) ? nlohmann::ordered_json() : describe(value)},
             {"function", frames_.empty() ? "" : frames_.back().name}});
}

void ModuleAnalyzer::record_in_frame(const Callee& callee, TSNode node, const Arguments& arguments) {
  if (frames_.empty()) {
    // App-wide protections declared at module level.
    const std::string& name = callee.name;
    if ((name == "flask_limiter.Limiter" || name == "slowapi.Limiter") &&
        !ts_node_is_null(argument(arguments, -1, {"default_limits", "application_limits"})))
      global_rate_limit_ = true;
    if ((name == "fastapi.FastAPI" || name.ends_with(".include_router")) &&
        is_auth_dependency(node_text(argument(arguments, -1, {"dependencies"}), source_))) {
      global_auth_ = true;
      global_auth_evidence_ = text_of(node, 120);
    }
    if (callee.method == "add_middleware") {
      std::string middleware(node_text(argument(arguments, 0, {}), source_));
      if (contains_ignore_case(middleware, "log")) global_logging_ = true;
      if (contains_ignore_case(middleware, "auth")) {
        global_auth_ = true;
        global_auth_evidence_ = text_of(node, 120);
      }
      if (contains_ignore_case(middleware, "limit")) global_rate_limit_ = true;
    }
    return;
  }
  FunctionFrame& frame = frames_.back();
  if (is_decision_method(callee.method)) {
    frame.decision = true;
    frame.decision_calls.push_back(text_of(node, 80));
  } else if (callee.receiver.kind == Value::Kind::object && callee.method.empty() &&
             callee.receiver.text.find("load") != std::string::npos) {
    frame.decision = true;  // calling a loaded model object: model(x)
    frame.decision_calls.push_back(text_of(node, 80));
  }
  if (is_auth_check_callee(callee.name)) {
    frame.checks_auth = true;
    frame.auth_evidence.push_back(text_of(node, 80));
  }
  if (callee.method == "abort" || callee.name.ends_with("HTTPException")) {
    std::string status(node_text(argument(arguments, 0, {"status_code", "code"}), source_));
    if (status == "401" || status == "403" || status.find("401") != std::string::npos ||
        status.find("403") != std::string::npos || status.find("UNAUTHORIZED") != std::string::npos ||
        status.find("FORBIDDEN") != std::string::npos) {
      frame.checks_auth = true;
      frame.auth_evidence.push_back(text_of(node, 80));
    }
  }
  if (callee.method == "get" && (callee.name.starts_with("flask.request.") || callee.name.starts_with("request."))) {
    Value key = eval(argument(arguments, 0, {}));
    if (key.is_string()) {
      frame.request_fields.push_back(key.text);
      if (is_credential_header(key.text)) frame.checks_auth = true;
    }
  }
}

void ModuleAnalyzer::finish_function(const FunctionFrame& frame, TSNode definition) {
  bool top_level = frames_.empty();
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
    Arguments arguments = arguments_of(decorator.call);
    Value path = eval(argument(arguments, 0, {"path", "rule"}));
    std::string framework = framework_of_receiver(decorator.callee);
    if (framework.empty()) {
      bool fastapi = std::any_of(imports_.begin(), imports_.end(), [](const auto& entry) {
        return entry.second.starts_with("fastapi");
      });
      framework = fastapi ? "fastapi" : "flask";
    }
    nlohmann::ordered_json methods = nlohmann::ordered_json::array();
    if (auto method = http_method_of(decorator.method); !method.empty()) {
      methods.push_back(method);
    } else {
      Value listed = eval(argument(arguments, -1, {"methods"}));
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
    std::string dependencies(node_text(argument(arguments, -1, {"dependencies"}), source_));
    if (is_auth_dependency(frame.parameters_text)) evidence.push_back("handler parameter: Depends/Security");
    if (is_auth_dependency(dependencies)) evidence.push_back("route dependencies=" + truncate_utf8(dependencies, 80));
    for (const auto& check : frame.auth_evidence) evidence.push_back("check in handler: " + check);
    if (frame.checks_auth && frame.auth_evidence.empty()) evidence.push_back("credential header read in handler");
    rate_limited = rate_limited || is_rate_limit_dependency(frame.parameters_text) || is_rate_limit_dependency(dependencies);
    routes_.push_back({location_of(decorator.node),
                       {{"framework", framework},
                        {"path", path.is_string() ? path.text : ""},
                        {"methods", methods},
                        {"handler", frame.name},
                        {"app", decorator.callee.substr(0, decorator.callee.rfind('.'))},
                        {"auth", !evidence.empty()},
                        {"auth_evidence", evidence},
                        {"rate_limited", rate_limited},
                        {"logs_requests", frame.logs},
                        {"decision", frame.decision},
                        {"decision_calls", frame.decision_calls},
                        {"request_fields", frame.request_fields},
                        {"body_types", annotated_types(frame.parameters_text)},
                        {"handler_line", location_of(definition).line}},
                       true});
  }
  if (imports_django_ && top_level && !is_route) {
    std::string markers;
    for (const auto& decorator : frame.decorators) markers += decorator.text + " ";
    if (!frame.decorators.empty() || frame.parameters_text.find("request") != std::string::npos)
      sink_.add(FactType::view, location_of(field(definition, g_.f_name)),
                {{"name", frame.name}, {"kind", "function"}, {"auth", is_django_auth_marker(markers)}});
  }
}

void ModuleAnalyzer::finalize_routes() {
  for (auto& route : routes_) {
    auto& props = route.props;
    if (route.hook_auth_applies && global_auth_ && props["auth"] == false) {
      props["auth"] = true;
      props["auth_evidence"].push_back("app-wide: " + global_auth_evidence_);
    }
    if (global_rate_limit_) props["rate_limited"] = true;
    if (global_logging_) props["logs_requests"] = true;
    sink_.add(FactType::route, route.location, std::move(props));
  }
  routes_.clear();
}

}  // namespace mlaudit::python
