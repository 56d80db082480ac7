#pragma once
// Data files compiled into the binary (rule packs, catalogs, schemas, templates).
// The table is generated at build time by cmake/embed_files.cmake.
#include <optional>
#include <string_view>
#include <vector>

namespace mlaudit {

struct EmbeddedFile {
  std::string_view path;     // relative to the source root, e.g. "rules/code/code.eval-exec.yml"
  std::string_view content;
};

const std::vector<EmbeddedFile>& embedded_files();

// The embedded file at exactly `path`, if any.
std::optional<std::string_view> embedded_file(std::string_view path);

// Every embedded file whose path starts with `prefix`, in path order.
std::vector<const EmbeddedFile*> embedded_files_under(std::string_view prefix);

}  // namespace mlaudit
