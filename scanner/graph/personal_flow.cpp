#include "graph/personal_flow.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "personal/category_catalog.h"
#include "util/json_strings.h"
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

namespace {

using Vertex = DataFlowDiagram::Vertex;

// What the facts say about personal data, indexed for the diagram's elements.
struct PersonalFacts {
  std::map<std::string, Categories> dataset_categories, file_fields;       // path -> categories
  std::map<std::string, Categories> endpoint_fields;                       // "file#path" -> categories
  std::map<std::string, const Fact*> dataset_declarations, recipient_declarations;
  const Fact* processing = nullptr;
  std::map<std::string, std::vector<std::string>> personal_columns;       // dataset path -> personal columns
  std::set<std::string> named_columns;                                     // column names the code uses anywhere
  // df.drop(...) by file: the frame keeps, and uses, every other column
  std::map<std::string, std::set<std::string>> dropped_columns;
  std::map<std::pair<std::string, uint32_t>, std::set<std::string>> read_columns;  // usecols= at a read call

  explicit PersonalFacts(const std::vector<Fact>& facts) {
    for (const auto& fact : facts) {
      add_columns(fact);
      add(fact);
    }
  }

 private:
  void add_columns(const Fact& fact) {
    const auto& props = fact.props;
    if (fact.type == FactType::column_ref || fact.type == FactType::feature_list)
      for (const auto& column : props.value("columns", nlohmann::ordered_json::array()))
        if (column.is_string()) {
          named_columns.insert(column.get<std::string>());
          if (fact.type == FactType::column_ref && props.value("action", "") == "drop")
            dropped_columns[fact.location.file].insert(column.get<std::string>());
          if (fact.type == FactType::column_ref && props.value("action", "") == "read")
            read_columns[{fact.location.file, fact.location.line}].insert(column.get<std::string>());
        }
    if (fact.type == FactType::personal_data) {
      auto& columns = personal_columns[props.value("dataset", "")];
      std::string column = props.value("column", "");
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) columns.push_back(column);
    }
  }

  void add(const Fact& fact) {
    const auto& props = fact.props;
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
};

class PersonalFlow {
 public:
  PersonalFlow(DataFlowDiagram& diagram, const std::vector<Fact>& facts)
      : graph_(diagram.graph()),
        known_(facts),
        categories_(boost::num_vertices(graph_)),
        sources_(boost::num_vertices(graph_)) {}

  void run() {
    seed();
    const std::vector<Categories> request_categories = categories_;  // what each endpoint's requests carry
    spread();
    for (auto [it, end] = boost::vertices(graph_); it != end; ++it) annotate(*it);
    annotate_flows(request_categories);
  }

 private:
  // Starting points: datasets with the categories of their columns, endpoints with those
  // their requests carry, scripts with those they name.
  void seed() {
    for (auto [it, end] = boost::vertices(graph_); it != end; ++it) {
      const Element& element = graph_[*it];
      std::string path = element.props.value("path", "");
      if (element.kind == ElementKind::data_store) {
        if (auto found = known_.dataset_categories.find(path); found != known_.dataset_categories.end()) {
          categories_[*it] = found->second;
          sources_[*it].insert(path);
        }
      } else if (element.type == "endpoint") {
        std::string key = element.props.value("file", "") + "#" + element.props.value("path", "");
        if (auto found = known_.endpoint_fields.find(key); found != known_.endpoint_fields.end()) {
          categories_[*it] = found->second;
          sources_[*it].insert("requests to " + element.name);
        }
      } else if (element.type == "script" || element.type == "notebook") {
        if (auto found = known_.file_fields.find(path); found != known_.file_fields.end()) categories_[*it] = found->second;
      }
    }
  }

  static bool carries_data(const Flow& flow) {
    std::string kind = flow.props.value("kind", "");
    std::string format = flow.props.value("format", "");
    if (format == "metrics" || format == "params") return false;  // experiment tracking of numbers, not records
    // A metrics or evaluation file a step writes (evaluation.json, metrics.yaml, scores.json)
    // holds aggregates of the data, not its records.
    static const RE2 aggregate_file(
        R"((?i)(^|/)([^/]*[_.-])?(metrics?|evaluation|eval|scores?|summary|stats|statistics)([_.-][^/]*)?\.(json|ya?ml|txt)$)");
    if (kind == "write" && RE2::PartialMatch(string_at(flow.props, "target"), aggregate_file)) return false;
    return kind == "read" || kind == "write" || kind == "in_process" || kind == "request" || kind == "response" ||
           kind == "send";
  }

  bool propagates(DataFlowDiagram::Edge edge) const {
    if (!carries_data(graph_[edge])) return false;
    // Callers receive answers but what they send is known from the request fields: data
    // never flows from one endpoint's response to another's request through them.
    if (graph_[boost::source(edge, graph_)].type == "client") return false;
    // A script's data reaches the endpoints that use its model, not every route it defines.
    return graph_[edge].props.value("kind", "") != "in_process" ||
           graph_[boost::target(edge, graph_)].props.value("decision", false);
  }

  // Along reads, writes, in-process calls, requests and responses, until nothing changes.
  // Which edges carry data is decided once (it tests each write's target with a regex).
  void spread() {
    std::vector<DataFlowDiagram::Edge> carrying;
    for (auto [it, end] = boost::edges(graph_); it != end; ++it)
      if (propagates(*it)) carrying.push_back(*it);
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& edge : carrying) {
        Vertex from = boost::source(edge, graph_), to = boost::target(edge, graph_);
        for (const auto& category : categories_[from]) changed |= categories_[to].insert(category).second;
        for (const auto& source : sources_[from]) changed |= sources_[to].insert(source).second;
      }
    }
  }

  void annotate(Vertex vertex) {
    Element& element = graph_[vertex];
    const auto& catalog = personal::CategoryCatalog::get();
    Categories special;
    for (const auto& id : categories_[vertex])
      if (const auto* category = catalog.find(id); category && !category->article.empty()) special.insert(id);
    element.props["personal_categories"] = to_array(categories_[vertex]);
    element.props["special_categories"] = to_array(special);
    element.props["personal_sources"] = to_array(sources_[vertex]);
    bool personal = !categories_[vertex].empty();
    bool recipient = element.kind == ElementKind::external_entity || element.zone == "cloud" || element.zone == "third_party";
    if (recipient && element.type != "client" && element.zone != "internal") annotate_recipient(element, personal);
    if (element.kind == ElementKind::data_store) annotate_store(vertex);
    const Fact* processing = known_.processing;
    if (element.kind == ElementKind::data_store && element.type == "model") {
      element.props["bias_examination"] = processing ? processing->props.value("bias_examination", "") : "";
      element.props["trained_on_personal_data"] = personal;
    }
    if (element.type == "endpoint") {
      element.props["human_review"] = processing ? processing->props.value("human_review", false) : false;
      element.props["human_review_declared"] = processing && processing->props.contains("human_review");
    }
  }

  // Where a recipient processes the data (declared, else guessed from its host) and how it
  // gets there.
  void annotate_recipient(Element& element, bool personal) {
    std::string host = element.props.value("host", "");
    if (host.empty()) {
      std::string uri = element.props.value("uri", "");
      auto scheme_end = uri.find("://");
      host = scheme_end == std::string::npos ? uri : uri.substr(scheme_end + 3);
      host = host.substr(0, host.find_first_of(":/"));
    }
    const Fact* declared = nullptr;
    for (const auto& key : {to_lower(host), to_lower(element.name), to_lower(element.id)})
      if (auto found = known_.recipient_declarations.find(key); !key.empty() && found != known_.recipient_declarations.end())
        declared = found->second;
    std::string region = declared ? declared->props.value("region", "") : region_of_host(host);
    element.props["region"] = region.empty() ? "unknown" : region;
    element.props["region_declared"] = declared != nullptr && declared->props.contains("region");
    element.props["outside_eea"] = region.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(!in_eea(region));
    element.props["transfer_mechanism"] = declared ? declared->props.value("transfer_mechanism", "") : "";
    element.props["receives_personal_data"] = personal;
  }

  // A store's declarations (lawful basis, purpose, retention, ...), its personal columns the
  // code could leave out, and its direct identifiers.
  void annotate_store(Vertex vertex) {
    Element& element = graph_[vertex];
    const Fact* declared = nullptr;
    if (auto found = known_.dataset_declarations.find(element.props.value("path", ""));
        found != known_.dataset_declarations.end())
      declared = found->second;
    for (const char* key : {"lawful_basis", "purpose", "retention", "special_category_condition", "residency"})
      element.props[key] = declared ? declared->props.value(key, "") : "";
    element.props["pseudonymised"] = declared ? declared->props.value("pseudonymised", false) : false;
    element.props["declared"] = declared != nullptr;
    element.props["unused_personal_columns"] = unused_personal_columns(vertex);
    nlohmann::ordered_json direct = nlohmann::ordered_json::array();
    for (const auto& id : categories_[vertex])
      if (const auto* category = personal::CategoryCatalog::get().find(id); category && category->identifier == "direct")
        direct.push_back(id);
    element.props["direct_identifiers"] = direct;
    element.props["personal_origin"] = personal_origin(vertex);
  }

  // The root cause of a store's personal data, shared by the copies made from it: the one
  // dataset it was derived from (a CSV a notebook writes from the source it read), else the
  // store itself, else the code that writes it (the first writer by id, so that two files
  // one script writes from the same records, or copies of that script write, are one).
  // A dataset that is also derived from this store is no origin of it (a cycle).
  std::string personal_origin(Vertex vertex) {
    const Element& element = graph_[vertex];
    std::string path = element.props.value("path", "");
    if (store_sources_.empty())
      for (auto [it, end] = boost::vertices(graph_); it != end; ++it)
        if (graph_[*it].kind == ElementKind::data_store)
          store_sources_[graph_[*it].props.value("path", "")] = &sources_[*it];
    std::vector<std::string> upstream;
    for (const auto& source : sources_[vertex]) {
      if (source == path) continue;
      auto found = store_sources_.find(source);
      if (found == store_sources_.end() || !found->second->contains(path)) upstream.push_back(source);
    }
    if (upstream.size() == 1) return upstream.front();
    if (upstream.empty() && sources_[vertex].contains(path))
      if (const Element* fuller = fuller_dataset_beside(element)) return fuller->props.value("path", "");
    if (!upstream.empty() || sources_[vertex].contains(path)) return path;
    std::set<std::string> writers;
    for (auto [in, in_end] = boost::in_edges(vertex, graph_); in != in_end; ++in)
      if (graph_[*in].props.value("kind", "") == "write") writers.insert(graph_[boost::source(*in, graph_)].id);
    return writers.empty() ? path : "written by " + *writers.begin();
  }

  // A few rows cut from a dataset in the same folder (a test fixture, a sample, an excerpt):
  // every column is one of that dataset's, and it has at most a tenth of its rows. They share
  // one root cause; the fuller dataset stands for it.
  const Element* fuller_dataset_beside(const Element& element) const {
    auto rows_of = [](const Element& store) {  // at least this many
      auto rows = store.props.value("rows_profiled", nlohmann::ordered_json());
      return rows.is_number_unsigned() ? rows.get<uint64_t>() : std::optional<uint64_t>();
    };
    std::optional<uint64_t> rows = element.props.value("all_rows_profiled", false) ? rows_of(element) : std::nullopt;
    auto columns = element.props.value("columns", nlohmann::ordered_json::array());
    if (!rows || columns.size() < 3) return nullptr;
    std::string path = element.props.value("path", "");
    std::string folder = path.substr(0, path.rfind('/') + 1);
    const Element* fuller = nullptr;
    for (auto [it, end] = boost::vertices(graph_); it != end; ++it) {
      const Element& other = graph_[*it];
      std::string other_path = other.props.value("path", "");
      if (other.kind != ElementKind::data_store || &other == &element || other_path.substr(0, other_path.rfind('/') + 1) != folder)
        continue;
      std::optional<uint64_t> other_rows = rows_of(other);
      if (!other_rows || *other_rows < 10 * std::max<uint64_t>(*rows, 1)) continue;
      auto other_columns = other.props.value("columns", nlohmann::ordered_json::array());
      bool contained = std::all_of(columns.begin(), columns.end(), [&](const auto& column) {
        return std::find(other_columns.begin(), other_columns.end(), column) != other_columns.end();
      });
      if (contained && (!fuller || *other_rows > *rows_of(*fuller))) fuller = &other;
    }
    return fuller;
  }

  // Art. 5(1)(c): personal columns the code never names, in a dataset whose other columns it
  // selects by name (so it could leave these out). Whole-frame use cannot be told apart and
  // counts as no selection.
  nlohmann::ordered_json unused_personal_columns(Vertex vertex) const {
    const Element& element = graph_[vertex];
    nlohmann::ordered_json unused = nlohmann::ordered_json::array();
    auto found = known_.personal_columns.find(element.props.value("path", ""));
    // What the readers load: every column, unless each read names its columns (usecols=).
    bool read = false, everything = false;
    std::set<std::string> loaded;
    std::vector<const std::set<std::string>*> dropped_by_readers;
    for (auto [out, out_end] = boost::out_edges(vertex, graph_); out != out_end; ++out) {
      const Flow& flow = graph_[*out];
      // Reads by code (a call: `via`); a pipeline's declared dependency loads nothing itself.
      if (flow.props.value("kind", "") != "read" || !flow.props.contains("via")) continue;
      read = true;
      if (auto dropped = known_.dropped_columns.find(flow.location.file); dropped != known_.dropped_columns.end())
        dropped_by_readers.push_back(&dropped->second);
      auto selected = known_.read_columns.find({flow.location.file, flow.location.line});
      if (selected == known_.read_columns.end()) everything = true;
      else loaded.insert(selected->second.begin(), selected->second.end());
    }
    if (found == known_.personal_columns.end() || !read) return unused;
    bool selects = false, drops = false;
    for (const auto& column : element.props.value("columns", nlohmann::ordered_json::array())) {
      selects = selects || (column.is_string() && known_.named_columns.contains(column.get<std::string>()));
      for (const auto* dropped : dropped_by_readers) drops = drops || (column.is_string() && dropped->contains(column.get<std::string>()));
    }
    // `X = df.drop("Y", axis=1)` keeps every column it does not name: no column goes unused.
    if (!selects || drops) return unused;
    for (const auto& column : found->second)
      if ((everything || loaded.contains(column)) && !known_.named_columns.contains(column)) unused.push_back(column);
    return unused;
  }

  void annotate_flows(const std::vector<Categories>& request_categories) {
    for (auto [it, end] = boost::edges(graph_); it != end; ++it) {
      Flow& flow = graph_[*it];
      Vertex from = boost::source(*it, graph_), to = boost::target(*it, graph_);
      bool request = graph_[from].type == "client" && flow.props.value("kind", "") == "request";
      const Categories& carried = request ? request_categories[to] : propagates(*it) ? categories_[from] : Categories{};
      flow.props["personal_categories"] = to_array(carried);
      flow.props["personal"] = !carried.empty();
    }
  }

  DataFlowDiagram::Graph& graph_;
  PersonalFacts known_;
  std::vector<Categories> categories_;
  std::vector<Categories> sources_;  // datasets (and requests) the data comes from
  std::map<std::string, const Categories*> store_sources_;  // a store's path -> its sources
};

}  // namespace

void propagate_personal_data(DataFlowDiagram& diagram, const std::vector<Fact>& facts) {
  PersonalFlow(diagram, facts).run();
}

}  // namespace mlaudit
