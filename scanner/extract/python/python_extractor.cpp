#include "extract/python/python_extractor.h"

#include <algorithm>

#include "extract/python/imported_constants.h"
#include "extract/python/large_literals.h"
#include "extract/python/module_analyzer.h"
#include "extract/python/syntax_tree.h"

namespace mlaudit {

void analyze_python_source(std::string_view original, const std::string& file, const python::LineMap& lines,
                           FactSink& sink, const ScanLimits& limits, const Deadline& deadline,
                           const std::filesystem::path& root) {
  std::vector<python::BlankedRegion> blanked;
  std::string thinned = python::blank_large_literals(original, limits.literal_bytes, limits.nesting_depth, blanked);
  std::string_view source = thinned;
  for (const auto& region : blanked) {
    uint32_t line = lines.line(region.line - 1);
    if (region.too_deep)
      sink.limit_reached(Location{file, line}, "brackets nested deeper than " + std::to_string(limits.nesting_depth) +
                                                   " levels: their inside was not parsed", "nesting_depth", limits.nesting_depth, false);
    else
      sink.limit_reached(Location{file, line}, "a literal of " + std::to_string(region.bytes) +
                                                   " bytes opens here: its inside was not parsed", "literal_bytes", limits.literal_bytes, false);
  }
  python::TreePtr tree = python::parse_python(source, deadline);
  if (!tree) {
    if (deadline.passed())
      sink.limit_reached(Location{file}, "Python parsing did not finish before the file's time ran out", "file_seconds",
                         limits.file_seconds, false);
    else
      sink.diagnose(DiagnosticLevel::warning, "parse-timeout", Location{file},
                    "Python parsing did not finish within its time limit; the file was not analysed");
    return;
  }
  TSNode tree_root = ts_tree_root_node(tree.get());
  if (ts_node_has_error(tree_root))
    sink.diagnose(DiagnosticLevel::note, "syntax-error", Location{file},
                  "the file has Python syntax errors (or Python 2 syntax); the parts that parse were analysed");
  python::ImportedConstants imported(root, file, deadline);
  python::ConfigFiles config_files(root, file, deadline);
  python::ModuleAnalyzer(source, file, lines, sink, &imported, &config_files).analyze(tree_root);
}

std::filesystem::path root_of(const WalkedFile& file) {
  std::filesystem::path root = file.absolute;
  for (size_t parts = std::count(file.relative.begin(), file.relative.end(), '/') + 1; parts > 0; --parts)
    root = root.parent_path();
  return root;
}

void PythonExtractor::extract(const FileContext& file, FactSink& sink) const {
  analyze_python_source(file.content, file.file.relative, python::LineMap{}, sink, file.settings.limits, file.deadline,
                        file.file.raw_relative.empty() ? root_of(file.file) : std::filesystem::path());
}

}  // namespace mlaudit
