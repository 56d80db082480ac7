#pragma once
// Model files and archives: the file is mapped read-only and handed to the ArtifactAnalyzer
// (pickle VM, format checks, archive members), then summarised in one model_artifact fact
// with its format, size, SHA-256 and the globals its pickles import. The data-flow graph
// joins these facts with the code that loads the file.
#include "extract/extractor.h"

namespace mlaudit {

class ModelArtifactExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "model-artifact"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    FileFamily family = family_of(sniffed.kind);
    return family == FileFamily::model || family == FileFamily::archive;
  }
  bool needs_content() const override { return false; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
