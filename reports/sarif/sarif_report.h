#pragma once
// SARIF 2.1.0 for GitHub code scanning: one run, rules with help and taxonomy tags,
// security-severity scores, repo-relative URIs under %SRCROOT%, fingerprints, code
// flows for data-flow paths, suppressions, and skipped files / extractor problems as
// tool execution notifications.
#include <nlohmann/json.hpp>

#include "pipeline/scan.h"

namespace mlaudit {

struct SarifOptions {
  bool include_suppressed = true;   // GitHub shows suppressed results as open: --no-suppressed drops them
};

nlohmann::ordered_json sarif_report(const ScanResult& result, const SarifOptions& options = {});

// Percent-encodes a relative path for use as a SARIF artifact URI.
std::string path_to_uri(std::string_view path);

}  // namespace mlaudit
