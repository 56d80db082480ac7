#pragma once
// Chat templates shipped with models: the `chat_template` of a tokenizer_config.json (or
// any JSON or YAML file that sets one) and standalone .jinja / .j2 templates. Each is read
// for template injection (chat_template.h); a finding is a model_issue of kind
// template-injection at the template's line.
#include "extract/extractor.h"

namespace mlaudit {

class ChatTemplateExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "chat-template"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override {
    return sniffed.kind == FileKind::jinja_template || sniffed.kind == FileKind::json ||
           sniffed.kind == FileKind::yaml;
  }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
