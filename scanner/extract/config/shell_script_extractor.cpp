#include "extract/config/config_extractors.h"
#include "util/text.h"

namespace mlaudit {

void ShellScriptExtractor::extract(const FileContext& file, FactSink& sink) const {
  constexpr size_t kMaxCommandBytes = 600;  // what a rule reads and a message quotes
  constexpr size_t kMaxCommands = 50'000;   // a generated script of a million lines is data
  std::string command;
  uint32_t number = 0, first = 0;
  size_t commands = 0;
  auto flush = [&] {
    auto text = trim(command);
    if (!text.empty() && ++commands <= kMaxCommands)
      sink.add(FactType::shell_command, Location{file.file.relative, first, 1},
               {{"command", truncate_utf8(text, kMaxCommandBytes)}, {"source", "script"}});
    command.clear();
  };
  for (auto line : split_lines(file.content)) {
    if (commands > kMaxCommands) {
      sink.diagnose(DiagnosticLevel::note, "too-many-commands", Location{file.file.relative, number, 1},
                    "more than 50,000 commands: the rest of the script was not read");
      return;
    }
    ++number;
    auto stripped = trim(line);
    if (command.empty()) {
      if (stripped.empty() || stripped.starts_with("#")) continue;
      first = number;
    }
    bool continues = stripped.ends_with("\\");
    if (continues) stripped.remove_suffix(1);
    if (command.size() < 4 * kMaxCommandBytes) {  // a command continued for ever is cut, not copied
      if (!command.empty()) command += ' ';
      command += stripped;
    }
    if (!continues) flush();
  }
  flush();
}

}  // namespace mlaudit
