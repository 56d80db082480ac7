#include "extract/notebook/notebook_extractor.h"

#include <algorithm>
#include <optional>

#include "extract/notebook/notebook_reader.h"
#include "extract/python/python_extractor.h"
#include "personal/category_catalog.h"
#include "personal/text_scanner.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// IPython magics and shell escapes are not Python: keep the line count, drop the code.
std::string neutralise_magic(std::string_view line) {
  auto stripped = trim(line);
  if (stripped.starts_with("%") || stripped.starts_with("!") || stripped.starts_with("?") ||
      (stripped.ends_with("?") && stripped.find(' ') == std::string_view::npos && !stripped.empty()))
    return "#" + std::string(line);
  return std::string(line);
}

// The shell command of a line, if the line is one: `!cmd`, `!!cmd`, `%sx cmd`, `%system cmd`,
// or any line of a `%%bash` / `%%sh` / `%%script bash` cell.
std::optional<std::string> shell_line(std::string_view line, bool shell_cell) {
  auto stripped = trim(line);
  if (shell_cell) return stripped.empty() || stripped.starts_with("#") ? std::nullopt : std::optional<std::string>(stripped);
  if (stripped.starts_with("!")) {
    // A line of only `!` (or `!!`) escapes nothing.
    size_t command = stripped.find_first_not_of('!');
    return command == std::string_view::npos ? std::nullopt : std::optional<std::string>(trim(stripped.substr(command)));
  }
  for (std::string_view magic : {"%sx ", "%system "})
    if (stripped.starts_with(magic)) return std::string(trim(stripped.substr(magic.size())));
  return std::nullopt;
}

bool is_shell_cell(const NotebookCell& cell) {
  if (cell.source.empty()) return false;
  auto first = trim(cell.source.front().text);
  return first.starts_with("%%bash") || first.starts_with("%%sh") || first.starts_with("%%script bash") ||
         first.starts_with("%%script sh");
}

}  // namespace

void NotebookExtractor::extract(const FileContext& file, FactSink& sink) const {
  NotebookError error;
  auto notebook = read_notebook(file.content, error);
  if (!notebook) {
    sink.diagnose(DiagnosticLevel::warning, "parse-error", Location{file.file.relative},
                  "notebook is not valid JSON: " + error.message);
    return;
  }
  if (!notebook->language.empty() && notebook->language != "python" && notebook->language.find("python") == std::string::npos) {
    sink.diagnose(DiagnosticLevel::note, "unsupported-language", Location{file.file.relative},
                  "notebook kernel language is '" + notebook->language + "'; only Python cells are analysed");
    return;
  }
  // Saved outputs are committed with the notebook: printed frames leak the data they show.
  // The lines they sit on are data, not code: reports mask every word quoted from them.
  personal::TextScanner outputs;
  nlohmann::ordered_json output_lines = nlohmann::ordered_json::array();  // [first, last] ranges
  for (const auto& cell : notebook->cells)
    for (const auto& output : cell.outputs) {
      outputs.scan(output.text, output.file_line);
      if (!output_lines.empty() && output_lines.back()[1].get<uint32_t>() + 1 >= output.file_line)
        output_lines.back()[1] = std::max(output.file_line, output_lines.back()[1].get<uint32_t>());
      else
        output_lines.push_back({output.file_line, output.file_line});
    }
  for (const auto& hit : outputs.hits()) {
    const auto* category = personal::CategoryCatalog::get().find(hit.category);
    sink.add(FactType::output_personal_data, Location{file.file.relative, static_cast<uint32_t>(hit.first_line), 1},
             {{"category", hit.category},
              {"label", category ? category->label : hit.category},
              {"article", category ? category->article : ""},
              {"count", hit.count},
              {"example", hit.example},
              {"output_lines", output_lines}});
  }

  std::string module;
  python::LineMap lines;
  const auto file_lines = split_lines(file.content);
  for (const auto& cell : notebook->cells) {
    if (cell.type != "code") continue;
    bool shell_cell = is_shell_cell(cell);
    for (const auto& line : cell.source) {
      if (auto command = shell_line(line.text, shell_cell && &line != &cell.source.front()); command && !command->empty())
        sink.add(FactType::shell_command, Location{file.file.relative, line.file_line, 1},
                 {{"command", truncate_utf8(*command, 600)}, {"source", "notebook"}});
      // A %%bash cell's body is shell, not Python: kept as comments so it cannot break the parse.
      module += shell_cell ? "#" + line.text : neutralise_magic(line.text);
      module += '\n';
      lines.file_lines.push_back(line.file_line);
      // Column of the first character inside the JSON string on that line.
      auto raw = line.file_line - 1 < file_lines.size() ? file_lines[line.file_line - 1] : std::string_view();
      auto quote = raw.find('"');
      lines.column_offsets.push_back(quote == std::string_view::npos ? 0 : static_cast<uint32_t>(quote + 1));
    }
  }
  analyze_python_source(module, file.file.relative, lines, sink, file.settings.limits, file.deadline,
                        file.file.raw_relative.empty() ? root_of(file.file) : std::filesystem::path());
}

}  // namespace mlaudit
