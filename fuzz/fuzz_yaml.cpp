// YAML and JSON configuration files (Kubernetes, compose, workflows, DVC...) through the
// bounded reader and the config extractor, and the same bytes as a .mlaudit.yml.
#include "engine/project_config.h"
#include "extract/config/config_extractors.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  static const YamlConfigExtractor extractor;
  fuzz::run_extractor(extractor, FileKind::yaml, "deploy/app.yml", data, size);
  fuzz::run_extractor(extractor, FileKind::yaml, ".github/workflows/ci.yml", data, size);
  try {
    parse_project_config(fuzz::as_text(data, size), "/nonexistent/.mlaudit.yml");
  } catch (const ConfigError&) {
    // an invalid configuration is an answer, not a failure
  }
  return 0;
}
