#pragma once
// The files and folders a scan did not analyse, as SARIF and HTML list them: each one up to
// a limit, then the rest counted per reason. A tree of 200,000 empty files must not become a
// 100 MB SARIF file; the JSON report keeps every entry.
#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/scan.h"

namespace mlaudit {

struct SkippedItem {
  std::string path;      // as the reports show it; folders end with '/' only in `shown`
  std::string reason;
  bool folder = false;
};

struct SkippedListing {
  std::vector<SkippedItem> listed;                       // the first `limit`, in scan order
  std::vector<std::pair<std::string, size_t>> more;      // the rest: (reason, count), most common first
  size_t total = 0;
};

inline constexpr size_t kSkippedListedInReports = 1000;

SkippedListing list_skipped(const ScanResult& result, size_t limit = kSkippedListedInReports);

}  // namespace mlaudit
