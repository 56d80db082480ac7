#pragma once
// Conditions in rule files: a tree of all / any / not over leaves that test one key of
// the matched thing (a fact's props, a DFD element or flow):
//   - {key: kwargs.shell.value, equals: true}
//   - {key: callee, matches: '^subprocess\.'}
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlaudit {

class NamedList;

using KeyPath = std::vector<std::string>;
// Finds the value at a key path in the thing being matched; nullptr when absent.
using KeyLookup = std::function<const nlohmann::ordered_json*(const KeyPath&)>;

struct MatchContext {
  const std::map<std::string, NamedList, std::less<>>* lists = nullptr;
  nlohmann::ordered_json bindings = nlohmann::ordered_json::object();  // extra values for messages ({matched})
};

class Predicate {
 public:
  virtual ~Predicate() = default;
  virtual bool evaluate(const KeyLookup& lookup, MatchContext& context) const = 0;
};

// A rule file error that points at the offending node.
struct RuleError : std::runtime_error {
  RuleError(const YAML::Node& node, const std::string& message);
  int line = 0, column = 0;
};

// `lists` names the lists conditions may refer to (in_list / any_in_list); an unknown name
// is an error when it is given.
std::unique_ptr<Predicate> parse_predicate(const YAML::Node& node,
                                           const std::map<std::string, NamedList, std::less<>>* lists = nullptr);
KeyPath parse_key_path(std::string_view key);   // "args.0.kind" -> {"args","0","kind"}

// Walks a key path through nested objects and arrays.
const nlohmann::ordered_json* find_path(const nlohmann::ordered_json& root, const KeyPath& path, size_t from = 0);

// Converts a YAML scalar or sequence to JSON with plain true/false/numbers typed.
nlohmann::ordered_json yaml_to_json(const YAML::Node& node);

// Replaces {key.path} in `text` with the matched thing's values (bindings first).
std::string format_message(const std::string& text, const KeyLookup& lookup, const nlohmann::ordered_json& bindings);

}  // namespace mlaudit
