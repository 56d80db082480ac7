// The symbolic pickle machine on arbitrary bytes, plain and as joblib (raw array data).
#include "extract/model/pickle_vm.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  model::PickleOptions options;
  options.limits.max_opcodes = 1'000'000;  // keeps one input under a second
  model::scan_pickle(fuzz::as_text(data, size), options);
  options.joblib = true;
  model::scan_pickle(fuzz::as_text(data, size), options);
  return 0;
}
