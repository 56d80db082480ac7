#include "extract/data/dataset_extractor.h"

#include <algorithm>
#include <map>
#include <memory>

#include <re2/re2.h>

#include "crypto/sha256.h"
#include "extract/data/table_reader.h"
#include "personal/column_profiler.h"
#include "personal/subjectless_tables.h"
#include "util/mapped_file.h"

namespace mlaudit {
namespace {

// Most columns of the document are aggregates (a count, a distribution, a rate, a mean, a
// fairness or disparity measure) or the group each is about (majority / minority / group).
bool holds_aggregates(const std::vector<std::string>& columns) {
  static const RE2 aggregate(
      R"((?i)(^|[._])(counts?|distribution|histogram|percent(age)?|ratio|rate|mean|median|std|total|sum|fairness(_value)?|disparate_impact|bias|metrics?|majority|minority|group|favou?rable(_rate)?)([._]|$))");
  if (columns.size() < 3) return false;
  size_t matching = static_cast<size_t>(std::count_if(
      columns.begin(), columns.end(), [](const std::string& column) { return RE2::PartialMatch(column, aggregate); }));
  return matching * 3 >= columns.size() * 2;
}

// SHA-256 of a mapped file, a window at a time, releasing what has been hashed; empty when
// the deadline passes first (a sparse file of gigabytes hashes for a long while).
std::string sha256_hex_released(const MappedFile& mapped, const Deadline& deadline) {
  DigestStream stream(DigestStream::Algorithm::sha256);
  std::string_view bytes = mapped.bytes();
  constexpr size_t window = 8 << 20;
  for (size_t offset = 0; offset < bytes.size(); offset += window) {
    if (deadline.passed()) return {};
    stream.update(bytes.substr(offset, window));
    mapped.release_before(offset + window);
  }
  return stream.hex();
}

// Where each column's name first appears, so findings point at the header. Built in one pass
// over the start of the file (a search per column was quadratic in the number of columns).
class ColumnLocator {
 public:
  ColumnLocator(std::string path, std::string_view text, bool json) : path_(std::move(path)), text_(text.substr(0, 1 << 20)), json_(json) {
    for (size_t i = 0; i < text_.size(); ++i)
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }

  // CSV: the header's fields in order, found once.
  void index_header(const std::vector<std::string>& columns, char delimiter) {
    if (json_ || delimiter == 0) return;
    size_t at = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    for (size_t column = 0; column < columns.size() && at <= text_.size(); ++column) {
      size_t start = at;
      bool quoted = false;
      while (at < text_.size() && (quoted || (text_[at] != delimiter && text_[at] != '\n' && text_[at] != '\r'))) {
        if (text_[at] == '"') quoted = !quoted;
        ++at;
      }
      std::string_view field = text_.substr(start, at - start);
      if (field.size() >= 2 && field.front() == '"') field = field.substr(1, field.size() - 2), ++start;
      header_.emplace(columns[column], std::make_pair(start, field.size()));
      if (at >= text_.size() || text_[at] != delimiter) break;
      ++at;
    }
  }

  Location locate(const std::string& column) const {
    size_t at = std::string_view::npos, length = 0;
    if (auto found = header_.find(column); found != header_.end()) {
      at = found->second.first, length = found->second.second;
    } else {
      std::string needle = json_ ? "\"" + column.substr(column.rfind('.') == std::string::npos ? 0 : column.rfind('.') + 1) + "\""
                                 : column;
      at = needle.empty() ? std::string_view::npos : text_.find(needle);
      length = needle.size();
    }
    if (at == std::string_view::npos) return Location{path_, 1, 1};
    size_t line_index = static_cast<size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), at) - line_starts_.begin());
    size_t line_start = line_index == 0 ? 0 : line_starts_[line_index - 1];
    Location location{path_, static_cast<uint32_t>(line_index + 1), static_cast<uint32_t>(at - line_start + 1)};
    location.end_line = location.line;
    location.end_column = location.column + static_cast<uint32_t>(length);
    return location;
  }

 private:
  std::string path_;
  std::string_view text_;
  bool json_;
  std::vector<size_t> line_starts_;
  std::map<std::string, std::pair<size_t, size_t>> header_;  // column -> (offset, length)
};

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
  const ScanLimits& limits = file.settings.limits;
  TableOptions options{file.settings.data_sample_rows, limits.dataset_columns, limits.field_bytes, file.deadline};
  // Text converted from UTF-16 lives in its own buffer; otherwise the input is the mapping.
  options.on_progress = [&](size_t consumed) { mapped->release_before(consumed); };
  read_table(bytes, kind, options, shape, [&](size_t column, std::string_view value) {
    while (profilers.size() <= column) profilers.push_back(nullptr);
    if (!profilers[column]) profilers[column] = std::make_unique<personal::ColumnProfiler>(shape.columns[column]);
    profilers[column]->add(value);
  });
  if (!shape.limit.empty())
    sink.limit_reached(Location{path}, "reading stopped: " + shape.problem + "; the " + std::to_string(shape.rows) +
                                           " rows before were profiled", shape.limit, limit_value(limits, shape.limit));
  else if (!shape.problem.empty())
    sink.diagnose(DiagnosticLevel::warning, "malformed-dataset", Location{path},
                  "the dataset could not be read to the end (" + shape.problem + "); the rows before were profiled");
  if (shape.columns_beyond_limit)
    sink.limit_reached(Location{path}, std::to_string(shape.columns_beyond_limit) + " columns past the first " +
                                           std::to_string(limits.dataset_columns) + " were not profiled",
                       "dataset_columns", limits.dataset_columns);

  nlohmann::ordered_json categories = nlohmann::ordered_json::array(), special = nlohmann::ordered_json::array();
  bool json = kind == FileKind::jsonl || kind == FileKind::json_records;
  ColumnLocator locator(path, bytes, json);
  if (shape.header && !shape.encoding.starts_with("utf-16")) locator.index_header(shape.columns, shape.delimiter);
  // Every column's verdicts first: whether the rows describe persons depends on all of them.
  std::vector<std::pair<size_t, personal::ColumnVerdict>> verdicts;
  nlohmann::ordered_json look_alikes = nlohmann::ordered_json::array();
  for (size_t column = 0; column < shape.columns.size(); ++column) {
    // Columns with no values at all are still judged by their names.
    personal::ColumnProfiler empty(shape.columns[column]);
    const personal::ColumnProfiler& profiler = column < profilers.size() && profilers[column] ? *profilers[column] : empty;
    for (auto& verdict : profiler.verdicts()) verdicts.emplace_back(column, std::move(verdict));
    for (const personal::Category* category : profiler.look_alikes())
      look_alikes.push_back({{"column", shape.columns[column]}, {"category", category->id}, {"values", profiler.values()}});
  }
  // Health, income or belief columns are data about people only when the rows are people:
  // some column identifies or singles out a person (a name, an id, an age, a sex, a postal
  // code...). Without one the table is reference data (disease -> symptom -> medication),
  // and its terms are not personal data.
  bool describes_persons = std::any_of(verdicts.begin(), verdicts.end(),
                                       [](const auto& entry) { return entry.second.category->identifier != "none"; });
  // A JSON document of aggregates (fairness or monitoring metrics: counts and distributions
  // per group, `{"feature": "Sex", "majority": {"values": [{"value": "male", "distribution":
  // {"count": 84}}]}}`) names groups, not people: with no direct identifier among its columns
  // its records describe nobody.
  bool direct_identifier = std::any_of(verdicts.begin(), verdicts.end(),
                                       [](const auto& entry) { return entry.second.category->identifier == "direct"; });
  bool aggregates = json && !direct_identifier && holds_aggregates(shape.columns);
  if (aggregates) describes_persons = false;
  // Nearly every JSON object has a `name`: in a document where that key is the only sign of a
  // person and its values do not confirm it (alert rules, data sources, channels of a
  // configuration export), the records name things, not people.
  bool names_things = json && !verdicts.empty() && std::all_of(verdicts.begin(), verdicts.end(), [](const auto& entry) {
    return entry.second.category->id == "person-name" && entry.second.source == "name";
  });
  if (names_things) describes_persons = false;
  // A well-known public table of animals, of the long dead or of census-area aggregates
  // (abalone, Titanic, California housing) has personal-looking columns and no data subject.
  const personal::SubjectlessTable* known_table = personal::recognize_subjectless_table(shape.columns);
  if (known_table) describes_persons = false;
  nlohmann::ordered_json without_subjects = nlohmann::ordered_json::array();
  for (const auto& [column, verdict] : verdicts) {
    const auto& category = *verdict.category;
    if (!describes_persons) {
      if (std::find(without_subjects.begin(), without_subjects.end(), category.id) == without_subjects.end())
        without_subjects.push_back(category.id);
      continue;
    }
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
    sink.add(FactType::personal_data, locator.locate(shape.columns[column]), std::move(props));
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
  if (!look_alikes.empty()) props["look_alike_columns"] = look_alikes;
  if (!without_subjects.empty()) {
    std::string listed;
    for (const auto& id : without_subjects) listed += (listed.empty() ? "" : ", ") + id.get<std::string>();
    sink.diagnose(DiagnosticLevel::note, "no-data-subjects", Location{path},
                  "columns named like personal data (" + listed + ") not treated as personal data: " +
                      (known_table    ? "its columns are those of " + known_table->label + ": " + known_table->reason
                       : aggregates   ? std::string("aggregate statistics per group, no record describes a person")
                       : names_things ? std::string("a `name` key whose values do not confirm a person, and no other sign of one")
                                      : std::string("no column identifies or describes a person, a reference table")));
    props["categories_without_data_subjects"] = without_subjects;
    props["not_personal_reason"] =
        known_table    ? "its columns are those of " + known_table->label + ": " + known_table->reason
        : aggregates   ? "aggregate statistics (counts, distributions, rates per group) with no identifier: no record describes a person"
        : names_things ? "its only sign of a person is a `name` key whose values do not confirm it (names of alert rules, "
                         "data sources, channels): the records name things, not people"
                       : "no column identifies or describes a person (no name, id, age, sex, postal code, "
                         "contact or date of birth): a reference table, its terms are not data about people";
  }
  props["size"] = file.file.size;
  props["sha256"] = sha256_hex_released(*mapped, file.deadline);
  if (props["sha256"].get<std::string>().empty())
    sink.limit_reached(Location{path}, "SHA-256 not computed: the file's time ran out while hashing it", "file_seconds",
                       limits.file_seconds, false);
  sink.add(FactType::dataset, Location{path}, std::move(props));
}

}  // namespace mlaudit
