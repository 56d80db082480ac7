#include "util/embedded_files.h"

#include <algorithm>

namespace mlaudit {

std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& file : embedded_files())
    if (file.path == path) return file.content;
  return std::nullopt;
}

std::vector<const EmbeddedFile*> embedded_files_under(std::string_view prefix) {
  std::vector<const EmbeddedFile*> found;
  for (const auto& file : embedded_files())
    if (file.path.starts_with(prefix)) found.push_back(&file);
  std::sort(found.begin(), found.end(), [](auto* a, auto* b) { return a->path < b->path; });
  return found;
}

}  // namespace mlaudit
