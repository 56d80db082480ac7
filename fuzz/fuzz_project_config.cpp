// .mlaudit.yml: the bounded reader, the schema and every section's reader.
#include "fuzz_support.h"
#include "pipeline/project_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  try {
    parse_project_config(fuzz::as_text(data, size), "/nonexistent/.mlaudit.yml");
  } catch (const ConfigError&) {
    // an invalid configuration is an answer, not a failure
  }
  return 0;
}
