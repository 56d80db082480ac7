#pragma once
// Shared by the libFuzzer targets: runs one extractor on bytes as the scan would, without
// touching the disk. No deadline: a fuzzer run must be reproducible; the other limits hold.
#include <cstdint>
#include <string_view>

#include "extract/extractor.h"

namespace mlaudit::fuzz {

inline void run_extractor(const Extractor& extractor, FileKind kind, std::string_view name, const uint8_t* data, size_t size) {
  WalkedFile file{"/nonexistent/" + std::string(name), std::string(name), size, {}};
  SniffResult sniffed{kind, "fuzz input"};
  std::string_view content(reinterpret_cast<const char*>(data), size);
  FileContext context{file, sniffed, content, ExtractSettings{}, Deadline{}};
  FactSink sink;
  extractor.extract(context, sink);
}

inline std::string_view as_text(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

}  // namespace mlaudit::fuzz
