#pragma once
// Reads a notebook's cells with the .ipynb line of every source string, using
// nlohmann::ordered_json's SAX parser over an input that counts the lines it has consumed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct NotebookLine {
  std::string text;        // one source line, without its newline
  uint32_t file_line = 0;  // 1-based line in the .ipynb file
};

struct NotebookCell {
  std::string type;        // code, markdown, raw
  std::vector<NotebookLine> source;
  std::vector<NotebookLine> outputs;  // text of stream/display/error outputs
};

struct Notebook {
  std::string language;    // from metadata (kernelspec or language_info); "" if absent
  std::vector<NotebookCell> cells;
};

struct NotebookError {
  std::string message;
};

// nullopt + error when the JSON is malformed.
std::optional<Notebook> read_notebook(std::string_view json_text, NotebookError& error);

}  // namespace mlaudit
