// Dataset profiling: the table reader (CSV dialect and encoding sniffing, JSON lines, JSON
// records) feeding the column profilers, as the dataset extractor does.
#include <memory>
#include <vector>

#include "extract/data/table_reader.h"
#include "fuzz_support.h"
#include "personal/column_profiler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  if (size == 0) return 0;
  // The first byte picks the format; the rest is the file.
  static constexpr FileKind kinds[] = {FileKind::csv, FileKind::tsv, FileKind::jsonl, FileKind::json_records};
  FileKind kind = kinds[data[0] % 4];
  TableOptions options;
  options.max_columns = 256;
  options.max_field_bytes = 4096;
  TableShape shape;
  std::vector<std::unique_ptr<personal::ColumnProfiler>> profilers;
  read_table(fuzz::as_text(data + 1, size - 1), kind, options, shape, [&](size_t column, std::string_view value) {
    while (profilers.size() <= column) profilers.push_back(nullptr);
    if (!profilers[column]) profilers[column] = std::make_unique<personal::ColumnProfiler>(shape.columns.at(column));
    profilers[column]->add(value);
  });
  for (const auto& profiler : profilers)
    if (profiler) profiler->verdicts();
  return 0;
}
