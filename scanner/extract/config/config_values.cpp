#include "extract/config/config_values.h"

#include <map>

#include <re2/re2.h>

#include "util/text.h"

namespace mlaudit {

bool is_reference_value(std::string_view value) {
  static const RE2 pattern(R"(\$\{\{?|^\$[A-Za-z_]|\$\(|\{\{|%\([a-z_]+\)s|^<%|valueFrom|secretKeyRef)");
  return RE2::PartialMatch(value, pattern);
}

bool is_placeholder_value(std::string_view value) {
  auto text = trim(value);
  if (text.empty()) return true;
  static const RE2 pattern(
      R"((?i)^(change[_-]?me|changeit|placeholder|example|dummy|test|testing|password|passwd|secret|none|null|nil|undefined|todo|fixme|redacted|your[_-].*|my[_-]?[a-z]*[_-]?(password|secret|key|token)|abc|abcd|xyz|qwerty|xxx+|\*+|\.\.\.+|<[^>]*>|\[[^\]]*\]|-+|0+|1234(5678)?|abc123|foo|bar|enter[_-].*|insert[_-].*|replace[_-].*|fake[_-]?.*|sample[_-]?.*)$)");
  if (RE2::FullMatch(text, pattern)) return true;
  // One character repeated ("aaaaaaa") is never a real credential.
  return text.find_first_not_of(text[0]) == std::string_view::npos;
}

std::string default_credential_of(std::string_view value) {
  static const std::map<std::string, std::string, std::less<>> defaults{
      {"minioadmin", "MinIO"},  {"airflow", "Apache Airflow's quick-start compose file"},
      {"guest", "RabbitMQ"},    {"neo4j", "Neo4j"},
      {"postgres", "the PostgreSQL image's documentation"}, {"admin", "Grafana and other admin consoles"},
      {"root", "MySQL and MariaDB examples"}};
  auto found = defaults.find(to_lower(trim(value)));
  return found == defaults.end() ? std::string() : found->second;
}

std::string mask_value(std::string_view value) {
  std::string masked(value.substr(0, std::min<size_t>(2, value.size() / 4)));
  masked += std::string(std::min<size_t>(8, std::max<size_t>(3, value.size() - masked.size())), '*');
  return masked;
}

std::string url_scheme(std::string_view value) {
  static const RE2 pattern(R"(^\s*([A-Za-z][A-Za-z0-9+.\-]*)://\S)");
  std::string scheme;
  if (RE2::PartialMatch(value, pattern, &scheme)) return to_lower(scheme);
  return {};
}

std::string strip_userinfo(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  auto authority_start = scheme_end + 3;
  auto authority_end = url.find_first_of("/?#", authority_start);
  auto at = url.rfind('@', authority_end == std::string_view::npos ? url.size() : authority_end);
  if (at == std::string_view::npos || at < authority_start) return std::string(url);
  return std::string(url.substr(0, authority_start)) + "***@" + std::string(url.substr(at + 1));
}

nlohmann::ordered_json env_assignment_props(std::string_view context, std::string_view key, std::string_view value,
                                    std::string_view owner) {
  bool reference = is_reference_value(value);
  bool placeholder = !reference && is_placeholder_value(value);
  return {{"context", context},
          {"key", key},
          {"owner", owner},
          {"literal", !reference && !placeholder},
          {"reference", reference},
          {"placeholder", placeholder},
          {"value_masked", reference ? std::string(value.substr(0, 60)) : mask_value(value)},
          {"value_scheme", url_scheme(value)},
          {"value_length", value.size()}};
}

}  // namespace mlaudit
