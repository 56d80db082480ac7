// Dockerfiles: instructions, continuation lines, heredocs, escape directives.
#include "extract/config/config_extractors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  static const DockerfileExtractor extractor;
  fuzz::run_extractor(extractor, FileKind::dockerfile, "Dockerfile", data, size);
  return 0;
}
