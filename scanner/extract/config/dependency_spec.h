#pragma once
// Python dependency specifiers as written in requirements files, pyproject.toml (PEP 621
// and Poetry), Pipfile, setup.cfg / setup.py, Dockerfile `pip install` lines, conda
// environments and lock files: name, what is allowed, and whether that is one version.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "facts/package_name.h"

namespace mlaudit {

struct DependencySpec {
  std::string name;        // PEP 503 normalised: lower case, runs of '-', '_', '.' -> '-'
  std::string specifier;   // as written, e.g. ">=1.2,<2" or Poetry's "^1.2"
  std::string pep440;      // the same in PEP 440 syntax when it can be written so (Poetry's ^ and ~ converted)
  std::string version;     // the version when exactly one is allowed (==1.2.3, ===1.2.3, conda =1.2.3, a lock entry)
  bool pinned = false;     // exactly one version allowed
  bool url = false;        // a direct URL / VCS reference
  bool locked = false;     // an entry of a lock file (poetry.lock, uv.lock, Pipfile.lock)
  std::string source;      // requirements, constraints, pyproject, poetry, pipfile, setup.cfg, setup.py,
                           // dockerfile, conda, poetry.lock, uv.lock, Pipfile.lock
  bool development = false;  // installed only to develop, test, lint or document the project
  std::vector<std::string> extras;  // optional features asked for: fastapi[all] -> {"all"}
};

// Parses one pip requirement ("torch==2.0.1 ; python_version>'3.8'"); nullopt for options,
// blank lines and comments.
std::optional<DependencySpec> parse_pip_requirement(std::string_view line, std::string_view source = "requirements");
// Parses a conda match spec ("numpy=1.24.3", "python>=3.10", "conda-forge::scikit-learn").
std::optional<DependencySpec> parse_conda_requirement(std::string_view line);
// A Poetry dependency constraint ("^1.2", "~1.2.3", "1.2.*", ">=1,<2", "1.2.3").
DependencySpec poetry_dependency(std::string_view name, std::string_view constraint);
// An exact version from a lock file.
DependencySpec locked_dependency(std::string_view name, std::string_view version, std::string_view source);

// Poetry's constraint syntax in PEP 440 terms; nullopt for unions ("||") and anything
// PEP 440 cannot say.
std::optional<std::string> poetry_to_pep440(std::string_view constraint);

// Whether a dependency group, extra or section holds development tools only: dev, test,
// lint, docs, typing ("dev-packages", Poetry's group.dev, Pipfile.lock's "develop").
bool is_development_group(std::string_view name);
// Whether a requirements file installs development tools only (requirements-dev.txt,
// test-requirements.txt, requirements/docs.txt).
bool is_development_requirements_file(std::string_view path);

nlohmann::ordered_json dependency_props(const DependencySpec& spec, std::string_view ecosystem, std::string_view manifest);

}  // namespace mlaudit
