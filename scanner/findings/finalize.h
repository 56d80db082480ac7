#pragma once
// Turns raw matches into reportable findings: severity overrides, de-duplication,
// `supersedes`, snippets with secrets masked, fingerprints, inline suppressions and
// the baseline. Output order is stable: file, line, column, rule.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/baseline.h"
#include "engine/finding.h"
#include "extract/extract_files.h"

namespace mlaudit {

struct FinalizeOptions {
  std::map<std::string, Severity> severity_overrides;
  std::optional<Baseline> baseline;
};

struct FinalizeReport {
  size_t superseded = 0;        // dropped because a more specific rule reported the same line
  size_t in_baseline = 0;       // dropped because the baseline already had them
  std::vector<Diagnostic> diagnostics;
};

FinalizeReport finalize_findings(std::vector<Finding>& findings, const std::filesystem::path& root,
                                 const Extraction& extraction, const FinalizeOptions& options);

}  // namespace mlaudit
