#include "ruleset/taxonomy_catalog.h"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "ruleset/taxonomy.h"
#include "util/embedded_files.h"

namespace mlaudit {

const TaxonomyEntry* TaxonomyCatalog::find(const std::string& id) const {
  for (const auto& entry : entries)
    if (entry.id == id) return &entry;
  return nullptr;
}

const TaxonomyCatalogs& TaxonomyCatalogs::embedded() {
  static const TaxonomyCatalogs catalogs = [] {
    TaxonomyCatalogs loaded;
    for (const TaxonFamily& family : taxon_families()) {
      std::string key(family.key);
      std::string path = "threat-models/" + key + ".yml";
      auto text = embedded_file(path);
      if (!text) throw std::logic_error("taxonomy catalog not embedded: " + path);
      YAML::Node root = YAML::Load(std::string(*text));
      TaxonomyCatalog catalog;
      catalog.key = key;
      catalog.name = root["name"].as<std::string>();
      catalog.organization = root["organization"].as<std::string>();
      catalog.version = root["version"].as<std::string>();
      catalog.information_uri = root["information_uri"].as<std::string>();
      for (const auto& entry : root["entries"]) {
        catalog.entries.push_back({entry["id"].as<std::string>(), entry["name"].as<std::string>(),
                                   entry["url"] ? entry["url"].as<std::string>() : std::string(),
                                   entry["description"] ? entry["description"].as<std::string>() : std::string()});
      }
      loaded.catalogs_.push_back(std::move(catalog));
    }
    return loaded;
  }();
  return catalogs;
}

const TaxonomyCatalog* TaxonomyCatalogs::catalog(const std::string& key) const {
  for (const auto& catalog : catalogs_)
    if (catalog.key == key) return &catalog;
  return nullptr;
}

}  // namespace mlaudit
