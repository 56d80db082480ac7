// safetensors: header length, JSON header, dtypes, shapes and byte ranges.
#include "extract/model/artifact_analyzer.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  FactSink sink;
  model::ArtifactAnalyzer analyzer("fuzz.safetensors", sink);
  analyzer.analyze(fuzz::as_text(data, size), SniffResult{FileKind::safetensors, "fuzz input"}, "", 0);
  return 0;
}
