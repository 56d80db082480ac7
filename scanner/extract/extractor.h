#pragma once
// An extractor reads one family of artifacts and emits facts. It knows nothing of
// rules, graphs or reports. Extractors are listed explicitly in registry.cpp.
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "facts/diagnostic.h"
#include "facts/fact.h"
#include "sniff/file_kind.h"
#include "util/scan_limits.h"
#include "walk/walker.h"

namespace mlaudit {

// Settings extractors may need beyond the file itself.
struct ExtractSettings {
  uint64_t data_sample_rows = 10000;   // dataset rows profiled per file; 0 = every row
  ScanLimits limits;                   // what one file may cost
};

struct FileContext {
  const WalkedFile& file;
  const SniffResult& sniffed;
  std::string_view content;   // the whole file for text kinds; empty for binary artifacts
  ExtractSettings settings = {};
  Deadline deadline = {};     // when work on this file stops (limit file_seconds, or the scan's)
};

// Collects what extractors find in one file.
class FactSink {
 public:
  void add(Fact fact) { facts_.push_back(std::move(fact)); }
  void add(FactType type, Location location, nlohmann::ordered_json props) {
    facts_.push_back({type, std::move(location), std::move(props)});
  }
  void diagnose(DiagnosticLevel level, std::string code, Location location, std::string message) {
    diagnostics_.push_back({level, std::move(code), std::move(location), std::move(message)});
  }
  // A limit stopped the reading of this file: names the limit and says what was analysed.
  void limit_reached(const Location& location, const std::string& what, std::string_view limit, uint64_t value,
                     bool read_before = true) {
    diagnose(DiagnosticLevel::warning, "limit", location,
             what + " (" + limit_text(limit, value) + ")" +
                 (read_before ? "; what was read before the limit was analysed" : "; not analysed further"));
  }
  std::vector<Fact>& facts() { return facts_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  std::vector<Fact> facts_;
  std::vector<Diagnostic> diagnostics_;
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  virtual std::string_view name() const = 0;
  virtual bool handles(const SniffResult& sniffed, std::string_view relative_path) const = 0;
  // Binary-artifact extractors stream the file themselves and need no content.
  virtual bool needs_content() const { return true; }
  virtual void extract(const FileContext& file, FactSink& sink) const = 0;
};

// Every extractor, in the order they run on a file.
std::vector<std::unique_ptr<Extractor>> make_extractors();

// Builds the extractors' data tables (call signatures, secret patterns) ahead of time, so a
// caller can do it while something else runs instead of on the first file that needs them.
void prepare_extractors();

}  // namespace mlaudit
