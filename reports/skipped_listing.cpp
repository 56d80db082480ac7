#include "reports/skipped_listing.h"

#include <algorithm>
#include <unordered_map>

namespace mlaudit {

SkippedListing list_skipped(const ScanResult& result, size_t limit) {
  SkippedListing listing;
  std::unordered_map<std::string, size_t> counts;
  auto add = [&](const std::string& path, const std::string& reason, bool folder) {
    ++listing.total;
    if (listing.listed.size() < limit) listing.listed.push_back({path, reason, folder});
    else ++counts[reason];
  };
  for (const auto& file : result.extraction.files)
    if (!file.scanned()) add(file.path, file.skip_reason, false);
  for (const auto& entry : result.walk.skipped) add(entry.relative, entry.reason, entry.is_directory);
  listing.more.assign(counts.begin(), counts.end());
  std::sort(listing.more.begin(), listing.more.end(),
            [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
  return listing;
}

}  // namespace mlaudit
