#include "util/scan_limits.h"

namespace mlaudit {

const std::vector<LimitInfo>& limit_table() {
  static const std::vector<LimitInfo> table = {
      {"file_seconds", &ScanLimits::file_seconds, "wall-clock seconds for one file (default 30)"},
      {"scan_seconds", &ScanLimits::scan_seconds, "wall-clock seconds for reading all files; 0 = no limit (default 0)"},
      {"nesting_depth", &ScanLimits::nesting_depth, "nesting of YAML, JSON and TOML values and Python brackets (default 256)"},
      {"yaml_nodes", &ScanLimits::yaml_nodes, "nodes of one YAML or JSON configuration file, aliases expanded (default 250000)"},
      {"dataset_columns", &ScanLimits::dataset_columns, "columns profiled per dataset (default 10000)"},
      {"field_bytes", &ScanLimits::field_bytes, "bytes of one CSV field or JSON-lines record (default 1048576)"},
      {"literal_bytes", &ScanLimits::literal_bytes, "bytes of one Python collection literal parsed in detail (default 1048576)"},
      {"line_bytes", &ScanLimits::line_bytes, "bytes of one Dockerfile instruction, continuation lines joined (default 1048576)"},
      {"ignore_patterns", &ScanLimits::ignore_patterns, "patterns read from ignore files and excludes (default 10000)"},
      {"pattern_bytes", &ScanLimits::pattern_bytes, "bytes of one glob: ignore pattern, rule id or suppression pattern (default 1024)"},
  };
  return table;
}

std::optional<std::string> set_limit(ScanLimits& limits, std::string_view name, uint64_t value) {
  for (const auto& info : limit_table()) {
    if (info.name != name) continue;
    limits.*info.member = value;
    return std::nullopt;
  }
  std::string known;
  for (const auto& info : limit_table()) known += (known.empty() ? "" : ", ") + std::string(info.name);
  return "unknown limit '" + std::string(name) + "' (known: " + known + ")";
}

uint64_t limit_value(const ScanLimits& limits, std::string_view name) {
  for (const auto& info : limit_table())
    if (info.name == name) return limits.*info.member;
  return 0;
}

std::string limit_text(std::string_view name, uint64_t value) {
  return "limit " + std::string(name) + " = " + std::to_string(value);
}

uint64_t Deadline::remaining_micros() const {
  if (!limited()) return UINT64_MAX;
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(at_ - std::chrono::steady_clock::now()).count();
  return left > 0 ? static_cast<uint64_t>(left) : 0;
}

}  // namespace mlaudit
