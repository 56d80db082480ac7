#include "extract/config/dependency_spec.h"

#include <re2/re2.h>

#include "util/text.h"

namespace mlaudit {

std::optional<DependencySpec> parse_pip_requirement(std::string_view line) {
  if (auto hash = line.find(" #"); hash != std::string_view::npos) line = line.substr(0, hash);
  line = trim(line);
  if (line.empty() || line.starts_with("#") || line.starts_with("-")) return std::nullopt;
  if (auto marker = line.find(';'); marker != std::string_view::npos) line = trim(line.substr(0, marker));
  DependencySpec spec;
  static const RE2 url_form(R"(^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*@\s*(\S+))");
  std::string name, extras, rest;
  if (RE2::FullMatch(line, url_form, &name, &extras, &rest)) {
    spec.name = normalise_package_name(name);
    spec.specifier = "@ " + rest;
    spec.url = true;
    return spec;
  }
  if (line.find("://") != std::string_view::npos || line.starts_with("git+")) return std::nullopt;
  static const RE2 named(R"(^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$)");
  if (!RE2::FullMatch(line, named, &name, &extras, &rest)) return std::nullopt;
  spec.name = normalise_package_name(name);
  std::string specifier;
  for (char c : rest)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')') specifier += c;
  spec.specifier = specifier;
  static const RE2 exact(R"(^===?([A-Za-z0-9.+!_-]+)$)");
  std::string version;
  if (RE2::FullMatch(specifier, exact, &version) && version.find('*') == std::string::npos) {
    spec.pinned = true;
    spec.version = version;
  }
  return spec;
}

std::optional<DependencySpec> parse_conda_requirement(std::string_view line) {
  line = trim(line);
  if (line.empty() || line.starts_with("#")) return std::nullopt;
  if (auto channel = line.find("::"); channel != std::string_view::npos) line = line.substr(channel + 2);
  static const RE2 pattern(R"(^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$)");
  std::string name, rest;
  if (!RE2::FullMatch(line, pattern, &name, &rest)) return std::nullopt;
  DependencySpec spec;
  spec.name = normalise_package_name(name);
  rest = std::string(trim(rest));
  spec.specifier = rest;
  // "=1.2.3" or "==1.2.3" or "1.2.3" (space form), optionally with a build string.
  static const RE2 exact(R"(^(?:==?)?\s*([0-9][A-Za-z0-9.+_-]*)(?:[= ]\S+)?$)");
  std::string version;
  if (!rest.empty() && RE2::FullMatch(rest, exact, &version) && rest.find('*') == std::string::npos) {
    spec.pinned = true;
    spec.version = version;
  }
  return spec;
}

nlohmann::ordered_json dependency_props(const DependencySpec& spec, std::string_view ecosystem, std::string_view manifest) {
  return {{"name", spec.name},   {"specifier", spec.specifier},
          {"constraint", spec.specifier.empty() ? std::string("any version") : spec.specifier}, {"version", spec.version}, {"pinned", spec.pinned},
          {"url", spec.url},     {"ecosystem", ecosystem},      {"manifest", manifest}};
}

}  // namespace mlaudit
