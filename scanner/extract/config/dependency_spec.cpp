#include "extract/config/dependency_spec.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "pep440/specifier.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// Fills pep440 / pinned / version from a PEP 440 specifier text.
void read_specifier(DependencySpec& spec, std::string_view text) {
  auto set = pep440::SpecifierSet::parse(text);
  if (!set) return;
  spec.pep440 = set->str();
  if (set->pinned_version()) {
    spec.pinned = true;
    spec.version = set->specifiers().front().version_text();
  }
}

std::vector<std::string> release_numbers(std::string_view version) {
  std::vector<std::string> parts;
  for (auto part : split(version, '.')) parts.emplace_back(part);
  return parts;
}

// ^1.2.3 -> >=1.2.3,<2.0.0; ^0.2.3 -> >=0.2.3,<0.3.0; ^0.0.3 -> >=0.0.3,<0.0.4.
std::optional<std::string> caret(std::string_view version) {
  auto parts = release_numbers(version);
  for (const auto& part : parts)
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  size_t bump = 0;
  while (bump + 1 < parts.size() && parts[bump] == "0") ++bump;
  std::string upper;
  for (size_t i = 0; i <= bump; ++i)
    upper += (i ? "." : "") + (i == bump ? std::to_string(std::stoull(parts[i]) + 1) : parts[i]);
  return ">=" + std::string(version) + ",<" + upper;
}

// ~1.2.3 -> >=1.2.3,<1.3.0; ~1.2 -> >=1.2,<1.3; ~1 -> >=1,<2.
std::optional<std::string> tilde(std::string_view version) {
  auto parts = release_numbers(version);
  for (const auto& part : parts)
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  size_t bump = parts.size() == 1 ? 0 : 1;
  std::string upper;
  for (size_t i = 0; i <= bump; ++i)
    upper += (i ? "." : "") + (i == bump ? std::to_string(std::stoull(parts[i]) + 1) : parts[i]);
  return ">=" + std::string(version) + ",<" + upper;
}

// "[all, standard]" -> {"all", "standard"}, lower case.
std::vector<std::string> extra_names(std::string_view bracketed) {
  std::vector<std::string> names;
  if (bracketed.size() < 2) return names;
  for (auto part : split(bracketed.substr(1, bracketed.size() - 2), ','))
    if (auto extra = to_lower(std::string(trim(part))); !extra.empty()) names.push_back(extra);
  return names;
}

}  // namespace

std::optional<DependencySpec> parse_pip_requirement(std::string_view line, std::string_view source) {
  if (auto hash = line.find(" #"); hash != std::string_view::npos) line = line.substr(0, hash);
  line = trim(line);
  if (line.empty() || line.starts_with("#") || line.starts_with("-")) return std::nullopt;
  if (auto marker = line.find(';'); marker != std::string_view::npos) line = trim(line.substr(0, marker));
  DependencySpec spec;
  spec.source = source;
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
  spec.extras = extra_names(extras);
  std::string specifier;
  for (char c : rest)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')') specifier += c;
  spec.specifier = specifier;
  read_specifier(spec, specifier);
  // "==2.0-final" is still one version, only not a PEP 440 one: pinned, and reported as unchecked.
  static const RE2 legacy_pin(R"(^===?([A-Za-z0-9.+!_-]+)$)");
  std::string version;
  if (spec.pep440.empty() && RE2::FullMatch(specifier, legacy_pin, &version)) {
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
  spec.source = "conda";
  spec.name = normalise_package_name(name);
  rest = std::string(trim(rest));
  spec.specifier = rest;
  // "=1.2.3" or "==1.2.3" or "1.2.3" (space form), optionally with a build string.
  static const RE2 exact(R"(^(?:==?)?\s*([0-9][A-Za-z0-9.+_-]*)(?:[= ]\S+)?$)");
  std::string version;
  if (!rest.empty() && RE2::FullMatch(rest, exact, &version) && rest.find('*') == std::string::npos) {
    spec.pinned = true;
    spec.version = version;
    spec.pep440 = "==" + version;
  } else if (auto set = pep440::SpecifierSet::parse(rest)) {
    spec.pep440 = set->str();   // conda ranges (">=1.20,<2") read as PEP 440 ones
  }
  return spec;
}

std::optional<std::string> poetry_to_pep440(std::string_view constraint) {
  constraint = trim(constraint);
  if (constraint.empty() || constraint == "*") return std::string();
  if (constraint.find("||") != std::string_view::npos || constraint.find('|') != std::string_view::npos)
    return std::nullopt;
  // Clauses are separated by commas or spaces (">=1.2 <2.0"); an operator may be followed by a space.
  std::vector<std::string> clauses;
  std::string current;
  for (char c : constraint) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      bool operator_only = !current.empty() && current.find_first_not_of("<>=!~^") == std::string::npos;
      if (!current.empty() && !operator_only) clauses.push_back(current), current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) clauses.push_back(current);
  std::string converted;
  for (const auto& clause : clauses) {
    std::optional<std::string> part;
    if (clause.starts_with("^")) part = caret(clause.substr(1));
    else if (clause.starts_with("~=")) part = clause;
    else if (clause.starts_with("~")) part = tilde(clause.substr(1));
    else if (std::isdigit(static_cast<unsigned char>(clause[0]))) part = "==" + clause;
    else part = clause;
    if (!part) return std::nullopt;
    converted += (converted.empty() ? "" : ",") + *part;
  }
  auto set = pep440::SpecifierSet::parse(converted);
  if (!set) return std::nullopt;
  return set->str();
}

DependencySpec poetry_dependency(std::string_view name, std::string_view constraint) {
  DependencySpec spec;
  spec.source = "poetry";
  spec.name = normalise_package_name(name);
  spec.specifier = std::string(trim(constraint));
  if (auto converted = poetry_to_pep440(constraint)) read_specifier(spec, *converted);
  return spec;
}

DependencySpec locked_dependency(std::string_view name, std::string_view version, std::string_view source) {
  DependencySpec spec;
  spec.source = source;
  spec.name = normalise_package_name(name);
  spec.version = std::string(trim(version));
  spec.specifier = "==" + spec.version;
  spec.pep440 = spec.specifier;
  spec.pinned = true;
  spec.locked = true;
  return spec;
}

bool is_development_group(std::string_view name) {
  static const std::set<std::string, std::less<>> groups{
      "dev",     "devel", "develop", "development", "dev-packages", "dev-dependencies", "test", "tests", "testing",
      "lint",    "linting", "style", "format", "docs", "doc", "documentation", "typing", "types", "mypy", "qa",
      "ci",      "pre-commit", "benchmark", "benchmarks"};
  std::string lowered = to_lower(name);
  std::replace(lowered.begin(), lowered.end(), '_', '-');
  return groups.contains(lowered);
}

bool is_development_requirements_file(std::string_view path) {
  // requirements-dev.txt, requirements_test.txt, dev-requirements.txt, test_requirements.in,
  // requirements/dev.txt, requirements/docs.in
  static const RE2 named(R"((?i)(?:^|/)(?:requirements[-_.](\w+)|(\w+)[-_]requirements)\.(?:txt|in)$)");
  static const RE2 in_folder(R"((?i)(?:^|/)requirements/(\w+)\.(?:txt|in)$)");
  std::string first, second;
  if (RE2::PartialMatch(path, named, &first, &second)) return is_development_group(first.empty() ? second : first);
  if (RE2::PartialMatch(path, in_folder, &first)) return is_development_group(first);
  return false;
}

nlohmann::ordered_json dependency_props(const DependencySpec& spec, std::string_view ecosystem, std::string_view manifest) {
  nlohmann::ordered_json props = {{"name", spec.name},
                                   {"specifier", spec.specifier},
                                   {"constraint", spec.specifier.empty() ? std::string("any version") : spec.specifier},
                                   {"pep440", spec.pep440},
                                   {"version", spec.version},
                                   {"pinned", spec.pinned},
                                   {"url", spec.url},
                                   {"locked", spec.locked},
                                   {"source", spec.source},
                                   {"development", spec.development},
                                   {"ecosystem", ecosystem},
                                   {"manifest", manifest}};
  if (!spec.extras.empty()) props["extras"] = spec.extras;
  return props;
}

}  // namespace mlaudit
