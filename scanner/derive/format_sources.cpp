#include "derive/format_sources.h"

#include <re2/re2.h>

#include <map>
#include <string>

#include "util/json_strings.h"
#include "util/text.h"

namespace mlaudit {
namespace {

using Json = nlohmann::ordered_json;

std::string last_component(const std::string& name) {
  auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

// An argument that hands over a database's address and credentials.
bool passes_connection_string(const Json& call) {
  static const RE2 pattern(R"((?i)\b\w*(connection_?str(ing)?|conn_?str|dsn|database_?ur[il]|db_?ur[il]|connection_?ur[il])\w*\b)");
  auto matches = [](const Json& argument) {
    return argument.is_object() && RE2::PartialMatch(string_at(argument, "text"), pattern);
  };
  if (auto args = call.find("args"); args != call.end() && args->is_array())
    for (const auto& argument : *args)
      if (matches(argument)) return true;
  if (auto kwargs = call.find("kwargs"); kwargs != call.end() && kwargs->is_object())
    for (const auto& [key, argument] : kwargs->items())
      if (matches(argument) || RE2::PartialMatch(key, pattern)) return true;
  return false;
}

}  // namespace

void annotate_format_sources(std::vector<Fact>& facts) {
  // Classes the project constructs with a connection string: name -> where.
  std::map<std::string, const Fact*> given_connection;
  bool any_argument = false;
  for (const Fact& fact : facts) {
    if (fact.type != FactType::call) continue;
    auto source = fact.props.find("format_source");
    if (source != fact.props.end() && string_at(*source, "kind") == "argument") any_argument = true;
  }
  if (!any_argument) return;
  for (const Fact& fact : facts)
    if (fact.type == FactType::call && passes_connection_string(fact.props))
      given_connection.emplace(last_component(string_at(fact.props, "callee")), &fact);
  for (Fact& fact : facts) {
    if (fact.type != FactType::call) continue;
    auto source = fact.props.find("format_source");
    if (source == fact.props.end() || string_at(*source, "kind") != "argument") continue;
    auto constructed = given_connection.find(string_at(*source, "class"));
    if (constructed == given_connection.end()) continue;
    const Location& at = constructed->second->location;
    std::string file = at.file.substr(at.file.rfind('/') == std::string::npos ? 0 : at.file.rfind('/') + 1);
    (*source)["kind"] = "caller_credentials";
    (*source)["reason"] = "the caller passes `" + string_at(*source, "parameter") + "` and builds " + constructed->first +
                          " with its own connection string (" + file + ":" + std::to_string(at.line) + ")";
  }
}

}  // namespace mlaudit
