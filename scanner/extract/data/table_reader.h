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

namespace mlaudit {

struct TableOptions {
  uint64_t max_rows = 10000;   // 0 = every row
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
};

// Fills `shape` as it reads. `on_value(column, value)`: column indexes `shape.columns` as
// they stand at that moment (JSON records may add columns as they go). `on_row_end()`
// after each row.
using ValueSink = std::function<void(size_t column, std::string_view value)>;
void read_table(std::string_view bytes, FileKind kind, const TableOptions& options, TableShape& shape,
                const ValueSink& on_value, const std::function<void()>& on_row_end = {});

}  // namespace mlaudit
