#pragma once
// Python dependency specifiers as written in requirements files, pyproject.toml,
// setup.cfg and conda environments (PEP 508 subset: name, extras, version clauses).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "facts/package_name.h"

namespace mlaudit {

struct DependencySpec {
  std::string name;        // normalised: lower case, '_' and '.' -> '-'
  std::string specifier;   // e.g. ">=1.2,<2"
  std::string version;     // the version when pinned exactly (==1.2.3 / conda =1.2.3)
  bool pinned = false;     // exactly one version allowed (== or ===, or a conda full pin)
  bool url = false;        // a direct URL / VCS reference
};

// Parses one pip requirement ("torch==2.0.1 ; python_version>'3.8'"); nullopt for options,
// blank lines and comments.
std::optional<DependencySpec> parse_pip_requirement(std::string_view line);
// Parses a conda match spec ("numpy=1.24.3", "python>=3.10", "conda-forge::scikit-learn").
std::optional<DependencySpec> parse_conda_requirement(std::string_view line);

nlohmann::ordered_json dependency_props(const DependencySpec& spec, std::string_view ecosystem, std::string_view manifest);

}  // namespace mlaudit
