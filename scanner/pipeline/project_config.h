#pragma once
// .mlaudit.yml: what a project tells mlaudit about itself (excludes, rule selection,
// severity overrides, the default gate). Validated against threat-models/mlaudit.schema.yml.
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "derive/privacy_declarations.h"
#include "derive/probe_results.h"
#include "facts/diagnostic.h"
#include "pipeline/probe_runner.h"
#include "ruleset/severity.h"

namespace mlaudit {

// A probe declared in .mlaudit.yml `probes:`, run during `mlaudit scan`; paths resolved
// against the configuration file's folder.
struct ProbeDeclaration {
  ProbeRequest request;
  ProbeThresholds thresholds;
  uint32_t line = 0;
};

struct ProjectConfig {
  std::string source;                         // the file it came from; empty when none
  std::vector<std::string> excludes;
  std::vector<std::string> enable, disable;
  std::vector<std::filesystem::path> rule_folders;
  std::map<std::string, Severity> severity_overrides;
  std::optional<std::string> fail_on;         // a severity name or "none"
  std::optional<uint64_t> max_file_bytes;
  std::optional<uint64_t> data_sample_rows;
  std::optional<std::filesystem::path> advisories;   // a newer OSV export, relative paths against this file
  std::map<std::string, uint64_t> limits;     // limits: NAME: VALUE (names from util/scan_limits.h)
  std::vector<PrivacyDeclaration> privacy;    // processing / datasets / recipients sections
  std::vector<ProbeDeclaration> probes;
};

// A configuration problem the user must fix; what() names file, line and column.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a configuration file (at most 1 MiB) named on the command line or found by
// find_tree_config. Throws ConfigError.
ProjectConfig load_project_config(const std::filesystem::path& file);
// The same for text already read; `file` names it in messages and anchors relative paths.
ProjectConfig parse_project_config(std::string_view text, const std::filesystem::path& file);

// The scanned root's .mlaudit.yml when it may be read: a regular file, or a link to one inside
// the root. A FIFO, a link leading outside the tree, a folder... is explained in `diagnostics`
// and not read: nothing outside the scanned tree is read unless named on the command line.
std::optional<std::filesystem::path> find_tree_config(const std::filesystem::path& root,
                                                      std::vector<Diagnostic>& diagnostics);

// Drops (with a diagnostic) the rule folders of an in-tree configuration that lead outside `root`.
void confine_rule_folders(ProjectConfig& config, const std::filesystem::path& root, std::vector<Diagnostic>& diagnostics);

}  // namespace mlaudit
