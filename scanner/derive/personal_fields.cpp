#include "derive/personal_fields.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "personal/category_catalog.h"
#include "personal/subjectless_tables.h"
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

// Files whose code handles a well-known table with no data subjects (the abalone data's
// feature list, the Titanic columns a notebook selects and drops): every column the file
// names, selects, lists or declares in a schema, matched against the catalog of such tables.
std::map<std::string, const personal::SubjectlessTable*> files_of_subjectless_tables(const std::vector<Fact>& facts) {
  std::map<std::string, std::vector<std::string>> named;  // file -> the column names its code uses
  for (const auto& fact : facts) {
    const char* key = fact.type == FactType::column_ref     ? "columns"
                      : fact.type == FactType::feature_list ? "columns"
                      : fact.type == FactType::schema_class ? "fields"
                                                            : nullptr;
    if (!key) continue;
    auto& names = named[fact.location.file];
    for (const auto& name : strings_at(fact.props, key)) names.push_back(name);
  }
  std::map<std::string, const personal::SubjectlessTable*> matched;
  for (const auto& [file, names] : named)
    if (const auto* table = personal::recognize_subjectless_table(names)) matched[file] = table;
  return matched;
}

}  // namespace

std::vector<Fact> personal_fields(const std::vector<Fact>& facts, std::vector<Diagnostic>& diagnostics) {
  const personal::CategoryCatalog& catalog = personal::CategoryCatalog::get();
  const auto refuted = refuted_by_datasets(facts);
  const auto subjectless = files_of_subjectless_tables(facts);
  std::set<std::string> noted;  // files whose no-data-subjects note is written
  std::vector<Fact> out;
  std::set<std::tuple<std::string, uint32_t, std::string, std::string>> seen;  // file, line, name, category
  // `declared_in`: the file whose code names the field (a request body's schema class lives
  // in its own module); that file decides whether it handles a table without data subjects.
  auto add = [&](const Fact& source, const std::string& name, const std::string& context, const std::string& detail,
                 const std::string* declared_in = nullptr) {
    const std::string& file = declared_in ? *declared_in : source.location.file;
    auto categories = catalog.match_name(name);
    if (categories.empty()) return;
    const personal::Category& category = *categories.front();
    if (refuted.contains({personal::normalize_name(name), category.id})) return;
    if (auto table = subjectless.find(file); table != subjectless.end()) {
      if (noted.insert(file).second)
        diagnostics.push_back({DiagnosticLevel::note, "no-data-subjects", Location{file},
                               "columns named like personal data (" + category.id + " `" + name +
                                   "`, and any others here) not treated as personal data: the code handles " +
                                   table->second->label + ": " + table->second->reason});
      return;
    }
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
            for (const auto& field : strings_at(schema->props, "fields"))
              add(fact, field, "request", props.value("path", ""), &schema->location.file);
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
