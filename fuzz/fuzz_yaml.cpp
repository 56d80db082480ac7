// YAML and JSON configuration files (Kubernetes, compose, workflows, DVC...): the bounded
// reader on its own, then the config extractor, which reads through it.
#include "extract/config/config_extractors.h"
#include "fuzz_support.h"
#include "util/yaml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  static const YamlConfigExtractor extractor;
  read_yaml(fuzz::as_text(data, size), YamlBudget{});
  fuzz::run_extractor(extractor, FileKind::yaml, "deploy/app.yml", data, size);
  fuzz::run_extractor(extractor, FileKind::yaml, ".github/workflows/ci.yml", data, size);
  return 0;
}
