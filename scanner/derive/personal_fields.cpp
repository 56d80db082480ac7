#include "derive/personal_fields.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "personal/category_catalog.h"
#include "util/json_strings.h"

namespace mlaudit {

namespace {

using NamedCategory = std::pair<std::string, std::string>;  // normalised column name, category id

// Values confirm names across the project: a name whose column, in every dataset of the
// project that holds it, has values that refute the category (`Telephone` of none/yes in the
// credit data) is that look-alike where code uses it too. One dataset whose values agree
// (or that was judged by name only) keeps the name personal.
std::set<NamedCategory> refuted_by_datasets(const std::vector<Fact>& facts) {
  std::set<NamedCategory> refuted, kept;
  for (const auto& fact : facts) {
    if (fact.type == FactType::personal_data)
      kept.emplace(personal::normalize_name(fact.props.value("column", "")), fact.props.value("category", ""));
    if (fact.type != FactType::dataset || !fact.props.contains("look_alike_columns")) continue;
    for (const auto& column : fact.props["look_alike_columns"])
      refuted.emplace(personal::normalize_name(column.value("column", "")), column.value("category", ""));
  }
  std::erase_if(refuted, [&](const NamedCategory& entry) { return kept.contains(entry); });
  return refuted;
}

}  // namespace

std::vector<Fact> personal_fields(const std::vector<Fact>& facts) {
  const personal::CategoryCatalog& catalog = personal::CategoryCatalog::get();
  const auto refuted = refuted_by_datasets(facts);
  std::vector<Fact> out;
  std::set<std::tuple<std::string, uint32_t, std::string, std::string>> seen;  // file, line, name, category
  auto add = [&](const Fact& source, const std::string& name, const std::string& context, const std::string& detail) {
    auto categories = catalog.match_name(name);
    if (categories.empty()) return;
    const personal::Category& category = *categories.front();
    if (refuted.contains({personal::normalize_name(name), category.id})) return;
    if (!seen.emplace(source.location.file, source.location.line, name, category.id).second) return;
    nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
    props["name"] = name;
    props["category"] = category.id;
    props["label"] = category.label;
    props["identifier"] = category.identifier;
    props["article"] = category.article;
    props["special"] = category.special();
    props["context"] = context;
    props["detail"] = detail;
    out.push_back({FactType::personal_field, source.location, std::move(props)});
  };
  std::map<std::string, std::vector<const Fact*>> schemas;  // class name -> its schema_class facts
  for (const auto& fact : facts)
    if (fact.type == FactType::schema_class) schemas[fact.props.value("name", "")].push_back(&fact);
  for (const auto& fact : facts) {
    const auto& props = fact.props;
    switch (fact.type) {
      case FactType::column_ref:
        for (const auto& column : strings_at(props, "columns"))
          add(fact, column, "column-" + props.value("action", std::string("select")), props.value("receiver", ""));
        break;
      case FactType::feature_list:
        for (const auto& column : strings_at(props, "columns")) add(fact, column, "feature-list", props.value("name", ""));
        break;
      case FactType::log_call:
        for (const auto& name : strings_at(props, "names"))
          if (name.find_first_of("[](){}\"' ") == std::string::npos) add(fact, name, "log", props.value("callee", ""));
        break;
      case FactType::route:
        for (const auto& field : strings_at(props, "request_fields"))
          add(fact, field, "request", props.value("path", ""));
        // A body typed with a data-model class carries that class's fields.
        for (const auto& type : strings_at(props, "body_types"))
          for (const Fact* schema : schemas[type])
            for (const auto& field : strings_at(schema->props, "fields")) add(fact, field, "request", props.value("path", ""));
        break;
      case FactType::schema_class:
        for (const auto& field : strings_at(props, "fields"))
          add(fact, field, "model-schema", props.value("kind", "") + " " + props.value("name", ""));
        break;
      case FactType::pmml_field:
        add(fact, props.value("name", ""), "model-input", "PMML DataDictionary");
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace mlaudit
