#include "reports/report_writer.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "reports/cyclonedx/cyclonedx_report.h"
#include "reports/dot/dot_report.h"
#include "reports/html/html_report.h"
#include "reports/json/json_report.h"
#include "reports/sarif/sarif_report.h"
#include "util/utf8.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

// Names, source lines and pickle globals come from the scanned tree as bytes: a report is
// valid UTF-8 whatever they hold (bad bytes shown as \xHH), never a failed dump.
std::string json_text(nlohmann::ordered_json report) {
  escape_invalid_utf8_in(report);
  return report.dump(2) + "\n";
}

std::string utf8_text(std::string text) { return is_valid_utf8(text) ? text : escape_invalid_utf8(text); }

constexpr ReportFormat kFormats[] = {
    {"sarif", "sarif",
     [](const ScanResult& result, const ReportRequest& request) {
       return json_text(sarif_report(result, {request.include_suppressed}));
     }},
    {"html", "html", [](const ScanResult& result, const ReportRequest&) { return utf8_text(html_report(result)); }},
    {"json", "json", [](const ScanResult& result, const ReportRequest&) { return json_text(json_report(result)); }},
    {"cyclonedx", "cdx.json",
     [](const ScanResult& result, const ReportRequest&) { return json_text(cyclonedx_report(result)); }},
    {"dot", "dot",
     [](const ScanResult& result, const ReportRequest&) { return to_dot(result.diagram, {{}, SIZE_MAX}).text; }},
};

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

std::span<const ReportFormat> report_formats() { return kFormats; }

std::vector<std::string> report_format_names() {
  std::vector<std::string> names;
  for (const auto& format : kFormats) names.emplace_back(format.name);
  return names;
}

std::vector<fs::path> write_reports(const ScanResult& result, const ReportRequest& request) {
  std::error_code error;
  fs::create_directories(request.folder, error);
  if (error) throw std::runtime_error(request.folder.string() + ": cannot create output folder: " + error.message());
  std::vector<fs::path> written;
  for (const auto& name : request.formats) {
    auto format = std::find_if(std::begin(kFormats), std::end(kFormats),
                               [&](const ReportFormat& candidate) { return candidate.name == name; });
    if (format == std::end(kFormats)) throw std::runtime_error("unknown report format '" + name + "'");
    fs::path path = request.folder / format->file_name();
    write_text(path, format->write(result, request));
    written.push_back(path);
  }
  return written;
}

}  // namespace mlaudit
