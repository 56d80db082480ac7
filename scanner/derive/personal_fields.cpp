#include "derive/personal_fields.h"

#include <map>
#include <set>

#include "personal/category_catalog.h"
#include "util/json_strings.h"

namespace mlaudit {

std::vector<Fact> personal_fields(const std::vector<Fact>& facts) {
  const personal::CategoryCatalog& catalog = personal::CategoryCatalog::get();
  std::vector<Fact> out;
  std::set<std::tuple<std::string, uint32_t, std::string, std::string>> seen;  // file, line, name, category
  auto add = [&](const Fact& source, const std::string& name, const std::string& context, const std::string& detail) {
    auto categories = catalog.match_name(name);
    if (categories.empty()) return;
    const personal::Category& category = *categories.front();
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
