#include "extract/data/table_reader.h"

#include <csv.h>
#include <iconv.h>

#include <iterator>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

namespace mlaudit {
namespace {

constexpr size_t kSniffBytes = 64 * 1024;
constexpr size_t kChunk = 1 << 20;

bool valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0) return false;
    if (i + length > text.size()) return true;  // cut at the end of the sample
    for (size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

std::string latin1_to_utf8(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) out += ch;
    else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// UTF-16 to UTF-8 through glibc's iconv, up to `limit` output bytes.
std::string utf16_to_utf8(std::string_view bytes, const char* encoding, size_t limit) {
  iconv_t converter = iconv_open("UTF-8", encoding);
  if (converter == reinterpret_cast<iconv_t>(-1)) return {};
  std::string out;
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  std::array<char, 1 << 16> buffer;
  while (in_left > 0 && out.size() < limit) {
    char* out_pointer = buffer.data();
    size_t out_left = buffer.size();
    size_t result = iconv(converter, &in, &in_left, &out_pointer, &out_left);
    out.append(buffer.data(), buffer.size() - out_left);
    if (result == static_cast<size_t>(-1) && errno != E2BIG) break;  // invalid or cut sequence: stop there
  }
  iconv_close(converter);
  return out;
}

// The delimiter whose count per line is the same, and not zero, on most sampled lines.
char sniff_delimiter(std::string_view sample, FileKind kind) {
  if (kind == FileKind::tsv) return '\t';
  char best = ',';
  double best_score = 0;
  for (char candidate : {',', ';', '\t', '|'}) {
    std::map<size_t, size_t> per_line_counts;
    size_t lines = 0, count = 0;
    bool quoted = false;
    for (char c : sample) {
      if (c == '"') quoted = !quoted;
      else if (c == candidate && !quoted) ++count;
      else if (c == '\n' && !quoted) {
        ++per_line_counts[count];
        count = 0;
        if (++lines == 50) break;
      }
    }
    size_t mode_lines = 0, mode_count = 0;
    for (const auto& [n, times] : per_line_counts)
      if (n > 0 && times > mode_lines) mode_lines = times, mode_count = n;
    double score = lines ? static_cast<double>(mode_lines) / static_cast<double>(lines) * (1.0 + 0.01 * static_cast<double>(mode_count)) : 0;
    if (score > best_score) best_score = score, best = candidate;
  }
  return best;
}

bool numeric(std::string_view value) {
  if (value.empty()) return false;
  size_t digits = 0;
  for (char c : value) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' && c != ',') return false;
  }
  return digits > 0;
}

// Collects the fields of one row from libcsv's callbacks.
struct CsvState {
  const ValueSink* on_value;
  const std::function<void()>* on_row_end;
  TableShape* shape;
  const TableOptions* options;
  bool latin1 = false;
  bool first_row = true;
  bool stop = false;
  std::vector<std::string> first_fields;  // the first row, held until we know if it is a header
  size_t first_beyond = 0;                // fields of the first row past max_columns
  size_t column = 0;
};

void emit_row_values(CsvState& state, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    while (state.shape->columns.size() <= i) state.shape->columns.push_back("column_" + std::to_string(state.shape->columns.size() + 1));
    (*state.on_value)(i, fields[i]);
  }
  if (*state.on_row_end) (*state.on_row_end)();
  ++state.shape->rows;
}

void csv_field(void* field, size_t length, void* data) {
  auto& state = *static_cast<CsvState*>(data);
  if (state.stop) return;
  std::string_view value(static_cast<const char*>(field ? field : ""), field ? length : 0);
  size_t column = state.first_row ? state.first_fields.size() + state.first_beyond : state.column++;
  if (column >= state.options->max_columns) {  // counted, neither kept nor profiled
    if (state.first_row) ++state.first_beyond;
    state.shape->columns_beyond_limit =
        std::max<uint64_t>(state.shape->columns_beyond_limit, column + 1 - state.options->max_columns);
    return;
  }
  if (state.first_row) {
    state.first_fields.emplace_back(value);
    return;
  }
  if (column >= state.shape->columns.size())
    state.shape->columns.push_back("column_" + std::to_string(state.shape->columns.size() + 1));
  (*state.on_value)(column, value);
}

void csv_row(int, void* data) {
  auto& state = *static_cast<CsvState*>(data);
  if (state.stop) return;
  if (state.first_row) {
    state.first_row = false;
    // A header has no empty and no numeric cells.
    bool header = !state.first_fields.empty() &&
                  std::none_of(state.first_fields.begin(), state.first_fields.end(),
                               [](const std::string& f) { return f.empty() || numeric(f); });
    state.shape->header = header;
    if (header) {
      for (auto& name : state.first_fields) state.shape->columns.push_back(state.latin1 ? latin1_to_utf8(name) : name);
    } else {
      emit_row_values(state, state.first_fields);
    }
    state.first_fields.clear();
  } else {
    state.column = 0;
    if (*state.on_row_end) (*state.on_row_end)();
    ++state.shape->rows;
  }
  if (state.options->max_rows && state.shape->rows >= state.options->max_rows) state.stop = true;
}

void read_csv(std::string_view text, FileKind kind, const TableOptions& options, const ValueSink& on_value,
              const std::function<void()>& on_row_end, bool latin1, TableShape& shape) {
  shape.delimiter = sniff_delimiter(text.substr(0, kSniffBytes), kind);
  csv_parser parser;
  csv_init(&parser, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
  csv_set_delim(&parser, static_cast<unsigned char>(shape.delimiter));
  // libcsv grows a field's buffer by blk_size bytes (128 by default): a 1 MiB field meant
  // 8,000 reallocations, each a copy where realloc cannot grow in place (always under ASan),
  // so a long field cost time quadratic in its length.
  csv_set_blk_size(&parser, 64 * 1024);
  CsvState state{&on_value, &on_row_end, &shape, &options, latin1};
  size_t offset = 0;
  // Chunks of at most 64 KiB: a field grows at most that far past its limit before the
  // check below sees it (a file of one endless field must not become one endless string).
  const size_t chunk = std::min<size_t>(kChunk, std::max<size_t>(4096, options.max_field_bytes / 4));
  while (offset < text.size() && !state.stop) {
    size_t length = std::min(chunk, text.size() - offset);
    if (csv_parse(&parser, text.data() + offset, length, csv_field, csv_row, &state) != length) {
      shape.problem = csv_strerror(csv_error(&parser));
      break;
    }
    offset += length;
    if (options.on_progress) options.on_progress(offset);
    if (parser.entry_pos > options.max_field_bytes) {
      shape.problem = "a field longer than " + std::to_string(options.max_field_bytes) + " bytes at byte " +
                      std::to_string(offset - parser.entry_pos);
      shape.limit = "field_bytes";
      break;
    }
    if (options.deadline.passed()) {
      shape.problem = "time ran out after " + std::to_string(offset) + " bytes";
      shape.limit = "file_seconds";
      break;
    }
  }
  if (!state.stop && shape.limit.empty()) {
    csv_fini(&parser, csv_field, csv_row, &state);
    shape.complete = shape.problem.empty();
  }
  csv_free(&parser);
}

// How far nlohmann's parser has read since the last value it handed over. One JSON value
// (a string of gigabytes) must not become one std::string of gigabytes: past the budget, or
// past the deadline, the input reads as ended.
struct ReadBudget {
  uint64_t since_event = 0, limit = UINT64_MAX, read = 0;
  const Deadline* deadline = nullptr;
  std::string exceeded;  // the limit's name once one was reached
};

class BudgetedIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  BudgetedIterator() = default;
  BudgetedIterator(const char* at, ReadBudget* budget) : at_(at), budget_(budget) {}
  reference operator*() const { return *at_; }
  BudgetedIterator& operator++() {
    ++at_;
    if (++budget_->since_event > budget_->limit) budget_->exceeded = "field_bytes";
    if ((++budget_->read & 0xFFFF) == 0 && budget_->deadline && budget_->deadline->passed()) budget_->exceeded = "file_seconds";
    return *this;
  }
  BudgetedIterator operator++(int) {
    BudgetedIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const BudgetedIterator& other) const {
    return at_ == other.at_ || (budget_ && !budget_->exceeded.empty()) || (other.budget_ && !other.budget_->exceeded.empty());
  }

 private:
  const char* at_ = nullptr;
  ReadBudget* budget_ = nullptr;
};

// Turns one JSON record's scalars into column values ("address.city" for nested keys).
class RecordSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  RecordSax(TableShape& shape, const TableOptions& options, const ValueSink& on_value, const std::function<void()>& on_row_end,
            int record_depth, ReadBudget* budget = nullptr)
      : shape_(shape), options_(options), on_value_(on_value), on_row_end_(on_row_end), record_depth_(record_depth),
        budget_(budget) {}

  bool null() override { return scalar("null"); }
  bool boolean(bool value) override { return scalar(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override { return scalar(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return scalar(std::to_string(value)); }
  bool number_float(number_float_t, const string_t& text) override { return scalar(text); }
  bool string(string_t& value) override { return scalar(value); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    consumed();
    ++depth_;
    if (depth_ > record_depth_) path_.push_back(key_);
    return true;
  }
  bool end_object() override {
    if (depth_ > record_depth_) path_.pop_back();
    bool record_done = depth_ == record_depth_;
    --depth_;
    if (record_done) {
      if (on_row_end_) on_row_end_();
      ++shape_.rows;
      if (options_.max_rows && shape_.rows >= options_.max_rows) return false;  // enough: stop the parser
    }
    return true;
  }
  bool start_array(std::size_t) override {
    consumed();
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool key(string_t& name) override {
    consumed();
    key_ = name;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& error) override {
    if (budget_ && !budget_->exceeded.empty()) {
      shape_.limit = budget_->exceeded;
      shape_.problem = shape_.limit == "field_bytes"
                           ? "a value longer than " + std::to_string(budget_->limit) + " bytes at byte " + std::to_string(position)
                           : "time ran out at byte " + std::to_string(position);
      return false;
    }
    if (!(options_.max_rows && shape_.rows >= options_.max_rows))
      shape_.problem = "invalid JSON at byte " + std::to_string(position) + ": " + error.what();
    return false;
  }

 private:
  void consumed() {
    if (budget_) budget_->since_event = 0;
  }

  bool scalar(std::string_view value) {
    consumed();
    if (depth_ < record_depth_) return true;
    std::string name;
    for (size_t i = 0; i < path_.size(); ++i) name += path_[i] + ".";
    name += key_;
    auto found = std::find(shape_.columns.begin(), shape_.columns.end(), name);
    size_t column = static_cast<size_t>(found - shape_.columns.begin());
    if (found == shape_.columns.end()) {
      if (shape_.columns.size() >= std::min<uint64_t>(options_.max_columns, 2000)) {  // a document, not a table
        ++shape_.columns_beyond_limit;
        return true;
      }
      shape_.columns.push_back(name);
    }
    on_value_(column, value);
    return true;
  }

  TableShape& shape_;
  const TableOptions& options_;
  const ValueSink& on_value_;
  const std::function<void()>& on_row_end_;
  int record_depth_;
  ReadBudget* budget_;
  int depth_ = 0;
  std::string key_;
  std::vector<std::string> path_;
};

void read_json_lines(std::string_view text, const TableOptions& options, const ValueSink& on_value,
                     const std::function<void()>& on_row_end, TableShape& shape) {
  size_t start = 0;
  uint64_t line_number = 0;
  TableOptions one_record = options;  // each line is one record; the row limit is checked here
  one_record.max_rows = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (line.size() > options.max_field_bytes) {
      shape.problem = "line " + std::to_string(line_number) + " is a record of " + std::to_string(line.size()) +
                      " bytes, over " + std::to_string(options.max_field_bytes);
      shape.limit = "field_bytes";
      return;
    }
    if ((line_number & 0xFF) == 0 && options.deadline.passed()) {
      shape.problem = "time ran out at line " + std::to_string(line_number);
      shape.limit = "file_seconds";
      return;
    }
    RecordSax sax(shape, one_record, on_value, on_row_end, 1);
    if (!nlohmann::json::sax_parse(line, &sax) && shape.problem.empty()) shape.problem = "invalid JSON";
    if (!shape.problem.empty()) {
      shape.problem = "line " + std::to_string(line_number) + ": " + shape.problem;
      return;
    }
    if (options.max_rows && shape.rows >= options.max_rows) return;
    if (options.on_progress && (line_number & 0x3FFF) == 0) options.on_progress(start);
  }
  shape.complete = true;
}

}  // namespace

void read_table(std::string_view bytes, FileKind kind, const TableOptions& options, TableShape& shape,
                const ValueSink& on_value, const std::function<void()>& on_row_end) {
  std::string converted;
  std::string_view text = bytes;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
    shape.encoding = "utf-8 (BOM)";
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    bool little = text.starts_with("\xFF\xFE");
    shape.encoding = little ? "utf-16le" : "utf-16be";
    // Sampling needs only the start; a full read converts everything (UTF-16 datasets are rare).
    size_t limit = options.max_rows ? std::max<size_t>(kSniffBytes, options.max_rows * 4096) : SIZE_MAX;
    converted = utf16_to_utf8(text.substr(2), little ? "UTF-16LE" : "UTF-16BE", limit);
    text = converted;
  }
  bool latin1 = shape.encoding == "utf-8" && !valid_utf8(text.substr(0, kSniffBytes));
  if (latin1) shape.encoding = "windows-1252";

  if (kind == FileKind::csv || kind == FileKind::tsv) {
    read_csv(text, kind, options, on_value, on_row_end, latin1, shape);
  } else if (kind == FileKind::jsonl) {
    read_json_lines(text, options, on_value, on_row_end, shape);
  } else if (kind == FileKind::json_records) {
    ReadBudget budget;
    budget.limit = options.max_field_bytes;
    budget.deadline = &options.deadline;
    RecordSax sax(shape, options, on_value, on_row_end, 2, &budget);
    bool finished = nlohmann::json::sax_parse(BudgetedIterator(text.data(), &budget),
                                              BudgetedIterator(text.data() + text.size(), &budget), &sax);
    shape.complete = finished && shape.problem.empty();
  }
}

}  // namespace mlaudit
