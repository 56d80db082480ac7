// Zip and tar members: the model analyser on an archive (kind from the bytes, else zip, else
// tar), which sniffs each member and follows nested archives under its caps.
#include "extract/model/artifact_analyzer.h"
#include "fuzz_support.h"
#include "sniff/sniffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  std::string_view bytes = fuzz::as_text(data, size);
  for (FileKind kind : {FileKind::zip, FileKind::tar}) {
    FactSink sink;
    model::ArtifactAnalyzer analyzer("fuzz.bin", sink);
    analyzer.analyze(bytes, SniffResult{kind, "fuzz input"}, "", 0);
  }
  FactSink sink;
  model::ArtifactAnalyzer analyzer("fuzz.bin", sink);
  analyzer.analyze(bytes, sniff_bytes(bytes, "fuzz.zip"), "", 0);
  return 0;
}
