#pragma once
// Datasets: format, column names from the header, size and SHA-256 for the inventory.
// (Column-level personal-data profiling builds on this.)
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

// Splits one delimited line, honouring double quotes.
std::vector<std::string> split_delimited(std::string_view line, char delimiter);

}  // namespace mlaudit
