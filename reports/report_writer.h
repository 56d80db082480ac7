#pragma once
// Writes the requested report formats into the output folder.
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/scan.h"

namespace mlaudit {

struct ReportRequest {
  std::vector<std::string> formats;        // sarif, html, json, dot
  std::filesystem::path folder;
  bool include_suppressed = true;
};

// File names of the reports for `formats` ("mlaudit.sarif", ...).
std::vector<std::string> report_file_names(const std::vector<std::string>& formats);

// Returns the paths written; throws std::runtime_error naming the file that failed.
std::vector<std::filesystem::path> write_reports(const ScanResult& result, const ReportRequest& request);

}  // namespace mlaudit
