#include "pipeline/scan_summary.h"

namespace mlaudit {

ScanSummary summarize(const ScanResult& result) {
  ScanSummary summary;
  for (const auto& finding : result.findings) {
    if (finding.suppression) {
      ++summary.suppressed;
      continue;
    }
    ++summary.total;
    ++summary.by_severity[finding.severity];
    ++summary.by_stride[finding.rule->taxonomy.stride];
    ++summary.by_pack[finding.rule->pack];
  }
  return summary;
}

}  // namespace mlaudit
