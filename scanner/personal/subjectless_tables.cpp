#include "personal/subjectless_tables.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "personal/category_catalog.h"
#include "util/embedded_files.h"

namespace mlaudit::personal {

namespace {

std::vector<SubjectlessTable> load_tables() {
  auto text = embedded_file("scanner/personal/subjectless_tables.yml");
  if (!text) throw std::logic_error("subjectless_tables.yml is not embedded");
  std::vector<SubjectlessTable> tables;
  YAML::Node document = YAML::Load(std::string(*text));
  for (const auto& node : document["tables"]) {
    SubjectlessTable table;
    table.id = node["id"].as<std::string>();
    table.label = node["label"].as<std::string>();
    table.reason = node["reason"].as<std::string>();
    for (const auto& column : node["columns"]) table.columns.push_back(normalize_name(column.as<std::string>()));
    for (const auto& column : node["distinctive"]) table.distinctive.push_back(normalize_name(column.as<std::string>()));
    table.needs = node["needs"].as<size_t>();
    if (table.needs == 0 || table.needs > table.columns.size())
      throw std::logic_error("subjectless_tables.yml: " + table.id + ": `needs` must be between 1 and its column count");
    tables.push_back(std::move(table));
  }
  return tables;
}

}  // namespace

const SubjectlessTable* recognize_subjectless_table(const std::vector<std::string>& names) {
  static const std::vector<SubjectlessTable> tables = load_tables();
  std::set<std::string> normalized;
  for (const auto& name : names) normalized.insert(normalize_name(name));
  auto present = [&](const std::string& column) { return normalized.contains(column); };
  for (const auto& table : tables) {
    if (!table.distinctive.empty() && std::none_of(table.distinctive.begin(), table.distinctive.end(), present))
      continue;
    if (static_cast<size_t>(std::count_if(table.columns.begin(), table.columns.end(), present)) >= table.needs)
      return &table;
  }
  return nullptr;
}

}  // namespace mlaudit::personal
