#include <toml++/toml.h>

#include "extract/config/config_extractors.h"
#include "extract/config/config_values.h"
#include "extract/config/dependency_spec.h"
#include "util/text.h"

namespace mlaudit {
namespace {

Location location_of(const toml::node& node, const std::string& file) {
  Location location{file};
  location.line = node.source().begin.line;
  location.column = node.source().begin.column;
  return location;
}

void add_pep508_list(const toml::array* list, const std::string& file, FactSink& sink) {
  if (list == nullptr) return;
  for (const auto& item : *list)
    if (auto text = item.value<std::string>())
      if (auto spec = parse_pip_requirement(*text))
        sink.add(FactType::dependency, location_of(item, file), dependency_props(*spec, "pypi", file));
}

// Poetry: name = "^1.2" or name = {version = "1.2", ...}.
void add_poetry_table(const toml::table* table, const std::string& file, FactSink& sink) {
  if (table == nullptr) return;
  for (const auto& [key, value] : *table) {
    std::string name(key.str());
    if (name == "python") continue;
    std::string version;
    if (auto text = value.value<std::string>()) version = *text;
    else if (auto* inline_table = value.as_table())
      version = (*inline_table)["version"].value_or(std::string("*"));
    DependencySpec spec;
    spec.name = normalise_package_name(name);
    spec.specifier = version;
    bool exact = !version.empty() && (std::isdigit(static_cast<unsigned char>(version[0])) || version.starts_with("=="));
    if (exact && version.find_first_of("*^~<>,|") == std::string::npos) {
      spec.pinned = true;
      spec.version = version.starts_with("==") ? version.substr(2) : version;
    }
    sink.add(FactType::dependency, location_of(value, file), dependency_props(spec, "pypi", file));
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
  toml::table document;
  try {
    document = toml::parse(file.content, path);
  } catch (const toml::parse_error& error) {
    Location location{path, error.source().begin.line, error.source().begin.column};
    sink.diagnose(DiagnosticLevel::warning, "parse-error", location,
                  "invalid TOML: " + std::string(error.description()));
    return;
  }
  add_pep508_list(document["project"]["dependencies"].as_array(), path, sink);
  if (auto* optional = document["project"]["optional-dependencies"].as_table())
    for (const auto& [group, list] : *optional) add_pep508_list(list.as_array(), path, sink);
  add_poetry_table(document["tool"]["poetry"]["dependencies"].as_table(), path, sink);
  if (auto* groups = document["tool"]["poetry"]["group"].as_table())
    for (const auto& [group, body] : *groups)
      if (auto* table = body.as_table()) add_poetry_table((*table)["dependencies"].as_table(), path, sink);
  add_urls(document, "", path, sink, 0);
}

}  // namespace mlaudit
