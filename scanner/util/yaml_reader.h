#pragma once
// YAML (and JSON) from untrusted files, parsed by libyaml's event API under budgets and
// built into the yaml-cpp nodes the rest of mlaudit reads. yaml-cpp's own parser is kept for
// our embedded rule files only: on three bytes such as `{},` it never returns and allocates
// without bound. libyaml is small, streaming and fuzzed; the builder adds what it lacks:
// a nesting limit, a node limit that counts nodes reached through aliases (billion laughs),
// no recursive structures, and a deadline.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/scan_limits.h"

namespace mlaudit {

struct YamlBudget {
  uint64_t max_depth = 256;
  uint64_t max_nodes = 250'000;   // nodes built plus nodes an alias stands for
  Deadline deadline;
};

struct YamlStop {
  enum class Kind { syntax, limit } kind = Kind::syntax;
  std::string message;            // libyaml's problem and context, or which limit was reached
  std::string limit;              // for limits: the limit's name (see ScanLimits)
  uint32_t line = 0, column = 0;  // 1-based; 0 when unknown
};

struct YamlDocuments {
  std::vector<YAML::Node> documents;  // the complete documents before any stop
  std::optional<YamlStop> stop;       // why parsing ended early, if it did
};

// Marks, tags and null/scalar distinctions follow yaml-cpp's parser: plain scalars are
// tagged "?", quoted ones "!", and a plain empty, `~` or `null` value is a Null node.
YamlDocuments read_yaml(std::string_view text, const YamlBudget& budget);

}  // namespace mlaudit
