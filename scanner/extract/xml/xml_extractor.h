#pragma once
// XML files, parsed with pugixml (which never expands DTD entities or fetches anything):
// DOCTYPE declarations with entities (XXE, entity-expansion bombs against whatever Python
// parser the project uses on them), and PMML models: their format, model types and the
// fields of their DataDictionary, which say what data the model takes.
#include "extract/extractor.h"

namespace mlaudit {

class XmlExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "xml"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override { return sniffed.kind == FileKind::xml; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
