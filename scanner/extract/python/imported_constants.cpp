#include "extract/python/imported_constants.h"

#include "extract/python/evaluator.h"
#include "extract/python/large_literals.h"
#include "extract/python/project_path.h"
#include "extract/python/syntax_tree.h"
#include "extract/python/value_travel.h"
#include "util/file_io.h"

namespace mlaudit::python {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxModuleBytes = 256 * 1024;  // settings modules are small; larger ones are code
constexpr size_t kMaxModulesPerFile = 16;         // modules read for one importing file
constexpr int kMaxFolderLevels = 16;              // ancestors tried as the package base

// "pkg.settings" -> "pkg/settings"; empty when a part is not a plain name.
std::string module_path(std::string_view dotted) {
  std::string path;
  for (char c : dotted) {
    if (c == '.') path += '/';
    else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') path += c;
    else return {};
  }
  return path;
}

}  // namespace

ImportedConstants::ImportedConstants(fs::path root, std::string importer, Deadline deadline)
    : root_(std::move(root)), importer_folder_(fs::path(importer).parent_path()), deadline_(deadline) {}

std::optional<fs::path> ImportedConstants::find_module(const std::string& module) const {
  if (root_.empty() || module.empty()) return std::nullopt;
  size_t dots = module.find_first_not_of('.');
  if (dots == std::string::npos) return std::nullopt;  // `from . import x`: x is a module, not a constant
  std::string path = module_path(std::string_view(module).substr(dots));
  if (path.empty()) return std::nullopt;
  auto candidates_in = [&](const fs::path& folder) {
    return std::vector<fs::path>{folder / (path + ".py"), folder / path / "__init__.py"};
  };
  if (dots > 0) {  // relative: from the importing file's package, one folder up per extra dot
    fs::path folder = importer_folder_;
    for (size_t up = 1; up < dots; ++up) {
      if (folder.empty()) return std::nullopt;
      folder = folder.parent_path();
    }
    for (const auto& candidate : candidates_in(folder))
      if (inside_without_links(root_, candidate)) return candidate;
    return std::nullopt;
  }
  // Absolute: the package may start at any folder between the importing file and the root
  // (src/ layouts, repositories holding several projects).
  fs::path folder = importer_folder_;
  for (int level = 0; level < kMaxFolderLevels; ++level) {
    for (const auto& candidate : candidates_in(folder))
      if (inside_without_links(root_, candidate)) return candidate;
    if (folder.empty()) break;
    folder = folder.parent_path();
  }
  return std::nullopt;
}

const std::vector<std::pair<std::string, Value>>& ImportedConstants::constants_of(const fs::path& file) {
  if (auto known = read_.find(file); known != read_.end()) return known->second;
  auto& constants = read_[file];
  if (read_.size() > kMaxModulesPerFile || deadline_.passed()) return constants;
  auto content = read_file_prefix(root_ / file, kMaxModuleBytes + 1);
  if (!std::holds_alternative<std::string>(content)) return constants;
  if (std::get<std::string>(content).size() > kMaxModuleBytes) return constants;
  ScanLimits limits;
  std::vector<BlankedRegion> blanked;  // as for the file itself: huge or deep literals are not parsed
  std::string source = blank_large_literals(std::get<std::string>(content), limits.literal_bytes,
                                            limits.nesting_depth, blanked);
  TreePtr tree = parse_python(source, deadline_);
  if (!tree) return constants;
  LineMap lines;
  Evaluator evaluator(source, file.generic_string(), lines);
  for (auto& [name, value] : module_constants(evaluator, ts_tree_root_node(tree.get()))) {
    // The origin names the module: "module constant `DB_URL` (line 3)" -> "... of config.py (line 3)".
    std::string where = "constant `" + name + "` imported from " + file.generic_string();
    if (auto line = value.origin.rfind(" (line "); line != std::string::npos) where += value.origin.substr(line);
    value.origin = std::move(where);
    constants.emplace_back(std::move(name), std::move(value));
  }
  return constants;
}

std::optional<Value> ImportedConstants::constant(const std::string& module, const std::string& name) {
  auto file = find_module(module);
  if (!file) return std::nullopt;
  for (const auto& [constant, value] : constants_of(*file))
    if (constant == name) return value;
  return std::nullopt;
}

}  // namespace mlaudit::python
