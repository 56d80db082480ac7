#include "extract/config/yaml_support.h"

#include "util/text.h"

namespace mlaudit {

Location location_of(const YAML::Node& node, const std::string& file) {
  Location location{file};
  if (node && node.Mark().line >= 0) {
    location.line = static_cast<uint32_t>(node.Mark().line + 1);
    location.column = static_cast<uint32_t>(node.Mark().column + 1);
  }
  return location;
}

YAML::Node at(const YAML::Node& node, std::initializer_list<const char*> path) {
  // YAML::Node has reference semantics: `a = b` would overwrite a's node in the tree,
  // so the walk rebinds with reset() instead.
  YAML::Node current;
  current.reset(node);
  for (const char* key : path) {
    if (!current || !current.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& map = current;
    YAML::Node next = map[key];
    if (!next) return YAML::Node(YAML::NodeType::Undefined);
    current.reset(next);
  }
  return current;
}

std::optional<std::string> scalar(const YAML::Node& node) {
  if (!node || !node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

std::string scalar_or(const YAML::Node& node, std::string fallback) {
  auto value = scalar(node);
  return value ? *value : std::move(fallback);
}

bool truthy(const YAML::Node& node) {
  auto value = scalar(node);
  if (!value) return false;
  auto lowered = to_lower(*value);
  return lowered == "true" || lowered == "yes" || lowered == "on" || lowered == "y";
}

namespace {

bool walk(const YAML::Node& node, const std::string& path,
          const std::function<void(const std::string&, const YAML::Node&)>& visit, size_t& budget, int depth) {
  if (budget == 0 || depth > 200) return false;
  --budget;
  if (node.IsScalar()) {
    visit(path, node);
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      if (!walk(entry.second, path.empty() ? key : path + "." + key, visit, budget, depth + 1)) return false;
    }
  } else if (node.IsSequence()) {
    size_t index = 0;
    for (const auto& item : node)
      if (!walk(item, path + "[" + std::to_string(index++) + "]", visit, budget, depth + 1)) return false;
  }
  return true;
}

}  // namespace

bool walk_scalars(const YAML::Node& root, const std::function<void(const std::string&, const YAML::Node&)>& visit,
                  size_t budget) {
  return walk(root, "", visit, budget, 0);
}

}  // namespace mlaudit
