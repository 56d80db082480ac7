#pragma once
// Turns raw matches into reportable findings: severity overrides, de-duplication,
// `supersedes`, snippets with secrets masked, inline suppressions, one finding per root
// cause (`merge:`), fingerprints and the baseline. Output order is stable: file, line,
// column, rule.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "facts/diagnostic.h"
#include "facts/fact.h"
#include "facts/file_index.h"
#include "findings/baseline.h"
#include "ruleset/finding.h"

namespace mlaudit {

struct FinalizeOptions {
  std::map<std::string, Severity> severity_overrides;
  std::optional<Baseline> baseline;
};

struct FinalizeReport {
  size_t superseded = 0;        // dropped because a more specific rule reported the same line
  size_t merged = 0;            // folded into the finding of their root cause (a rule's `merge:`)
  size_t in_baseline = 0;       // dropped because the baseline already had them
  std::vector<Diagnostic> diagnostics;
};

// `facts` name the secrets and personal values to mask; `files` say which files snippets
// may be quoted from.
FinalizeReport finalize_findings(std::vector<Finding>& findings, const std::filesystem::path& root,
                                 const std::vector<Fact>& facts, const FileIndex& files, const FinalizeOptions& options);

}  // namespace mlaudit
