#include "graph/personal_flow.h"

#include <algorithm>
#include <map>
#include <set>

#include "personal/category_catalog.h"
#include "util/text.h"

namespace mlaudit {
namespace {

using Categories = std::set<std::string>;

nlohmann::ordered_json to_array(const Categories& values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& value : values) out.push_back(value);
  return out;
}

// Where a recipient processes data when nothing is declared: the cloud region in its host
// name, or the home of a well-known hosted API. Empty when unknown.
std::string region_of_host(const std::string& host_text) {
  std::string host = to_lower(host_text);
  static const std::pair<const char*, const char*> providers[] = {
      {"api.openai.com", "US"}, {"api.anthropic.com", "US"}, {"api.cohere.ai", "US"}, {"api.cohere.com", "US"},
      {"generativelanguage.googleapis.com", "US"}, {"api.mistral.ai", "EU"}, {"api-inference.huggingface.co", "US"},
      {"api.replicate.com", "US"}, {"api.together.xyz", "US"}, {"api.groq.com", "US"}};
  for (const auto& [name, region] : providers)
    if (host == name || host.ends_with(std::string(".") + name)) return region;
  // AWS: s3.eu-west-1.amazonaws.com, bucket.s3.us-east-2.amazonaws.com, ...
  for (const char* prefix : {"eu-", "us-", "ap-", "ca-", "sa-", "me-", "af-", "il-", "mx-"}) {
    auto at = host.find(std::string(".") + prefix);
    if (at == std::string::npos && host.starts_with(prefix)) at = 0;
    if (at != std::string::npos && host.find("amazonaws.com") != std::string::npos) {
      std::string code = host.substr(at == 0 ? 0 : at + 1, 2);
      return code == "eu" ? "EU" : code == "us" ? "US" : to_lower(code) == "ca" ? "CA" : "non-EEA (" + code + ")";
    }
  }
  if (host.ends_with(".eu")) return "EU";
  return "";
}

}  // namespace

bool in_eea(std::string_view region_text) {
  static const std::set<std::string> eea = {
      "eu",    "eea", "europe", "at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie",
      "it",    "lv",  "lt",     "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se", "is", "li", "no"};
  return eea.contains(to_lower(region_text));
}

void propagate_personal_data(DataFlowDiagram& diagram, const std::vector<Fact>& facts) {
  auto& graph = diagram.graph();
  using Vertex = DataFlowDiagram::Vertex;
  const auto& catalog = personal::CategoryCatalog::get();

  std::map<std::string, Categories> dataset_categories, file_fields;        // path -> categories
  std::map<std::string, Categories> endpoint_fields;                        // "file#path" -> categories
  std::map<std::string, const Fact*> dataset_declarations, recipient_declarations;
  const Fact* processing = nullptr;
  std::map<std::string, std::vector<std::string>> personal_columns;        // dataset path -> personal columns
  std::set<std::string> named_columns;                                      // column names the code uses anywhere
  std::map<std::pair<std::string, uint32_t>, std::set<std::string>> read_columns;  // usecols= at a read call
  for (const auto& fact : facts) {
    const auto& props = fact.props;
    if (fact.type == FactType::column_ref || fact.type == FactType::feature_list)
      for (const auto& column : props.value("columns", nlohmann::ordered_json::array()))
        if (column.is_string()) {
          named_columns.insert(column.get<std::string>());
          if (fact.type == FactType::column_ref && props.value("action", "") == "read")
            read_columns[{fact.location.file, fact.location.line}].insert(column.get<std::string>());
        }
    if (fact.type == FactType::personal_data) {
      auto& columns = personal_columns[props.value("dataset", "")];
      std::string column = props.value("column", "");
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) columns.push_back(column);
    }
    switch (fact.type) {
      case FactType::dataset:
        for (const auto& category : props.value("personal_categories", nlohmann::ordered_json::array()))
          dataset_categories[fact.location.file].insert(category.get<std::string>());
        break;
      case FactType::personal_field:
        if (props.value("context", "") == "request")
          endpoint_fields[fact.location.file + "#" + props.value("detail", "")].insert(props.value("category", ""));
        else if (props.value("context", "") != "log")
          file_fields[fact.location.file].insert(props.value("category", ""));
        break;
      case FactType::privacy_declaration: {
        std::string scope = props.value("scope", "");
        if (scope == "processing") processing = &fact;
        else if (scope == "dataset") dataset_declarations[props.value("target", "")] = &fact;
        else if (scope == "recipient") recipient_declarations[to_lower(props.value("target", ""))] = &fact;
        break;
      }
      default:
        break;
    }
  }

  // Starting points.
  std::vector<Categories> categories(boost::num_vertices(graph));
  std::vector<Categories> sources(boost::num_vertices(graph));  // datasets (and requests) the data comes from
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    const Element& element = graph[*it];
    std::string path = element.props.value("path", "");
    if (element.kind == ElementKind::data_store) {
      if (auto found = dataset_categories.find(path); found != dataset_categories.end()) {
        categories[*it] = found->second;
        sources[*it].insert(path);
      }
    } else if (element.type == "endpoint") {
      std::string key = element.props.value("file", "") + "#" + element.props.value("path", "");
      if (auto found = endpoint_fields.find(key); found != endpoint_fields.end()) {
        categories[*it] = found->second;
        sources[*it].insert("requests to " + element.name);
      }
    } else if (element.type == "script" || element.type == "notebook") {
      if (auto found = file_fields.find(path); found != file_fields.end()) categories[*it] = found->second;
    }
  }

  // Along reads, writes, in-process calls, requests and responses, until nothing changes.
  auto carries_data = [](const Flow& flow) {
    std::string kind = flow.props.value("kind", "");
    std::string format = flow.props.value("format", "");
    if (format == "metrics" || format == "params") return false;  // experiment tracking of numbers, not records
    return kind == "read" || kind == "write" || kind == "in_process" || kind == "request" || kind == "response" ||
           kind == "send";
  };
  auto propagates = [&](DataFlowDiagram::Edge edge) {
    if (!carries_data(graph[edge])) return false;
    // Callers receive answers but what they send is known from the request fields: data
    // never flows from one endpoint's response to another's request through them.
    if (graph[boost::source(edge, graph)].type == "client") return false;
    // A script's data reaches the endpoints that use its model, not every route it defines.
    return graph[edge].props.value("kind", "") != "in_process" ||
           graph[boost::target(edge, graph)].props.value("decision", false);
  };
  const std::vector<Categories> request_categories = categories;  // what each endpoint's requests carry
  for (bool changed = true; changed;) {
    changed = false;
    for (auto [it, end] = boost::edges(graph); it != end; ++it) {
      if (!propagates(*it)) continue;
      Vertex from = boost::source(*it, graph), to = boost::target(*it, graph);
      for (const auto& category : categories[from]) changed |= categories[to].insert(category).second;
      for (const auto& source : sources[from]) changed |= sources[to].insert(source).second;
    }
  }

  // Regions of recipients, and declarations.
  for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
    Element& element = graph[*it];
    Categories special;
    for (const auto& id : categories[*it])
      if (const auto* category = catalog.find(id); category && !category->article.empty()) special.insert(id);
    element.props["personal_categories"] = to_array(categories[*it]);
    element.props["special_categories"] = to_array(special);
    element.props["personal_sources"] = to_array(sources[*it]);
    bool personal = !categories[*it].empty();

    bool recipient = element.kind == ElementKind::external_entity || element.zone == "cloud" || element.zone == "third_party";
    if (recipient && element.type != "client") {
      std::string host = element.props.value("host", "");
      if (host.empty()) {
        std::string uri = element.props.value("uri", "");
        auto scheme_end = uri.find("://");
        host = scheme_end == std::string::npos ? uri : uri.substr(scheme_end + 3);
        host = host.substr(0, host.find_first_of(":/"));
      }
      const Fact* declared = nullptr;
      for (const auto& key : {to_lower(host), to_lower(element.name), to_lower(element.id)})
        if (auto found = recipient_declarations.find(key); !key.empty() && found != recipient_declarations.end()) declared = found->second;
      std::string region = declared ? declared->props.value("region", "") : region_of_host(host);
      element.props["region"] = region.empty() ? "unknown" : region;
      element.props["region_declared"] = declared != nullptr && declared->props.contains("region");
      element.props["outside_eea"] = region.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(!in_eea(region));
      element.props["transfer_mechanism"] = declared ? declared->props.value("transfer_mechanism", "") : "";
      element.props["receives_personal_data"] = personal;
    }
    if (element.kind == ElementKind::data_store) {
      const Fact* declared = nullptr;
      if (auto found = dataset_declarations.find(element.props.value("path", "")); found != dataset_declarations.end())
        declared = found->second;
      for (const char* key : {"lawful_basis", "purpose", "retention", "special_category_condition", "residency"})
        element.props[key] = declared ? declared->props.value(key, "") : "";
      element.props["pseudonymised"] = declared ? declared->props.value("pseudonymised", false) : false;
      element.props["declared"] = declared != nullptr;
      // Art. 5(1)(c): personal columns the code never names, in a dataset whose other columns
      // it selects by name (so it could leave these out). Whole-frame use cannot be told apart
      // and counts as no selection.
      element.props["unused_personal_columns"] = [&] {
        nlohmann::ordered_json unused = nlohmann::ordered_json::array();
        auto found = personal_columns.find(element.props.value("path", ""));
        // What the readers load: every column, unless each read names its columns (usecols=).
        bool read = false, everything = false;
        std::set<std::string> loaded;
        for (auto [out, out_end] = boost::out_edges(*it, graph); out != out_end; ++out) {
          const Flow& flow = graph[*out];
          // Reads by code (a call: `via`); a pipeline's declared dependency loads nothing itself.
          if (flow.props.value("kind", "") != "read" || !flow.props.contains("via")) continue;
          read = true;
          auto selected = read_columns.find({flow.location.file, flow.location.line});
          if (selected == read_columns.end()) everything = true;
          else loaded.insert(selected->second.begin(), selected->second.end());
        }
        if (found == personal_columns.end() || !read) return unused;
        bool selects = false;
        for (const auto& column : element.props.value("columns", nlohmann::ordered_json::array()))
          selects = selects || (column.is_string() && named_columns.contains(column.get<std::string>()));
        if (!selects) return unused;
        for (const auto& column : found->second)
          if ((everything || loaded.contains(column)) && !named_columns.contains(column)) unused.push_back(column);
        return unused;
      }();
      element.props["direct_identifiers"] = [&] {
        nlohmann::ordered_json direct = nlohmann::ordered_json::array();
        for (const auto& id : categories[*it])
          if (const auto* category = catalog.find(id); category && category->identifier == "direct") direct.push_back(id);
        return direct;
      }();
    }
    if (element.kind == ElementKind::data_store && element.type == "model") {
      std::string examination = processing ? processing->props.value("bias_examination", "") : "";
      element.props["bias_examination"] = examination;
      element.props["trained_on_personal_data"] = personal;
    }
    if (element.type == "endpoint") {
      element.props["human_review"] = processing ? processing->props.value("human_review", false) : false;
      element.props["human_review_declared"] = processing && processing->props.contains("human_review");
    }
  }
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    Flow& flow = graph[*it];
    Vertex from = boost::source(*it, graph), to = boost::target(*it, graph);
    bool request = graph[from].type == "client" && flow.props.value("kind", "") == "request";
    const Categories& carried = request ? request_categories[to] : propagates(*it) ? categories[from] : Categories{};
    flow.props["personal_categories"] = to_array(carried);
    flow.props["personal"] = !carried.empty();
  }
}

}  // namespace mlaudit
