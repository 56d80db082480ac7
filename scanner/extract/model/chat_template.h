#pragma once
// Server-side template injection in Jinja2 chat templates (tokenizer_config.json's
// chat_template, GGUF's tokenizer.chat_template, .jinja files). A chat template is code:
// renderers that use a plain jinja2.Environment (llama-cpp-python before 0.2.72,
// CVE-2024-34359) let it walk from any object to Python's builtins and run commands.
// Real chat templates loop over messages and test roles; they never touch dunder
// attributes, Python modules or the template's own internals.
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit::model {

struct TemplateInjection {
  std::vector<std::string> signals;  // what was found, e.g. "`__globals__` (attribute walk)"
  size_t first_offset = 0;           // where the first expression that holds one starts
  bool found() const { return !signals.empty(); }
};

// Reads the {{ }} and {% %} blocks of a template (comments skipped, string literals
// decoded, so '\x5f\x5fglobals\x5f\x5f' counts as __globals__).
TemplateInjection find_template_injection(std::string_view template_text);

}  // namespace mlaudit::model
