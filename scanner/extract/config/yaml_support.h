#pragma once
// yaml-cpp conveniences: locations from marks, tolerant scalar access, and a walk over
// every scalar with a node budget so alias bombs cannot blow up the scan.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>

#include "facts/location.h"

namespace mlaudit {

Location location_of(const YAML::Node& node, const std::string& file);

// node[k1][k2]... without yaml-cpp's exceptions: an undefined node as soon as a step is
// missing or not a mapping. Hostile or just unusual files must not stop an extractor.
YAML::Node at(const YAML::Node& node, std::initializer_list<const char*> path);

// The scalar's text, or nullopt when the node is missing or not a scalar.
std::optional<std::string> scalar(const YAML::Node& node);
std::string scalar_or(const YAML::Node& node, std::string fallback);
bool truthy(const YAML::Node& node);   // true / yes / on

// Calls `visit(key_path, node)` for every scalar under `root` ("services.web.image").
// Returns false when the budget ran out before the walk finished.
bool walk_scalars(const YAML::Node& root, const std::function<void(const std::string&, const YAML::Node&)>& visit,
                  size_t budget = 200000);

}  // namespace mlaudit
