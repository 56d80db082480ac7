#pragma once
// Runs sniffing and the extractors over every walked file on a pool of workers.
// Results keep the walker's file order, so output is the same whatever --jobs is.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "extract/extractor.h"
#include "facts/diagnostic.h"
#include "facts/fact.h"
#include "facts/file_index.h"
#include "sniff/file_kind.h"
#include "walk/walker.h"

namespace mlaudit {

struct FileRecord {
  std::string path;                     // relative to the scan root, valid UTF-8
  std::string raw_path;                 // the path's bytes when they are not valid UTF-8; else empty
  uint64_t size = 0;
  FileKind kind = FileKind::binary;
  std::string kind_detail;
  std::vector<std::string> extractors;  // empty when skipped
  std::string skip_reason;              // why nothing analysed it
  uint32_t lines = 0;                   // text lines (0 for binary files)
  bool scanned() const { return !extractors.empty(); }
};

struct ExtractionOptions {
  unsigned jobs = 0;                                  // 0 = one per hardware thread
  uint64_t max_text_bytes = 10ull << 20;              // text files above this are skipped
  ExtractSettings settings;                           // handed to every extractor (limits included)
  Deadline scan_deadline;                             // files not started by then are skipped
  std::function<void(size_t done, size_t total)> progress;  // called from workers
};

struct Extraction {
  std::vector<FileRecord> files;
  std::vector<Fact> facts;
  std::vector<Diagnostic> diagnostics;

  FileIndex file_index() const;  // what the later stages need of `files`
};

// A file whose extractor has not returned two seconds after its deadline is given up: it is
// reported as not analysed and its thread is left behind so the scan can finish.
Extraction extract_files(const WalkResult& walk, const ExtractionOptions& options);

// Whether a thread was left behind: the process must then end with _exit, not exit.
bool extraction_left_threads_behind();

}  // namespace mlaudit
