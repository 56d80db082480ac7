#include "ruleset/matcher.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "util/glob.h"

namespace mlaudit {
namespace {

using Vertex = DataFlowDiagram::Vertex;
using Edge = DataFlowDiagram::Edge;

// A callee pattern compiled once: most are "*", "prefix.*" or "*.suffix", which need no
// glob engine on the hot path (every call site of the project is tested).
class CalleePattern {
 public:
  explicit CalleePattern(std::string pattern) : text_(std::move(pattern)), glob_(text_) {
    size_t wildcards = std::count_if(text_.begin(), text_.end(), [](char c) { return c == '*' || c == '?' || c == '['; });
    if (wildcards == 0) form_ = Form::exact;
    else if (text_ == "*") form_ = Form::any;
    else if (wildcards == 1 && text_.back() == '*') form_ = Form::prefix, affix_ = text_.substr(0, text_.size() - 1);
    else if (wildcards == 1 && text_.front() == '*') form_ = Form::suffix, affix_ = text_.substr(1);
    else form_ = Form::glob;
  }
  bool exact() const { return form_ == Form::exact; }
  const std::string& text() const { return text_; }
  // Callees hold no '/', so '*' spans dots: "*.execute" matches "sqlite3.connect().cursor().execute".
  bool matches(std::string_view callee) const {
    switch (form_) {
      case Form::exact: return callee == text_;
      case Form::any: return true;
      case Form::prefix: return callee.starts_with(affix_);
      case Form::suffix: return callee.ends_with(affix_);
      case Form::glob: return glob_.matches(callee);
    }
    return false;
  }

 private:
  enum class Form { exact, any, prefix, suffix, glob };
  std::string text_, affix_;
  Glob glob_;
  Form form_ = Form::exact;
};

bool callee_matches(const std::string& pattern, const std::string& callee) { return CalleePattern(pattern).matches(callee); }

// Values of a DFD element as rules see them: its properties plus id, kind, type, name, zone.
nlohmann::ordered_json element_view(const Element& element) {
  nlohmann::ordered_json view = element.props;
  view["id"] = element.id;
  view["kind"] = std::string(to_string(element.kind));
  view["type"] = element.type;
  view["name"] = element.name;
  view["zone"] = element.zone;
  view["file"] = element.location.file;
  return view;
}

class Matcher {
 public:
  explicit Matcher(const RuleSet& rules) : rules_(rules) {}

  std::vector<Finding> match_facts(std::span<const Fact> facts) {
    facts_ = facts;
    std::unordered_map<std::string, std::vector<const Rule*>> exact_callees;
    std::vector<std::pair<CalleePattern, const Rule*>> callee_globs;
    std::unordered_map<FactType, std::vector<const Rule*>> fact_rules;
    for (const auto& rule : rules_.rules) {
      if (rule->match.kind == MatchKind::call) {
        for (const auto& callee : rule->match.callees) {
          CalleePattern pattern(callee);
          if (pattern.exact()) exact_callees[callee].push_back(rule.get());
          else callee_globs.emplace_back(std::move(pattern), rule.get());
        }
      } else if (rule->match.kind == MatchKind::fact) {
        fact_rules[rule->match.fact_type].push_back(rule.get());
      }
    }
    for (const auto& fact : facts) {
      if (fact.type == FactType::call) {
        const std::string callee = fact.props.value("callee", "");
        std::vector<const Rule*> candidates;
        if (auto found = exact_callees.find(callee); found != exact_callees.end()) candidates = found->second;
        for (const auto& [pattern, rule] : callee_globs)
          if (pattern.matches(callee) && std::find(candidates.begin(), candidates.end(), rule) == candidates.end())
            candidates.push_back(rule);
        for (const Rule* rule : candidates) match_fact(*rule, fact);
      }
      if (auto found = fact_rules.find(fact.type); found != fact_rules.end())
        for (const Rule* rule : found->second) match_fact(*rule, fact);
    }
    return std::move(findings_);
  }

  std::vector<Finding> match_graph(const DataFlowDiagram& diagram) {
    diagram_ = &diagram;
    const auto& graph = diagram.graph();
    views_.reserve(boost::num_vertices(graph));
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) views_.push_back(element_view(graph[*it]));
    for (const auto& rule : rules_.rules) {
      switch (rule->match.kind) {
        case MatchKind::element: match_elements(*rule); break;
        case MatchKind::flow: match_flows(*rule); break;
        case MatchKind::path: match_paths(*rule); break;
        default: break;
      }
    }
    return std::move(findings_);
  }

 private:
  KeyLookup fact_lookup(const Fact& fact, nlohmann::ordered_json& scratch) const {
    return [&fact, &scratch](const KeyPath& path) -> const nlohmann::ordered_json* {
      if (path.size() == 1 && path[0] == "$file") return &(scratch = fact.location.file);
      if (path.size() == 1 && path[0] == "$type") return &(scratch = std::string(to_string(fact.type)));
      return find_path(fact.props, path);
    };
  }

  // "{$severity}" in a message names the level the evidence gave, so it can say why it follows.
  static KeyLookup with_severity(KeyLookup lookup, Severity severity) {
    auto level = std::make_shared<nlohmann::ordered_json>(std::string(to_string(severity)));
    return [lookup = std::move(lookup), level](const KeyPath& path) -> const nlohmann::ordered_json* {
      if (path.size() == 1 && path[0] == "$severity") return level.get();
      return lookup(path);
    };
  }

  // The first severity_when case whose condition holds sets the level; else `otherwise`.
  Severity graded_severity(const Rule& rule, const KeyLookup& lookup, std::optional<Severity> otherwise = {}) const {
    for (const auto& level : rule.severity_when) {
      MatchContext level_context{&rules_.lists, {}};
      if (level.where->evaluate(lookup, level_context)) return level.severity;
    }
    return otherwise.value_or(rule.severity);
  }

  bool exempt(const Rule& rule, const std::string& file) {
    if (rule.match.unless_same_file.empty()) return false;
    auto& files = exempt_files_[&rule];
    if (!files) {
      files.emplace();
      for (const auto& fact : facts_) {
        for (const auto& exemption : rule.match.unless_same_file) {
          bool type_ok = exemption.fact_type ? fact.type == *exemption.fact_type : fact.type == FactType::call;
          if (!type_ok) continue;
          if (!exemption.callees.empty()) {
            std::string callee = fact.props.value("callee", "");
            if (std::none_of(exemption.callees.begin(), exemption.callees.end(),
                             [&](const std::string& pattern) { return callee_matches(pattern, callee); }))
              continue;
          }
          nlohmann::ordered_json scratch;
          MatchContext context{&rules_.lists, {}};
          if (exemption.where && !exemption.where->evaluate(fact_lookup(fact, scratch), context)) continue;
          files->insert(fact.location.file);
        }
      }
    }
    return files->contains(file);
  }

  void match_fact(const Rule& rule, const Fact& fact) {
    nlohmann::ordered_json scratch;
    KeyLookup lookup = fact_lookup(fact, scratch);
    MatchContext context{&rules_.lists, {}};
    if (rule.match.where && !rule.match.where->evaluate(lookup, context)) return;
    if (exempt(rule, fact.location.file)) return;
    Finding finding;
    finding.rule = &rule;
    finding.severity = rule.severity;
    if (!rule.severity_from.empty())
      if (const auto* value = lookup(parse_key_path(rule.severity_from)); value && value->is_string())
        if (auto severity = parse_severity(value->get<std::string>())) finding.severity = *severity;
    finding.severity = graded_severity(rule, lookup, finding.severity);
    finding.location = fact.location;
    finding.message = format_message(rule.message, with_severity(lookup, finding.severity), context.bindings);
    add_related_locations(finding, fact.props);
    if (fact.type == FactType::call) {
      finding.evidence = {{"callee", fact.props.value("callee", "")}, {"call", fact.props.value("text", "")}};
    } else {
      finding.evidence = fact.props;
    }
    if (!context.bindings.empty()) finding.evidence["matched"] = context.bindings;
    if (!fact.location.has_region()) finding.subject = fact_subject(fact);
    findings_.push_back(std::move(finding));
  }

  // A binary file has no lines to tell its findings apart: what the fact is about does
  // (the global and the member it sits in, not its byte offset, which moves when the
  // file is re-saved).
  static std::string fact_subject(const Fact& fact) {
    std::string subject;
    for (const auto& [key, value] : fact.props.items()) {
      if (key == "offset" || key == "where" || key == "occurrences" || key == "message" || value.is_structured()) continue;
      subject += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + ";";
    }
    return subject;
  }

  bool selects(const ElementSelector& selector, Vertex vertex, MatchContext& context) const {
    const Element& element = diagram_->graph()[vertex];
    if (selector.kind && element.kind != *selector.kind) return false;
    if (!selector.types.empty() &&
        std::find(selector.types.begin(), selector.types.end(), element.type) == selector.types.end())
      return false;
    if (!selector.where) return true;
    const nlohmann::ordered_json& view = views_[vertex];
    KeyLookup lookup = [&view](const KeyPath& path) { return find_path(view, path); };
    return selector.where->evaluate(lookup, context);
  }

  // A fact or element that stands for several places names the others (every manifest line
  // of one package@version, every unpinned load of one hub).
  static void add_related_locations(Finding& finding, const nlohmann::ordered_json& props) {
    auto related = props.find("related_locations");
    if (related == props.end() || !related->is_array()) return;
    for (const auto& place : *related)
      finding.related.push_back({Location{place.value("file", ""), place.value("line", 0u), place.value("column", 0u)},
                                 place.value("message", ""), place.value("merged", false)});
  }

  void match_elements(const Rule& rule) {
    const auto& graph = diagram_->graph();
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
      MatchContext context{&rules_.lists, {}};
      if (!selects(rule.match.element, *it, context)) continue;
      const Element& element = graph[*it];
      const nlohmann::ordered_json& view = views_[*it];
      KeyLookup lookup = [&view](const KeyPath& path) { return find_path(view, path); };
      Finding finding;
      finding.rule = &rule;
      finding.severity = graded_severity(rule, lookup);
      finding.location = element.location;
      if (auto at = element.props.find("finding_location"); at != element.props.end() && at->is_object())
        finding.location = Location{at->value("file", ""), at->value("line", 0u), at->value("column", 0u)};
      finding.message = format_message(rule.message, lookup, context.bindings);
      finding.subject = element.id;
      finding.elements = {element.id};
      finding.evidence = {{"element", element.id}, {"name", element.name}, {"type", element.type}, {"zone", element.zone}};
      for (const auto& [key, value] : element.props.items())
        if (key != "related_locations" && key != "finding_location" && (value.is_primitive() || value.size() <= 8))
          finding.evidence[key] = value;
      add_related_locations(finding, element.props);
      findings_.push_back(std::move(finding));
    }
  }

  KeyLookup flow_lookup(Edge edge) const {
    const auto& graph = diagram_->graph();
    const nlohmann::ordered_json& from = views_[boost::source(edge, graph)];
    const nlohmann::ordered_json& to = views_[boost::target(edge, graph)];
    const Flow& flow = graph[edge];
    // `$file`: the file of the code or configuration that makes the flow.
    auto file = std::make_shared<nlohmann::ordered_json>(flow.location.file);
    return [&from, &to, &flow, file](const KeyPath& path) -> const nlohmann::ordered_json* {
      if (path.empty()) return nullptr;
      if (path.size() == 1 && path[0] == "$file") return file.get();
      if (path[0] == "from") return find_path(from, path, 1);
      if (path[0] == "to") return find_path(to, path, 1);
      return find_path(flow.props, path);
    };
  }

  void match_flows(const Rule& rule) {
    const auto& graph = diagram_->graph();
    for (auto [it, end] = boost::edges(graph); it != end; ++it) {
      MatchContext context{&rules_.lists, {}};
      Vertex from = boost::source(*it, graph), to = boost::target(*it, graph);
      if (!selects(rule.match.from, from, context) || !selects(rule.match.to, to, context)) continue;
      KeyLookup lookup = flow_lookup(*it);
      if (rule.match.where && !rule.match.where->evaluate(lookup, context)) continue;
      const Flow& flow = graph[*it];
      Finding finding;
      finding.rule = &rule;
      finding.severity = graded_severity(rule, lookup);
      finding.location = flow.location;
      finding.message = format_message(rule.message, with_severity(lookup, finding.severity), context.bindings);
      finding.subject = graph[from].id + " -> " + graph[to].id + " (" + flow.label + ")";
      finding.elements = {graph[from].id, graph[to].id};
      finding.evidence = {{"from", graph[from].name}, {"to", graph[to].name}, {"flow", flow.label}};
      for (const auto& [key, value] : flow.props.items())
        if (value.is_primitive()) finding.evidence[key] = value;
      add_endpoint_locations(finding, from, to);
      findings_.push_back(std::move(finding));
    }
  }

  void add_endpoint_locations(Finding& finding, Vertex from, Vertex to) const {
    const auto& graph = diagram_->graph();
    for (Vertex vertex : {from, to}) {
      const Element& element = graph[vertex];
      if (!element.location.file.empty() && element.location != finding.location)
        finding.related.push_back({element.location, element.name});
    }
  }

  void match_paths(const Rule& rule) {
    const auto& graph = diagram_->graph();
    std::vector<Vertex> sinks;
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
      MatchContext context{&rules_.lists, {}};
      if (selects(rule.match.to, *it, context)) sinks.push_back(*it);
    }
    if (sinks.empty()) return;
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
      MatchContext context{&rules_.lists, {}};
      if (!selects(rule.match.from, *it, context)) continue;
      Vertex source = *it;
      auto reached = diagram_->reachable_from(source, rule.match.max_length);
      for (Vertex sink : sinks) {
        if (sink == source || !reached.contains(sink)) continue;
        std::vector<Edge> flows;
        for (Vertex current = sink; current != source;) {
          Edge edge = reached.at(current);
          flows.push_back(edge);
          current = boost::source(edge, graph);
        }
        std::reverse(flows.begin(), flows.end());
        add_path_finding(rule, source, sink, flows, context);
      }
    }
  }

  void add_path_finding(const Rule& rule, Vertex source, Vertex sink, const std::vector<Edge>& flows,
                        MatchContext& context) {
    const auto& graph = diagram_->graph();
    const nlohmann::ordered_json& from = views_[source];
    const nlohmann::ordered_json& to = views_[sink];
    KeyLookup lookup = [&from, &to](const KeyPath& path) -> const nlohmann::ordered_json* {
      if (path.empty()) return nullptr;
      if (path[0] == "from") return find_path(from, path, 1);
      if (path[0] == "to") return find_path(to, path, 1);
      return nullptr;
    };
    Finding finding;
    finding.rule = &rule;
    finding.severity = rule.severity;
    const Element& sink_element = graph[sink];
    finding.location = sink_element.location.has_region() ? sink_element.location : graph[flows.back()].location;
    finding.message = format_message(rule.message, lookup, context.bindings);
    finding.subject = graph[source].id + " => " + sink_element.id;
    finding.elements = {graph[source].id, sink_element.id};
    nlohmann::ordered_json steps = nlohmann::ordered_json::array();
    steps.push_back(graph[source].name);
    for (Edge edge : flows) {
      const Element& step_from = graph[boost::source(edge, graph)];
      const Element& step_to = graph[boost::target(edge, graph)];
      const Flow& flow = graph[edge];
      finding.path.push_back({flow.location, step_from.name + " → " + step_to.name + " (" + flow.label + ")"});
      steps.push_back(step_to.name);
    }
    finding.evidence = {{"path", steps},
                        {"from", {{"id", graph[source].id}, {"name", graph[source].name}}},
                        {"to", {{"id", sink_element.id}, {"name", sink_element.name}}}};
    findings_.push_back(std::move(finding));
  }

  const RuleSet& rules_;
  std::span<const Fact> facts_;
  const DataFlowDiagram* diagram_ = nullptr;
  std::vector<nlohmann::ordered_json> views_;
  std::unordered_map<const Rule*, std::optional<std::unordered_set<std::string>>> exempt_files_;
  std::vector<Finding> findings_;
};

}  // namespace

std::vector<Finding> match_fact_rules(const RuleSet& rules, std::span<const Fact> facts) {
  return Matcher(rules).match_facts(facts);
}

std::vector<Finding> match_graph_rules(const RuleSet& rules, const DataFlowDiagram& diagram) {
  return Matcher(rules).match_graph(diagram);
}

}  // namespace mlaudit
