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
  std::vector<PrivacyDeclaration> privacy;    // processing / datasets / recipients sections
  std::vector<ProbeDeclaration> probes;
};

// A configuration problem the user must fix; what() names file, line and column.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

ProjectConfig load_project_config(const std::filesystem::path& file);

}  // namespace mlaudit
