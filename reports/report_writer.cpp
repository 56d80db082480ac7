#include "reports/report_writer.h"

#include <fstream>
#include <stdexcept>

#include "reports/cyclonedx/cyclonedx_report.h"
#include "reports/dot/dot_report.h"
#include "reports/html/html_report.h"
#include "reports/json/json_report.h"
#include "reports/sarif/sarif_report.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

std::string extension_of(const std::string& format) { return format == "cyclonedx" ? "cdx.json" : format; }

void write_text(const fs::path& path, const std::string& text) {
  fs::path partial = path;
  partial += ".partial";
  {
    std::ofstream stream(partial, std::ios::binary | std::ios::trunc);
    if (!stream) throw std::runtime_error(path.string() + ": cannot write report");
    stream << text;
    if (!stream) throw std::runtime_error(path.string() + ": writing the report failed");
  }
  fs::rename(partial, path);  // readers never see half a report
}

}  // namespace

std::vector<std::string> report_file_names(const std::vector<std::string>& formats) {
  std::vector<std::string> names;
  for (const auto& format : formats) names.push_back("mlaudit." + extension_of(format));
  return names;
}

std::vector<fs::path> write_reports(const ScanResult& result, const ReportRequest& request) {
  std::error_code error;
  fs::create_directories(request.folder, error);
  if (error) throw std::runtime_error(request.folder.string() + ": cannot create output folder: " + error.message());
  std::vector<fs::path> written;
  for (const auto& format : request.formats) {
    fs::path path = request.folder / ("mlaudit." + extension_of(format));
    if (format == "sarif") write_text(path, sarif_report(result, {request.include_suppressed}).dump(2) + "\n");
    else if (format == "json") write_text(path, json_report(result).dump(2) + "\n");
    else if (format == "html") write_text(path, html_report(result));
    else if (format == "cyclonedx") write_text(path, cyclonedx_report(result).dump(2) + "\n");
    else if (format == "dot") write_text(path, to_dot(result.diagram, {{}, SIZE_MAX}).text);
    else throw std::runtime_error("unknown report format '" + format + "'");
    written.push_back(path);
  }
  return written;
}

}  // namespace mlaudit
