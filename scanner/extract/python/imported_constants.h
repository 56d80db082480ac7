#pragma once
// Constants one module of the project imports from another (`from config import DB_URL`,
// `from .settings import VERIFY_TLS`): the imported module is found in the scanned tree,
// parsed, and its module constants read, without following its own imports (one level).
// Bounded: a few modules per file, a size cap per module, files inside the root only and
// never through a symbolic link.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "extract/python/python_value.h"
#include "util/scan_limits.h"

namespace mlaudit::python {

class ImportedConstants {
 public:
  // `root`: the scanned tree; `importer`: the importing file, relative to it. An empty
  // root resolves nothing.
  ImportedConstants(std::filesystem::path root, std::string importer, Deadline deadline = {});

  // The constant `name` of `module` as written in the import ("config", "pkg.settings",
  // ".settings"), when the module is a file of the project that assigns it once.
  std::optional<Value> constant(const std::string& module, const std::string& name);

 private:
  std::optional<std::filesystem::path> find_module(const std::string& module) const;
  const std::vector<std::pair<std::string, Value>>& constants_of(const std::filesystem::path& file);

  std::filesystem::path root_;
  std::filesystem::path importer_folder_;  // relative to the root
  Deadline deadline_;
  std::map<std::filesystem::path, std::vector<std::pair<std::string, Value>>> read_;
};

}  // namespace mlaudit::python
