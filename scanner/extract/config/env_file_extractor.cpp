#include <re2/re2.h>

#include "extract/config/config_extractors.h"
#include "extract/config/config_values.h"
#include "util/text.h"

namespace mlaudit {

void EnvFileExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  static const RE2 assignment(R"(^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$)");
  uint32_t number = 0;
  for (auto line : split_lines(file.content)) {
    ++number;
    std::string key, value;
    if (trim(line).starts_with("#") || !RE2::FullMatch(line, assignment, &key, &value)) continue;
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    else if (auto comment = value.find(" #"); comment != std::string::npos)
      value = std::string(trim(value.substr(0, comment)));
    Location location{path, number, static_cast<uint32_t>(line.find(key) + 1)};
    sink.add(FactType::env_assignment, location, env_assignment_props("env-file", key, value, path));
    std::string scheme = url_scheme(value);
    if (!scheme.empty() && (contains_ignore_case(key, "tracking_uri") || contains_ignore_case(key, "mlflow")))
      sink.add(FactType::tracking_uri, location, {{"uri", strip_userinfo(value)}, {"scheme", scheme}, {"source", "env:" + key}});
  }
}

}  // namespace mlaudit
