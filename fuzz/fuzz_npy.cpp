// .npy headers (and object arrays, which are pickles) and .npz archives of them.
#include "extract/model/artifact_analyzer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  std::string_view bytes = fuzz::as_text(data, size);
  for (FileKind kind : {FileKind::npy, FileKind::npz}) {
    FactSink sink;
    model::ArtifactAnalyzer analyzer("fuzz.npy", sink);
    analyzer.analyze(bytes, SniffResult{kind, "fuzz input"}, "", 0);
  }
  return 0;
}
