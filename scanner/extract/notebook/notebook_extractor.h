#pragma once
#include "extract/extractor.h"

namespace mlaudit {

// Jupyter notebooks: code cells go through the Python analyzer as one module, with
// every location mapped back to the line of the .ipynb file that holds that source line.
class NotebookExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "notebook"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return sniffed.kind == FileKind::notebook;
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
