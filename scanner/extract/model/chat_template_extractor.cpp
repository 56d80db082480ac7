#include "extract/model/chat_template_extractor.h"

#include <algorithm>

#include "extract/model/chat_template.h"

namespace mlaudit {
namespace {

uint32_t line_of_offset(std::string_view text, size_t offset) {
  return 1 + static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(std::min(offset, text.size())), '\n'));
}

void report(const FileContext& file, FactSink& sink, const model::TemplateInjection& found, std::string_view where,
            uint32_t line) {
  std::string signals;
  for (const auto& signal : found.signals) signals += (signals.empty() ? "" : ", ") + signal;
  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props["kind"] = "template-injection";
  props["message"] = "the chat template reaches Python internals (" + signals +
                     "): rendered by a Jinja2 environment without the sandbox it runs commands on the serving machine";
  props["member"] = "";
  props["offset"] = -1;
  props["where"] = std::string(where);
  props["signals"] = found.signals;
  sink.add(FactType::model_issue, Location{file.file.relative, line}, std::move(props));
}

}  // namespace

void ChatTemplateExtractor::extract(const FileContext& file, FactSink& sink) const {
  std::string_view content = file.content;
  if (file.sniffed.kind == FileKind::jinja_template) {
    auto found = model::find_template_injection(content);
    if (found.found()) report(file, sink, found, "the template", line_of_offset(content, found.first_offset));
    return;
  }
  size_t key = content.find("chat_template");
  if (key == std::string_view::npos) return;
  uint32_t line = line_of_offset(content, key);
  if (file.sniffed.kind == FileKind::yaml) {
    // The YAML value is read in place: every {{ }} / {% %} block of the file is checked.
    auto found = model::find_template_injection(content);
    if (found.found()) report(file, sink, found, "chat_template", line_of_offset(content, found.first_offset));
    return;
  }
  auto json = nlohmann::json::parse(content, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return;
  auto templates = json.find("chat_template");
  if (templates == json.end()) return;
  if (templates->is_string()) {
    auto found = model::find_template_injection(templates->get_ref<const std::string&>());
    if (found.found()) report(file, sink, found, "chat_template", line);
  } else if (templates->is_array()) {
    // Named templates: [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]
    for (const auto& entry : *templates) {
      if (!entry.is_object() || !entry.contains("template") || !entry["template"].is_string()) continue;
      auto found = model::find_template_injection(entry["template"].get_ref<const std::string&>());
      std::string name = entry.contains("name") && entry["name"].is_string() ? entry["name"].get<std::string>() : "";
      if (found.found()) report(file, sink, found, "chat_template `" + name + "`", line);
    }
  }
}

}  // namespace mlaudit
