#pragma once
// Streams the rows of a tabular dataset: CSV/TSV through libcsv (dialect and encoding
// sniffed first), JSON lines and JSON arrays of records through nlohmann::json (SAX, so a
// large array is never held whole). Values reach the caller one at a time, tagged with their
// column; nothing is kept, so memory does not grow with the file.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sniff/file_kind.h"
#include "util/scan_limits.h"

namespace mlaudit {

struct TableOptions {
  uint64_t max_rows = 10000;   // 0 = every row
  uint64_t max_columns = 10000;          // later columns are counted, not read (limit dataset_columns)
  uint64_t max_field_bytes = 1 << 20;    // a longer CSV field or JSON-lines record stops the read (field_bytes)
  Deadline deadline;                     // checked between chunks
  // Called now and then with how many bytes of the input have been consumed, so the
  // caller can release them (memory-mapped input).
  std::function<void(size_t consumed)> on_progress;
};

struct TableShape {
  std::vector<std::string> columns;  // header names, or column_1... when the file has none
  bool header = true;
  char delimiter = 0;                // CSV/TSV only
  std::string encoding = "utf-8";    // utf-8, utf-8 (BOM), utf-16le, utf-16be, windows-1252
  uint64_t rows = 0;                 // data rows read
  bool complete = false;             // read to the end (not cut by max_rows)
  std::string problem;               // a parse error, when there was one
  std::string limit;                 // the limit that stopped the read (ScanLimits name), when one did
  uint64_t columns_beyond_limit = 0; // widest row's columns past max_columns
};

// Fills `shape` as it reads. `on_value(column, value)`: column indexes `shape.columns` as
// they stand at that moment (JSON records may add columns as they go). `on_row_end()`
// after each row.
using ValueSink = std::function<void(size_t column, std::string_view value)>;
void read_table(std::string_view bytes, FileKind kind, const TableOptions& options, TableShape& shape,
                const ValueSink& on_value, const std::function<void()>& on_row_end = {});

}  // namespace mlaudit
