#pragma once
// What one file and one scan may cost. A hostile file must not stall the scan or exhaust
// the machine: every parser of untrusted bytes runs under these bounds, and reaching one is
// a diagnostic that names the file and the limit, with what was read before it analysed.
// Set with `--limit NAME=VALUE` or `limits:` in .mlaudit.yml (threat-models/mlaudit.schema.yml).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct ScanLimits {
  uint64_t file_seconds = 30;          // wall time for one file, all extractors together
  uint64_t scan_seconds = 0;           // wall time for reading the files (from the start of extraction); 0 = no limit
  uint64_t nesting_depth = 256;        // YAML/JSON/TOML nesting, Python brackets
  uint64_t yaml_nodes = 250'000;       // nodes of one YAML/JSON configuration file, aliases expanded
  uint64_t dataset_columns = 10'000;   // columns profiled per dataset (the rest are counted)
  uint64_t field_bytes = 1 << 20;      // one CSV field or JSON-lines record
  uint64_t literal_bytes = 1 << 20;    // one Python list/dict/set/tuple literal (its inside is not parsed beyond)
  uint64_t line_bytes = 1 << 20;       // one logical line of a Dockerfile (continuation lines joined)
  uint64_t ignore_patterns = 10'000;   // patterns read from .gitignore/.mlauditignore files and excludes
  uint64_t pattern_bytes = 1024;       // one glob (ignore pattern, rule id pattern, suppression id)
};

// One entry of the table that names the limits for the command line and .mlaudit.yml.
struct LimitInfo {
  std::string_view name;
  uint64_t ScanLimits::*member;
  std::string_view description;
};
const std::vector<LimitInfo>& limit_table();

// Sets limit `name`; returns an error message when the name is unknown.
std::optional<std::string> set_limit(ScanLimits& limits, std::string_view name, uint64_t value);

// The value of limit `name` (0 for an unknown name).
uint64_t limit_value(const ScanLimits& limits, std::string_view name);

// "limit nesting_depth = 256", for diagnostics.
std::string limit_text(std::string_view name, uint64_t value);

// A point in time after which work on something stops (cooperatively).
class Deadline {
 public:
  Deadline() = default;
  static Deadline after_seconds(uint64_t seconds) {  // 0 = never
    Deadline deadline;
    if (seconds) deadline.at_ = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    return deadline;
  }
  static Deadline at(std::chrono::steady_clock::time_point when) {
    Deadline deadline;
    deadline.at_ = when;
    return deadline;
  }
  static Deadline earlier(const Deadline& a, const Deadline& b) { return a.at_ < b.at_ ? a : b; }
  bool passed() const { return at_ != std::chrono::steady_clock::time_point::max() && std::chrono::steady_clock::now() >= at_; }
  bool limited() const { return at_ != std::chrono::steady_clock::time_point::max(); }
  // Microseconds left (0 when passed); UINT64_MAX when unlimited.
  uint64_t remaining_micros() const;

 private:
  std::chrono::steady_clock::time_point at_ = std::chrono::steady_clock::time_point::max();
};

}  // namespace mlaudit
