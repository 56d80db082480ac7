#include <ini.h>

#include <re2/re2.h>

#include "extract/config/config_extractors.h"
#include "extract/config/config_values.h"
#include "extract/config/dependency_spec.h"
#include "util/text.h"

namespace mlaudit {
namespace {

struct IniEntry {
  std::string section, key, value;
};

int collect_entry(void* user, const char* section, const char* key, const char* value) {
  static_cast<std::vector<IniEntry>*>(user)->push_back({section ? section : "", key ? key : "", value ? value : ""});
  return 1;
}

// inih does not report lines; find the value's line after its section header.
uint32_t line_of(const std::vector<std::string_view>& lines, const IniEntry& entry) {
  size_t start = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto text = trim(lines[i]);
    if (text.starts_with("[") && text.find(entry.section) != std::string_view::npos) {
      start = i;
      break;
    }
  }
  for (size_t i = start; i < lines.size(); ++i)
    if (!entry.value.empty() && lines[i].find(entry.value) != std::string_view::npos) return static_cast<uint32_t>(i + 1);
  return start ? static_cast<uint32_t>(start + 1) : 0;
}

}  // namespace

void IniConfigExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  std::vector<IniEntry> entries;
  std::string text(file.content);
  int error_line = ini_parse_string(text.c_str(), collect_entry, &entries);
  if (error_line > 0)
    sink.diagnose(DiagnosticLevel::note, "parse-error", Location{path, static_cast<uint32_t>(error_line)},
                  "INI syntax error on this line; the entries before and after it were read");
  auto lines = split_lines(file.content);
  bool dvc_config = path == ".dvc/config" || path.ends_with("/.dvc/config") || path.ends_with(".dvc/config.local");
  static const RE2 remote_section(R"re(^'?remote\s+"([^"]+)"'?$)re");
  for (const auto& entry : entries) {
    Location location{path, line_of(lines, entry)};
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
          sink.add(FactType::dependency, Location{path, line_of(lines, {entry.section, entry.key, std::string(trim(line))})},
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
