#include "derive/dpia_screening.h"

#include <set>

#include "util/json_strings.h"

namespace mlaudit {
namespace {

std::set<std::string> string_set(const nlohmann::ordered_json& value) {
  auto list = strings_of(value);
  return {list.begin(), list.end()};
}

std::string joined(const std::set<std::string>& values, size_t limit = 4) {
  std::string text;
  size_t shown = 0;
  for (const auto& value : values) {
    if (shown == limit) {
      text += ", …";
      break;
    }
    text += (shown++ ? ", " : "") + value;
  }
  return text;
}

}  // namespace

std::vector<Fact> screen_for_dpia(const DataFlowDiagram& diagram, const std::vector<Fact>& facts) {
  const auto& graph = diagram.graph();
  std::set<std::string> all_categories, special, personal_datasets, models_on_personal, decision_endpoints, monitoring,
      financial, vulnerable, combining;
  bool human_review = false, large = false;
  std::string dpia, dpia_source;
  Location where;
  for (const auto& fact : facts) {
    if (fact.type == FactType::privacy_declaration && fact.props.value("scope", "") == "processing") {
      dpia = fact.props.value("dpia", "");
      human_review = fact.props.value("human_review", false);
      where = fact.location;
    }
    if (fact.type == FactType::dataset && !fact.props.value("personal_categories", nlohmann::ordered_json::array()).empty()) {
      if (where.file.empty()) where = Location{fact.location.file};
      if (fact.props.value("rows_profiled", uint64_t{0}) >= 10000 || fact.props.value("size", uint64_t{0}) >= (50u << 20))
        large = true;
    }
  }
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    const Element& element = graph[*it];
    auto categories = string_set(element.props.value("personal_categories", nlohmann::ordered_json()));
    if (categories.empty()) continue;
    // With no dataset file in the tree (data from a feature store), the first personal element's place.
    if (where.file.empty() && !element.location.file.empty()) where = Location{element.location.file, element.location.line};
    all_categories.insert(categories.begin(), categories.end());
    for (const auto& id : string_set(element.props.value("special_categories", nlohmann::ordered_json()))) special.insert(id);
    for (const auto& id : categories) {
      if (id == "geolocation" || id == "device-id" || id == "ip-address") monitoring.insert(id);
      if (id == "payment-card" || id == "bank-account" || id == "income") financial.insert(id);
      if (id == "child" || id == "health") vulnerable.insert(id);
    }
    if (element.kind == ElementKind::data_store && element.type == "dataset") personal_datasets.insert(element.name);
    if (element.kind == ElementKind::data_store && element.type == "model") models_on_personal.insert(element.name);
    if (element.type == "endpoint" && element.props.value("decision", false)) decision_endpoints.insert(element.name);
    if (element.kind == ElementKind::process) {
      size_t read = 0;
      for (auto [in, in_end] = boost::in_edges(*it, graph); in != in_end; ++in) {
        const Element& source = graph[boost::source(*in, graph)];
        if (source.kind == ElementKind::data_store && !source.props.value("personal_sources", nlohmann::ordered_json::array()).empty())
          ++read;
      }
      if (read >= 2) combining.insert(element.name);
    }
  }
  if (all_categories.empty()) return {};

  nlohmann::ordered_json criteria = nlohmann::ordered_json::array();
  int met = 0;
  nlohmann::ordered_json met_labels = nlohmann::ordered_json::array();
  auto criterion = [&](const char* id, const char* label, bool is_met, std::string why) {
    criteria.push_back({{"id", id}, {"label", label}, {"met", is_met}, {"why", std::move(why)}});
    if (is_met) {
      ++met;
      met_labels.push_back(label);
    }
  };
  criterion("evaluation-scoring", "Evaluation or scoring", !models_on_personal.empty(),
            models_on_personal.empty() ? "no model is trained on personal data"
                                       : "models trained on personal data: " + joined(models_on_personal));
  criterion("automated-decision", "Automated decision with legal or similar effect",
            !decision_endpoints.empty() && !human_review,
            decision_endpoints.empty() ? "no endpoint returns model decisions about people"
                                       : "endpoints return model decisions: " + joined(decision_endpoints) +
                                             (human_review ? " (human review declared)" : " (no human review declared)"));
  criterion("systematic-monitoring", "Systematic monitoring", !monitoring.empty(),
            monitoring.empty() ? "no location, device or network identifiers" : "tracks " + joined(monitoring));
  criterion("sensitive-data", "Sensitive or highly personal data", !special.empty() || !financial.empty(),
            special.empty() && financial.empty() ? "no special-category, criminal or financial data"
                                                 : "holds " + joined(special) + (special.empty() || financial.empty() ? "" : ", ") + joined(financial));
  criterion("large-scale", "Data processed on a large scale", large,
            large ? "a personal dataset has 10,000 rows or more (or 50 MB)" : "personal datasets are small");
  criterion("matching-combining", "Matching or combining datasets", !combining.empty(),
            combining.empty() ? "no process combines personal datasets" : "combined by " + joined(combining));
  criterion("vulnerable-subjects", "Data concerning vulnerable data subjects", !vulnerable.empty(),
            vulnerable.empty() ? "no data about children or patients" : "holds " + joined(vulnerable));
  criterion("innovative-technology", "Innovative use of new technology", !models_on_personal.empty(),
            models_on_personal.empty() ? "no machine-learning model uses personal data"
                                       : "machine learning on personal data");
  criterion("prevents-rights", "Decision that prevents using a service or contract",
            !decision_endpoints.empty() && !financial.empty(),
            !decision_endpoints.empty() && !financial.empty() ? "decisions served on financial data"
                                                              : "no decision on financial eligibility found");

  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props["criteria"] = criteria;
  props["met_count"] = met;
  props["met_labels"] = met_labels;
  props["met"] = [&] {
    std::string text;
    for (const auto& label : met_labels) text += (text.empty() ? "" : "; ") + label.get<std::string>();
    return text;
  }();
  // WP248: two criteria generally call for a DPIA; it is high when three or more are met or
  // the data is special-category, criminal or about children (the processing is riskier
  // for the people concerned), medium when two general criteria meet on ordinary data.
  bool sensitive_subjects = !special.empty() || !vulnerable.empty();
  props["severity"] = met >= 3 || sensitive_subjects ? "high" : "medium";
  props["severity_reason"] = met >= 3 ? std::to_string(met) + " criteria met"
                             : sensitive_subjects ? "special-category, criminal or children's data"
                                                  : "two general criteria on ordinary personal data";
  props["dpia"] = dpia;
  props["dpia_declared"] = !dpia.empty();
  props["categories"] = nlohmann::ordered_json(std::vector<std::string>(all_categories.begin(), all_categories.end()));
  return {Fact{FactType::dpia_screening, where, std::move(props)}};
}

}  // namespace mlaudit
