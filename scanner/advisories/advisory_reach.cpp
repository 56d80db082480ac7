#include "advisories/advisory_reach.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "util/code_context.h"
#include "util/embedded_files.h"
#include "util/text.h"

namespace mlaudit::advisories {
namespace {

struct Condition {
  std::string package, runs_in;
  std::vector<std::string> advisories, installed, imports, calls;
};

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(item.as<std::string>());
  return out;
}

const std::vector<Condition>& conditions() {
  static const std::vector<Condition> loaded = [] {
    auto text = embedded_file("threat-models/advisories/advisory-reach.yml");
    if (!text) throw std::logic_error("advisory-reach.yml is not embedded");
    std::vector<Condition> out;
    for (const auto& node : YAML::Load(std::string(*text))["conditions"]) {
      Condition condition{node["package"].as<std::string>(), node["runs_in"].as<std::string>(),
                          strings(node["advisories"]), strings(node["needs"]["installed"]),
                          strings(node["needs"]["imports"]), strings(node["needs"]["calls"])};
      if (condition.installed.empty() && condition.imports.empty() && condition.calls.empty())
        throw std::logic_error("advisory-reach.yml: " + condition.package + ": a condition needs something");
      out.push_back(std::move(condition));
    }
    return out;
  }();
  return loaded;
}

// "a", "b", "c" -> "a, b or c"
std::string either(const std::vector<std::string>& items) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) text += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return text;
}

}  // namespace

AdvisoryReach::AdvisoryReach(const std::vector<Fact>& facts) {
  for (const auto& fact : facts) {
    if (fact.type == FactType::dependency) {
      std::string name = fact.props.value("name", "");
      auto& installed = installed_[parent_folder(fact.location.file)];
      installed.insert(name);
      if (auto extras = fact.props.find("extras"); extras != fact.props.end() && extras->is_array())
        for (const auto& extra : *extras)
          if (extra.is_string()) installed.insert(name + "[" + extra.get<std::string>() + "]");
      continue;
    }
    if (code_context_of(fact.location.file) == CodeContext::test) continue;
    if (fact.type == FactType::import) {
      std::string module = fact.props.value("module", ""), name = fact.props.value("name", "");
      if (module.empty() || module.front() == '.') continue;
      imports_.insert(module);
      if (!name.empty() && name != "*") imports_.insert(module + "." + name);
    } else if (fact.type == FactType::call) {
      std::string callee = fact.props.value("callee", "");
      calls_.insert(fact.props.value("method", ""));
      // `aiohttp.web.Application()` after a bare `import aiohttp` uses the module too.
      if (auto dot = callee.rfind('.'); dot != std::string::npos) imports_.insert(callee.substr(0, dot));
    }
  }
}

bool AdvisoryReach::installed(const std::string& entry, const std::vector<std::string>& manifests) const {
  return std::any_of(manifests.begin(), manifests.end(), [&](const std::string& manifest) {
    auto found = installed_.find(parent_folder(manifest));
    return found != installed_.end() && found->second.contains(entry);
  });
}

bool AdvisoryReach::imported(const std::string& module) const {
  auto found = imports_.lower_bound(module);
  return found != imports_.end() && (*found == module || found->starts_with(module + "."));
}

std::optional<std::string> AdvisoryReach::unreached_because(const std::string& package,
                                                           const std::vector<std::string>& ids,
                                                           const std::vector<std::string>& manifests) const {
  for (const auto& condition : conditions()) {
    if (condition.package != package) continue;
    bool named = std::any_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return std::find(condition.advisories.begin(), condition.advisories.end(), id) != condition.advisories.end();
    });
    if (!named) continue;
    bool reached = std::any_of(condition.installed.begin(), condition.installed.end(), [&](const auto& p) { return installed(p, manifests); }) ||
                   std::any_of(condition.imports.begin(), condition.imports.end(), [&](const auto& m) { return imported(m); }) ||
                   std::any_of(condition.calls.begin(), condition.calls.end(), [&](const auto& c) { return calls_.contains(c); });
    if (reached) return std::nullopt;
    std::vector<std::string> seen_nowhere;
    if (!condition.installed.empty()) seen_nowhere.push_back("no manifest beside it installs " + either(condition.installed));
    if (!condition.imports.empty()) seen_nowhere.push_back("no code imports " + either(condition.imports));
    if (!condition.calls.empty()) seen_nowhere.push_back("no code calls " + either(condition.calls));
    return "its flaw is in " + condition.runs_in + "; " + join(seen_nowhere, " and ");
  }
  return std::nullopt;
}

}  // namespace mlaudit::advisories
