#include "extract/python/project_path.h"

#include <system_error>

namespace mlaudit::python {

bool inside_without_links(const std::filesystem::path& root, const std::filesystem::path& relative) {
  namespace fs = std::filesystem;
  if (root.empty() || relative.empty() || relative.is_absolute()) return false;
  std::error_code error;
  fs::path current = root;
  for (const auto& part : relative) {
    if (part == ".." || part == "." || part.empty()) return false;
    current /= part;
    auto status = fs::symlink_status(current, error);
    if (error || fs::is_symlink(status)) return false;
  }
  return fs::is_regular_file(fs::symlink_status(current, error)) && !error;
}

}  // namespace mlaudit::python
