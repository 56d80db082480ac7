#pragma once
// Credentials written into files: provider key formats, private keys and credential
// assignments, filtered by entropy and placeholder lists. A secret fact never holds the
// value: only its kind, a masked form, its length and a hash for de-duplication.
#include "extract/extractor.h"

namespace mlaudit {

class SecretsExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "secrets"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override { return is_text_kind(sniffed.kind); }
  void extract(const FileContext& file, FactSink& sink) const override;
};

// Compiles the pattern catalog now rather than on first use.
void prepare_secret_patterns();

}  // namespace mlaudit
