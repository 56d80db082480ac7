#include "extract/python/python_extractor.h"

#include "extract/python/module_analyzer.h"
#include "extract/python/syntax_tree.h"

namespace mlaudit {

void analyze_python_source(std::string_view source, const std::string& file, const python::LineMap& lines,
                           FactSink& sink) {
  python::TreePtr tree = python::parse_python(source);
  if (!tree) {
    sink.diagnose(DiagnosticLevel::warning, "parse-timeout", Location{file},
                  "Python parsing did not finish within its time limit; the file was not analysed");
    return;
  }
  TSNode root = ts_tree_root_node(tree.get());
  if (ts_node_has_error(root))
    sink.diagnose(DiagnosticLevel::note, "syntax-error", Location{file},
                  "the file has Python syntax errors (or Python 2 syntax); the parts that parse were analysed");
  python::ModuleAnalyzer(source, file, lines, sink).analyze(root);
}

void PythonExtractor::extract(const FileContext& file, FactSink& sink) const {
  analyze_python_source(file.content, file.file.relative, python::LineMap{}, sink);
}

}  // namespace mlaudit
