#pragma once
// Datasets (CSV/TSV, JSON lines, JSON arrays of records): format, dialect, encoding,
// columns, size and SHA-256 for the inventory, and column-level personal-data profiling
// of the first rows (all rows with --full-data-scan): one personal_data fact per column
// and category, with confidence and masked evidence.
#include "extract/extractor.h"

namespace mlaudit {

class DatasetExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "dataset"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return family_of(sniffed.kind) == FileFamily::data;
  }
  bool needs_content() const override { return false; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
