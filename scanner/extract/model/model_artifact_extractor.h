#pragma once
// Model and serialized-object files: format (from content), whether loading it runs the
// pickle machinery, size and SHA-256. The data-flow graph joins these facts with the
// code that loads the file.
#include "extract/extractor.h"

namespace mlaudit {

class ModelArtifactExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "model-artifact"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return family_of(sniffed.kind) == FileFamily::model;
  }
  bool needs_content() const override { return false; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
