#pragma once
// The report formats, in one table: each format's --format name, the file it is written
// to (mlaudit.<extension>) and its writer. The CLI's choices, the writer and the list of
// our own files a later scan of the same folder leaves out all read this table.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/scan.h"

namespace mlaudit {

struct ReportRequest {
  std::vector<std::string> formats;        // names from report_formats()
  std::filesystem::path folder;
  bool include_suppressed = true;
};

struct ReportFormat {
  std::string_view name;                   // --format value
  std::string_view extension;              // the file is mlaudit.<extension>
  std::string (*write)(const ScanResult& result, const ReportRequest& request);
  std::string file_name() const { return "mlaudit." + std::string(extension); }
};

std::span<const ReportFormat> report_formats();
std::vector<std::string> report_format_names();

// Writes the requested formats into the folder (created when missing). Returns the paths
// written; throws std::runtime_error naming the file that failed.
std::vector<std::filesystem::path> write_reports(const ScanResult& result, const ReportRequest& request);

}  // namespace mlaudit
