#pragma once
// What a Python expression holds, as far as can be told without running it: names in the
// module's and the current function's scopes, imports, literal strings and lists, paths
// joined with os.path and pathlib, call results as objects of known origin, and the
// qualified name a call resolves to. Values follow simple assignments, and travel (with
// their origin recorded) through default arguments, module constants, literal dict keys
// and attributes set in __init__; see value_travel.h for the passes that bind them.
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "facts/location.h"
#include "extract/python/config_files.h"
#include "extract/python/python_value.h"
#include "extract/python/syntax_tree.h"

namespace mlaudit::python {

struct Arguments {
  std::vector<TSNode> positional;
  std::vector<std::pair<std::string, TSNode>> keywords;
};

struct Callee {
  std::string name;        // qualified when resolved: "flask.Flask().run"
  bool resolved = false;
  std::string method;      // the last component
  Value receiver;
};

class Evaluator {
 public:
  Evaluator(std::string_view source, std::string file, const LineMap& lines);

  // scopes
  Value lookup(std::string_view name) const;
  void bind(std::string_view name, Value value);
  void enter_scope() { scopes_.emplace_back(); }
  void leave_scope() { scopes_.pop_back(); }
  bool at_module_scope() const { return scopes_.size() == 1; }
  // `local` now names the module or member `qualified` (an import shadows a binding).
  void import(const std::string& local, const std::string& qualified);
  const std::unordered_map<std::string, std::string>& imports() const { return imports_; }
  // Attributes of the class being analysed (`self.url = "..."` in __init__), innermost last.
  void enter_class() { class_attributes_.emplace_back(); }
  void leave_class() { class_attributes_.pop_back(); }
  void set_class_attribute(std::string_view name, Value value);
  // Where settings files loaded by the module are read (null: loads stay call results).
  void use_config_files(ConfigFiles* files) { config_files_ = files; }
  // A settings file by path (relative to the module or the root); unknown when not followed.
  Value load_settings(const std::string& path) { return config_files_ ? config_files_->load(path) : Value::unknown(); }

  // evaluation
  Value eval(TSNode node, int depth = 0);
  Value eval_string(TSNode node, int depth = 0);
  Callee resolve_callee(TSNode function, int depth = 0);
  Arguments arguments_of(TSNode call) const;
  // An argument as call facts describe it: text, kind, value when known, literal or not.
  nlohmann::ordered_json describe(TSNode node);

  // the source
  std::string_view text(TSNode node) const { return node_text(node, source_); }
  std::string text_of(TSNode node, size_t limit = 160) const;
  Location location_of(TSNode node) const;
  const std::string& file() const { return file_; }
  const Grammar& grammar() const { return g_; }

 private:
  Value eval_call(TSNode node, int depth);
  void remember_model_client(Value& object, const Callee& callee, const Arguments& arguments, int depth);
  Value eval_binary(TSNode node, int depth);
  Value eval_dictionary(TSNode node, int depth);
  Value eval_subscript(TSNode node, int depth);
  Value self_attribute(TSNode object, std::string_view attribute) const;
  Value entry_of(const Value& dict, const std::string& key) const;

  std::string_view source_;
  std::string file_;
  const LineMap& lines_;
  const Grammar& g_;
  std::unordered_map<std::string, std::string> imports_;   // local name -> qualified
  std::vector<std::unordered_map<std::string, Value>> scopes_;
  std::vector<std::unordered_map<std::string, Value>> class_attributes_;
  ConfigFiles* config_files_ = nullptr;
};

// Values worth carrying to another place of use: constants, literal dicts and strings
// (formatted ones too: a URL template still names its host).
bool travels(const Value& value);

// The argument at `position` (-1: keyword only) or named by one of `keywords`; null if absent.
TSNode argument(const Arguments& arguments, int position, const std::vector<std::string>& keywords);

// "a.b.c" -> "c"
std::string last_component(std::string_view qualified);
// Source text without whitespace, cut at `limit` bytes.
std::string compact(std::string_view text, size_t limit);

}  // namespace mlaudit::python
