#pragma once
// Files of the scanned tree that analysing one Python file may read besides itself (a
// module it imports, a settings file it loads): inside the root, reached through no
// symbolic link, no `..`.
#include <filesystem>

namespace mlaudit::python {

// Whether `relative` names a regular file under `root` reached without a symbolic link.
bool inside_without_links(const std::filesystem::path& root, const std::filesystem::path& relative);

}  // namespace mlaudit::python
