#pragma once
#include "extract/extractor.h"
#include "extract/python/python_value.h"

namespace mlaudit {

// Analyses Python source (a .py file, or the code cells of a notebook mapped back to
// the notebook's lines) and adds its facts to `sink`.
// Collection literals past limit literal_bytes (or nested past nesting_depth) are blanked
// before parsing, and parsing stops at the file's deadline; both are reported.
// `root`: the scanned tree `file` is relative to, where constants imported from the
// project's own modules are read (empty: not read).
void analyze_python_source(std::string_view source, const std::string& file, const python::LineMap& lines,
                           FactSink& sink, const ScanLimits& limits = {}, const Deadline& deadline = {},
                           const std::filesystem::path& root = {});

// The scanned tree's root, from a walked file's absolute and relative paths.
std::filesystem::path root_of(const WalkedFile& file);

class PythonExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "python"; }
  bool handles(const SniffResult& sniffed, std::string_view) const override { return sniffed.kind == FileKind::python; }
  void extract(const FileContext& file, FactSink& sink) const override;
};

}  // namespace mlaudit
