// Jupyter notebooks: JSON, cells, outputs scanned for personal data, code cells analysed.
#include "extract/notebook/notebook_extractor.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  static const NotebookExtractor extractor;
  fuzz::run_extractor(extractor, FileKind::notebook, "fuzz.ipynb", data, size);
  return 0;
}
