#include "extract/data/dataset_extractor.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "crypto/sha256.h"
#include "util/file_io.h"
#include "util/text.h"

namespace mlaudit {
namespace {

constexpr uint64_t kHeaderBytes = 64 * 1024;

char guess_delimiter(std::string_view header, FileKind kind) {
  if (kind == FileKind::tsv) return '\t';
  size_t best_count = 0;
  char best = ',';
  for (char candidate : {',', ';', '\t', '|'}) {
    size_t count = static_cast<size_t>(std::count(header.begin(), header.end(), candidate));
    if (count > best_count) {
      best_count = count;
      best = candidate;
    }
  }
  return best;
}

nlohmann::ordered_json keys_of_first_object(std::string_view text) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
  if (parsed.is_array() && !parsed.empty()) parsed = parsed.front();
  if (parsed.is_object())
    for (const auto& item : parsed.items()) columns.push_back(item.key());
  return columns;
}

}  // namespace

std::vector<std::string> split_delimited(std::string_view line, char delimiter) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == delimiter && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  for (auto& field : fields) field = std::string(trim(field));
  return fields;
}

void DatasetExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  auto head = read_file_prefix(file.file.absolute, kHeaderBytes);
  if (auto* error = std::get_if<ReadError>(&head)) {
    sink.diagnose(DiagnosticLevel::warning, "unreadable", Location{path}, "cannot read dataset: " + error->message);
    return;
  }
  std::string_view text = std::get<std::string>(head);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  std::string delimiter;
  FileKind kind = file.sniffed.kind;
  if (kind == FileKind::csv || kind == FileKind::tsv) {
    auto lines = split_lines(text);
    if (!lines.empty()) {
      char separator = guess_delimiter(lines[0], kind);
      delimiter = std::string(1, separator);
      for (auto& column : split_delimited(lines[0], separator)) columns.push_back(sanitize_utf8(column));
    }
  } else if (kind == FileKind::jsonl) {
    auto lines = split_lines(text);
    if (!lines.empty()) columns = keys_of_first_object(lines[0]);
  } else if (kind == FileKind::json_records) {
    // Only the first record: find where it closes inside the sampled head.
    auto open = text.find('{');
    int depth = 0;
    bool in_string = false;
    for (size_t i = open; open != std::string_view::npos && i < text.size(); ++i) {
      char c = text[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        columns = keys_of_first_object(text.substr(open, i - open + 1));
        break;
      }
    }
  }
  auto digest = sha256_file_hex(file.file.absolute);
  sink.add(FactType::dataset, Location{path},
           {{"format", to_string(kind)},
            {"columns", columns},
            {"delimiter", delimiter},
            {"size", file.file.size},
            {"sha256", digest ? nlohmann::ordered_json(*digest) : nlohmann::ordered_json()}});
}

}  // namespace mlaudit
