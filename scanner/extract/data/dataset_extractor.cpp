#include "extract/data/dataset_extractor.h"

#include <algorithm>
#include <memory>

#include "crypto/sha256.h"
#include "extract/data/table_reader.h"
#include "personal/column_profiler.h"
#include "util/mapped_file.h"

namespace mlaudit {
namespace {

// SHA-256 of a mapped file, a window at a time, releasing what has been hashed.
std::string sha256_hex_released(const MappedFile& mapped) {
  DigestStream stream(DigestStream::Algorithm::sha256);
  std::string_view bytes = mapped.bytes();
  constexpr size_t window = 8 << 20;
  for (size_t offset = 0; offset < bytes.size(); offset += window) {
    stream.update(bytes.substr(offset, window));
    mapped.release_before(offset + window);
  }
  return stream.hex();
}

// Where a column's name first appears in the file, so findings point at the header.
Location column_location(const std::string& path, std::string_view text, const std::string& column, bool json) {
  std::string needle = json ? "\"" + column.substr(column.rfind('.') == std::string::npos ? 0 : column.rfind('.') + 1) + "\""
                            : column;
  size_t at = needle.empty() ? std::string_view::npos : text.substr(0, 1 << 20).find(needle);
  if (at == std::string_view::npos) return Location{path, 1, 1};
  uint32_t line = 1 + static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(at), '\n'));
  size_t line_start = text.rfind('\n', at);
  uint32_t column_number = static_cast<uint32_t>(at - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
  Location location{path, line, column_number};
  location.end_line = line;
  location.end_column = column_number + static_cast<uint32_t>(needle.size());
  return location;
}

}  // namespace

void DatasetExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  std::string error;
  auto mapped = MappedFile::open(file.file.absolute, error);
  if (!mapped) {
    sink.diagnose(DiagnosticLevel::warning, "unreadable", Location{path}, "cannot read dataset: " + error);
    return;
  }
  std::string_view bytes = mapped->bytes();
  FileKind kind = file.sniffed.kind;

  std::vector<std::unique_ptr<personal::ColumnProfiler>> profilers;
  TableShape shape;
  TableOptions options{file.settings.data_sample_rows};
  // Text converted from UTF-16 lives in its own buffer; otherwise the input is the mapping.
  options.on_progress = [&](size_t consumed) { mapped->release_before(consumed); };
  read_table(bytes, kind, options, shape, [&](size_t column, std::string_view value) {
    while (profilers.size() <= column) profilers.push_back(nullptr);
    if (!profilers[column]) profilers[column] = std::make_unique<personal::ColumnProfiler>(shape.columns[column]);
    profilers[column]->add(value);
  });
  if (!shape.problem.empty())
    sink.diagnose(DiagnosticLevel::warning, "malformed-dataset", Location{path},
                  "the dataset could not be read to the end (" + shape.problem + "); the rows before were profiled");

  nlohmann::ordered_json categories = nlohmann::ordered_json::array(), special = nlohmann::ordered_json::array();
  bool json = kind == FileKind::jsonl || kind == FileKind::json_records;
  for (size_t column = 0; column < shape.columns.size(); ++column) {
    // Columns with no values at all are still judged by their names.
    personal::ColumnProfiler empty(shape.columns[column]);
    const personal::ColumnProfiler& profiler = column < profilers.size() && profilers[column] ? *profilers[column] : empty;
    for (const auto& verdict : profiler.verdicts()) {
      const auto& category = *verdict.category;
      if (std::find(categories.begin(), categories.end(), category.id) == categories.end()) categories.push_back(category.id);
      if (!category.article.empty() && std::find(special.begin(), special.end(), category.id) == special.end())
        special.push_back(category.id);
      nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
      props["dataset"] = path;
      props["column"] = shape.columns[column];
      props["category"] = category.id;
      props["label"] = category.label;
      props["identifier"] = category.identifier;
      props["article"] = category.article;
      props["special"] = category.special();
      props["confidence"] = verdict.confidence;
      props["source"] = verdict.source;
      props["checked"] = verdict.checked;
      props["matched"] = verdict.matched;
      props["example"] = verdict.example;
      props["detail"] = verdict.detail;
      props["evidence"] = verdict.source == "name" ? "column name"
                                                   : std::to_string(verdict.matched) + " of " + std::to_string(verdict.checked) +
                                                         " values" + (verdict.example.empty() ? "" : ", e.g. " + verdict.example);
      sink.add(FactType::personal_data, column_location(path, bytes, shape.columns[column], json), std::move(props));
    }
  }

  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const auto& column : shape.columns) columns.push_back(column);
  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props["format"] = to_string(kind);
  props["columns"] = columns;
  props["delimiter"] = shape.delimiter ? std::string(1, shape.delimiter) : std::string();
  props["encoding"] = shape.encoding;
  props["header"] = shape.header;
  props["rows_profiled"] = shape.rows;
  props["all_rows_profiled"] = shape.complete;
  props["personal_categories"] = categories;
  props["special_categories"] = special;
  props["size"] = file.file.size;
  props["sha256"] = sha256_hex_released(*mapped);
  sink.add(FactType::dataset, Location{path}, std::move(props));
}

}  // namespace mlaudit
