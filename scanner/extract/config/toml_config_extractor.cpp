#include <toml++/toml.h>

#include <algorithm>
#include <cctype>

#include "extract/config/config_extractors.h"
#include "extract/config/config_values.h"
#include "extract/config/dependency_spec.h"
#include "util/text.h"
#include "util/toml_nesting.h"

namespace mlaudit {
namespace {

Location location_of(const toml::node& node, const std::string& file) {
  Location location{file};
  location.line = node.source().begin.line;
  location.column = node.source().begin.column;
  return location;
}

void add_pep508_list(const toml::array* list, const std::string& file, FactSink& sink, bool development = false) {
  if (list == nullptr) return;
  for (const auto& item : *list)
    if (auto text = item.value<std::string>())
      if (auto spec = parse_pip_requirement(*text, "pyproject")) {
        spec->development = development;
        sink.add(FactType::dependency, location_of(item, file), dependency_props(*spec, "pypi", file));
      }
}

// name = "^1.2" or name = {version = "1.2", ...}; a git / path / url source has no version.
std::optional<std::string> table_constraint(const toml::node& value) {
  if (auto text = value.value<std::string>()) return *text;
  if (auto* inline_table = value.as_table()) {
    for (const char* direct : {"git", "path", "url", "file"})
      if (inline_table->contains(direct)) return std::nullopt;
    return (*inline_table)["version"].value_or(std::string("*"));
  }
  return std::nullopt;
}

// Poetry: [tool.poetry.dependencies] name = "^1.2".
void add_poetry_table(const toml::table* table, const std::string& file, FactSink& sink, bool development = false) {
  if (table == nullptr) return;
  for (const auto& [key, value] : *table) {
    std::string name(key.str());
    if (name == "python") continue;
    auto constraint = table_constraint(value);
    if (!constraint) continue;
    DependencySpec spec = poetry_dependency(name, *constraint);
    spec.development = development;
    sink.add(FactType::dependency, location_of(value, file), dependency_props(spec, "pypi", file));
  }
}

// Pipfile: [packages] name = "==1.2" (PEP 440) or "*".
void add_pipfile_table(const toml::table* table, const std::string& file, FactSink& sink, bool development = false) {
  if (table == nullptr) return;
  for (const auto& [key, value] : *table) {
    auto constraint = table_constraint(value);
    if (!constraint) continue;
    std::string text = *constraint == "*" ? std::string(key.str()) : std::string(key.str()) + *constraint;
    if (auto spec = parse_pip_requirement(text, "pipfile")) {
      spec->development = development;
      sink.add(FactType::dependency, location_of(value, file), dependency_props(*spec, "pypi", file));
    }
  }
}

// poetry.lock and uv.lock: [[package]] name = "torch", version = "1.13.0". The project
// itself (uv: an editable or virtual source) and packages from git or a folder are left out.
void add_lock_packages(const toml::table& document, const std::string& file, const std::string& source, FactSink& sink) {
  auto* packages = document["package"].as_array();
  if (!packages) return;
  for (const auto& entry : *packages) {
    auto* package = entry.as_table();
    if (!package) continue;
    auto name = (*package)["name"].value<std::string>();
    auto version = (*package)["version"].value<std::string>();
    if (!name || !version) continue;
    if (auto* origin = (*package)["source"].as_table()) {
      bool local = origin->contains("editable") || origin->contains("virtual") || origin->contains("directory") ||
                   origin->contains("path") || origin->contains("git");
      auto type = (*origin)["type"].value<std::string>();
      if (local || (type && (*type == "git" || *type == "directory" || *type == "file"))) continue;
    }
    const toml::node* where = (*package)["name"].node();
    DependencySpec spec = locked_dependency(*name, *version, source);
    // Poetry before 1.2 marks packages only the dev-dependencies need: category = "dev".
    spec.development = (*package)["category"].value_or(std::string()) == "dev";
    sink.add(FactType::dependency, location_of(*where, file), dependency_props(spec, "pypi", file));
  }
}

void add_urls(const toml::node& node, const std::string& path, const std::string& file, FactSink& sink, int depth) {
  if (depth > 64) return;
  if (auto* table = node.as_table()) {
    for (const auto& [key, value] : *table)
      add_urls(value, path.empty() ? std::string(key.str()) : path + "." + std::string(key.str()), file, sink, depth + 1);
  } else if (auto* array = node.as_array()) {
    for (size_t i = 0; i < array->size(); ++i)
      add_urls(*array->get(i), path + "[" + std::to_string(i) + "]", file, sink, depth + 1);
  } else if (auto text = node.value<std::string>()) {
    std::string scheme = url_scheme(*text);
    if (!scheme.empty())
      sink.add(FactType::config_url, location_of(node, file),
               {{"key", path}, {"url", truncate_utf8(strip_userinfo(*text), 300)}, {"scheme", scheme}});
  }
}

}  // namespace

void TomlConfigExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  const uint64_t max_depth = file.settings.limits.nesting_depth;
  if (size_t depth = deepest_dotted_key(file.content); depth > max_depth) {
    sink.limit_reached(Location{path}, "not parsed: a dotted key nests " + std::to_string(depth) + " tables deep",
                       "nesting_depth", max_depth, false);
    return;
  }
  toml::table document;
  try {
    document = toml::parse(file.content, path);
  } catch (const toml::parse_error& error) {
    Location location{path, error.source().begin.line, error.source().begin.column};
    sink.diagnose(DiagnosticLevel::warning, "parse-error", location,
                  "invalid TOML: " + std::string(error.description()));
    return;
  }
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  if (name == "poetry.lock" || name == "uv.lock") {
    add_lock_packages(document, path, name, sink);
    return;   // lock files hold hashes and URLs of every package: nothing else to report
  }
  if (name == "Pipfile") {
    add_pipfile_table(document["packages"].as_table(), path, sink);
    add_pipfile_table(document["dev-packages"].as_table(), path, sink, true);
  }
  add_pep508_list(document["project"]["dependencies"].as_array(), path, sink);
  if (auto* optional = document["project"]["optional-dependencies"].as_table())
    for (const auto& [group, list] : *optional) add_pep508_list(list.as_array(), path, sink, is_development_group(group.str()));
  if (auto* groups = document["dependency-groups"].as_table())   // PEP 735
    for (const auto& [group, list] : *groups) add_pep508_list(list.as_array(), path, sink, is_development_group(group.str()));
  add_poetry_table(document["tool"]["poetry"]["dependencies"].as_table(), path, sink);
  add_poetry_table(document["tool"]["poetry"]["dev-dependencies"].as_table(), path, sink, true);
  if (auto* groups = document["tool"]["poetry"]["group"].as_table())
    for (const auto& [group, body] : *groups)
      if (auto* table = body.as_table())
        add_poetry_table((*table)["dependencies"].as_table(), path, sink, is_development_group(group.str()));
  add_urls(document, "", path, sink, 0);
}

}  // namespace mlaudit
