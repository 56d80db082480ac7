#include <ini.h>

#include <re2/re2.h>

#include <cstring>

#include "extract/config/config_extractors.h"
#include "extract/config/config_values.h"
#include "extract/config/dependency_spec.h"
#include "util/text.h"

namespace mlaudit {
namespace {

struct IniEntry {
  std::string section, key, value;
  uint32_t line = 0;
};

// inih reads through this, so each entry knows its line (inih does not report lines, and
// searching for each entry afterwards was quadratic in the number of sections).
struct LineReader {
  std::string_view text;
  size_t offset = 0;
  uint32_t line = 0;              // the line the last chunk came from
  bool line_finished = true;      // the last chunk ended its line
  std::vector<IniEntry> entries;
  const Deadline* deadline = nullptr;
};

char* read_line(char* buffer, int size, void* stream) {
  auto& reader = *static_cast<LineReader*>(stream);
  if (reader.offset >= reader.text.size() || size <= 1) return nullptr;
  if ((reader.line & 0x3FF) == 0 && reader.line_finished && reader.deadline->passed()) return nullptr;
  size_t room = static_cast<size_t>(size - 1);
  size_t end = reader.text.find('\n', reader.offset);
  size_t length = std::min(room, (end == std::string_view::npos ? reader.text.size() : end + 1) - reader.offset);
  std::memcpy(buffer, reader.text.data() + reader.offset, length);
  buffer[length] = '\0';
  if (reader.line_finished) ++reader.line;
  reader.offset += length;
  reader.line_finished = length > 0 && buffer[length - 1] == '\n';
  return buffer;
}

int collect_entry(void* user, const char* section, const char* key, const char* value) {
  auto& reader = *static_cast<LineReader*>(user);
  reader.entries.push_back({section ? section : "", key ? key : "", value ? value : "", reader.line});
  return 1;
}

}  // namespace

void IniConfigExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  LineReader reader{file.content};
  reader.deadline = &file.deadline;
  int error_line = ini_parse_stream(read_line, &reader, collect_entry, &reader);
  if (error_line > 0)
    sink.diagnose(DiagnosticLevel::note, "parse-error", Location{path, static_cast<uint32_t>(error_line)},
                  "INI syntax error on this line; the entries before and after it were read");
  if (reader.offset < file.content.size())
    sink.limit_reached(Location{path, reader.line}, "reading stopped at this line: the file's time ran out", "file_seconds",
                       file.settings.limits.file_seconds);
  const std::vector<IniEntry>& entries = reader.entries;
  bool dvc_config = path == ".dvc/config" || path.ends_with("/.dvc/config") || path.ends_with(".dvc/config.local");
  static const RE2 remote_section(R"re(^'?remote\s+"([^"]+)"'?$)re");
  for (const auto& entry : entries) {
    Location location{path, entry.line};
    std::string remote;
    if (dvc_config && entry.key == "url" && RE2::FullMatch(entry.section, remote_section, &remote)) {
      std::string url = strip_userinfo(entry.value);
      sink.add(FactType::dvc_remote, location,
               {{"name", remote}, {"url", url}, {"scheme", url_scheme(entry.value)}});
      continue;
    }
    if (entry.key == "install_requires" || entry.key == "requires" || entry.section.starts_with("options.extras_require")) {
      for (auto line : split_lines(entry.value))
        if (auto spec = parse_pip_requirement(line, "setup.cfg"))
          sink.add(FactType::dependency, location,
                   dependency_props(*spec, "pypi", path));
      continue;
    }
    std::string scheme = url_scheme(entry.value);
    if (scheme.empty()) continue;
    std::string key = entry.section.empty() ? entry.key : entry.section + "." + entry.key;
    sink.add(FactType::config_url, location,
             {{"key", key}, {"url", truncate_utf8(strip_userinfo(entry.value), 300)}, {"scheme", scheme}});
    if (contains_ignore_case(key, "tracking_uri") || contains_ignore_case(key, "mlflow"))
      sink.add(FactType::tracking_uri, location,
               {{"uri", strip_userinfo(entry.value)}, {"scheme", scheme}, {"source", "config:" + key}});
  }
}

}  // namespace mlaudit
