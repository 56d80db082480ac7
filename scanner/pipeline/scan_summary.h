#pragma once
// Counts every report shows the same way (so SARIF, JSON and HTML never disagree).
#include <map>
#include <string>

#include "pipeline/scan.h"

namespace mlaudit {

struct ScanSummary {
  size_t total = 0;                               // unsuppressed findings
  size_t suppressed = 0;
  std::map<Severity, size_t> by_severity;         // unsuppressed
  std::map<std::string, size_t> by_stride;        // unsuppressed, keyed by STRIDE category id
  std::map<std::string, size_t> by_pack;
};

ScanSummary summarize(const ScanResult& result);

}  // namespace mlaudit
