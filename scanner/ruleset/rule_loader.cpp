#include "ruleset/rule_loader.h"

#include <algorithm>

#include "ruleset/named_list.h"
#include "ruleset/schema.h"
#include "ruleset/taxonomy_catalog.h"
#include "util/embedded_files.h"
#include "util/file_io.h"
#include "util/glob.h"
#include "util/text.h"
#include "util/yaml_reader.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

std::string string_of(const YAML::Node& node) { return node ? node.as<std::string>() : std::string(); }

std::vector<std::string> strings_of(const YAML::Node& node) {
  std::vector<std::string> values;
  if (node && node.IsSequence())
    for (const auto& item : node) values.push_back(item.as<std::string>());
  return values;
}

ElementSelector parse_selector(const YAML::Node& node, const ListCatalog* lists) {
  ElementSelector selector;
  if (!node) return selector;
  if (auto kind = node["kind"]) {
    std::string text = kind.as<std::string>();
    selector.kind = text == "external_entity" ? ElementKind::external_entity
                    : text == "data_store"    ? ElementKind::data_store
                                              : ElementKind::process;
  }
  selector.types = strings_of(node["type"]);
  if (node["where"]) selector.where = parse_predicate(node["where"], lists);
  return selector;
}

// Every `key:` in a condition on facts of `type` must name a property facts of that type
// carry (facts/fact.cpp), so a typo fails when the rule loads instead of never matching.
void check_keys(const YAML::Node& condition, FactType type) {
  if (condition.IsSequence()) {
    for (const auto& item : condition) check_keys(item, type);
    return;
  }
  if (!condition.IsMap()) return;
  for (const auto& entry : condition) {
    if (entry.first.as<std::string>() != "key") {
      check_keys(entry.second, type);
      continue;
    }
    std::string key = entry.second.as<std::string>();
    std::string property = key.substr(0, key.find('.'));
    if (declares_property(type, property)) continue;
    std::vector<std::string> known;
    for (auto name : declared_properties(type)) known.emplace_back(name);
    throw RuleError(entry.second, "key '" + key + "': " + std::string(to_string(type)) + " facts have no property '" +
                                      property + "' (they have " + join(known, ", ") + ", $file, $type)");
  }
}

void check_taxonomy(const YAML::Node& node, const std::string& key, const std::string& id) {
  const TaxonomyCatalog* catalog = TaxonomyCatalogs::embedded().catalog(key);
  if (catalog && !catalog->find(id))
    throw RuleError(node, key + " id '" + id + "' is not in threat-models/" + key + ".yml; add it there first");
}

// Our embedded files are parsed by yaml-cpp; a user's rule pack is untrusted input (it may
// come from the scanned tree) and goes through the bounded reader.
std::optional<YAML::Node> parse_rule_yaml(RuleSet& set, const std::string& text, const std::string& source, bool embedded) {
  if (embedded) {
    try {
      return YAML::Load(text);
    } catch (const YAML::Exception& error) {
      set.errors.push_back({source, error.mark.line + 1, error.mark.column + 1, "invalid YAML: " + error.msg});
      return std::nullopt;
    }
  }
  YamlDocuments parsed = read_yaml(text, YamlBudget{64, 100'000, Deadline::after_seconds(10)});
  if (parsed.stop) {
    set.errors.push_back({source, static_cast<int>(parsed.stop->line), static_cast<int>(parsed.stop->column),
                          (parsed.stop->kind == YamlStop::Kind::limit ? "too large or deep for a rule file: " : "invalid YAML: ") +
                              parsed.stop->message});
    return std::nullopt;
  }
  if (parsed.documents.size() != 1) {
    set.errors.push_back({source, 0, 0, "a rule or list file holds exactly one YAML document"});
    return std::nullopt;
  }
  return parsed.documents.front();
}

void add_rule_text(RuleSet& set, const std::string& text, const std::string& source, const std::string& pack,
                   const std::string& stem, bool embedded) {
  auto parsed = parse_rule_yaml(set, text, source, embedded);
  if (!parsed) return;
  YAML::Node document = *parsed;
  auto problems = validate_rule_document(document);
  for (const auto& problem : problems)
    set.errors.push_back({source, problem.line, problem.column, problem.path + ": " + problem.message});
  if (!problems.empty()) return;
  try {
    auto rule = parse_rule(document, source, pack, &set.lists);
    if (rule->id != stem)
      throw RuleError(document["id"], "rule id '" + rule->id + "' must match its file name '" + stem + ".yml'");
    if (set.find(rule->id))
      throw RuleError(document["id"], "rule id '" + rule->id + "' is already defined by " + set.find(rule->id)->source);
    set.rules.push_back(std::move(rule));
  } catch (const RuleError& error) {
    set.errors.push_back({source, error.line, error.column, error.what()});
  } catch (const YAML::Exception& error) {
    set.errors.push_back({source, error.mark.line + 1, error.mark.column + 1, error.msg});
  }
}

void add_list_text(RuleSet& set, const std::string& text, const std::string& source, const std::string& stem,
                   bool embedded) {
  static const Schema schema = Schema::from_embedded("rules/list.schema.yml");
  auto parsed = parse_rule_yaml(set, text, source, embedded);
  if (!parsed) return;
  try {
    YAML::Node document = *parsed;
    auto problems = schema.validate(document);
    for (const auto& problem : problems)
      set.errors.push_back({source, problem.line, problem.column, problem.path + ": " + problem.message});
    if (!problems.empty()) return;
    std::string name = document["name"].as<std::string>();
    if (name != stem) throw RuleError(document["name"], "list name '" + name + "' must match its file name '" + stem + ".yml'");
    if (set.lists.contains(name))
      throw RuleError(document["name"], "list '" + name + "' is already defined by " + set.lists.find(name)->second.source());
    NamedList list(name, source);
    list.add_entries(document["entries"]);
    set.lists.emplace(name, std::move(list));
  } catch (const RuleError& error) {
    set.errors.push_back({source, error.line, error.column, error.what()});
  } catch (const YAML::Exception& error) {
    set.errors.push_back({source, error.mark.line + 1, error.mark.column + 1, "invalid YAML: " + error.msg});
  }
}

constexpr uint64_t kMaxRuleFileBytes = 1 << 20;
constexpr size_t kMaxRuleFiles = 10'000;

// A rule file's text; an error (unreadable, too large) goes to the set's errors.
std::optional<std::string> read_rule_file(RuleSet& set, const fs::path& path) {
  auto content = read_whole_file(path, kMaxRuleFileBytes);
  if (auto* problem = std::get_if<ReadError>(&content)) {
    set.errors.push_back({path.string(), 0, 0, "cannot read rule file: " + problem->message});
    return std::nullopt;
  }
  return std::move(std::get<std::string>(content));
}

}  // namespace

std::vector<SchemaError> validate_rule_document(const YAML::Node& document) {
  static const Schema schema = Schema::from_embedded("rules/rule.schema.yml");
  return schema.validate(document);
}

std::string RuleLoadError::to_string() const {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
  return where + ": " + message;
}

const Rule* RuleSet::find(std::string_view id) const {
  for (const auto& rule : rules)
    if (rule->id == id) return rule.get();
  return nullptr;
}

std::unique_ptr<Rule> parse_rule(const YAML::Node& document, const std::string& source, const std::string& pack,
                                 const ListCatalog* lists) {
  auto rule = std::make_unique<Rule>();
  rule->id = string_of(document["id"]);
  rule->title = string_of(document["title"]);
  rule->description = std::string(trim(string_of(document["description"])));
  rule->remediation = std::string(trim(string_of(document["remediation"])));
  rule->record = std::string(trim(string_of(document["record"])));
  rule->message = std::string(trim(string_of(document["message"])));
  rule->references = strings_of(document["references"]);
  rule->severity = *parse_severity(string_of(document["severity"]));
  rule->severity_from = string_of(document["severity_from"]);
  rule->confidence = *parse_confidence(string_of(document["confidence"]));
  rule->supersedes = strings_of(document["supersedes"]);
  if (const YAML::Node& merge = document["merge"]) {
    rule->merge.emplace();
    rule->merge->by = strings_of(merge["by"]);
    rule->merge->list = string_of(merge["list"]);
    rule->merge->lead = string_of(merge["lead"]);
    rule->merge->message = std::string(trim(string_of(merge["message"])));
    rule->merge->related = std::string(trim(string_of(merge["related"])));
    rule->merge->into = strings_of(merge["into"]);
    if (rule->merge->into.empty() && (rule->merge->by.empty() || rule->merge->message.empty()))
      throw RuleError(merge, "merge needs `by` and `message`, or `into`");
  }
  rule->source = source;
  rule->pack = pack;
  // Hygiene (code, config) and flow (stride) packs lower by default; what a file holds
  // (model files, integrity) and compliance duties (gdpr, ai-act) do not depend on the folder.
  bool lowers_by_pack = pack == "code" || pack == "config" || pack == "stride" || pack == "user";
  std::string outside_production = string_of(document["outside_production"]);
  rule->lower_outside_production = outside_production.empty() ? lowers_by_pack : outside_production == "lower";

  const YAML::Node& taxonomy = document["taxonomy"];
  for (const auto& id : taxonomy["cwe"]) rule->taxonomy.cwe.push_back(id.as<int>());
  rule->taxonomy.stride = string_of(taxonomy["stride"]);
  rule->taxonomy.stride_element = string_of(taxonomy["stride_element"]);
  for (const TaxonFamily& family : taxon_families())
    if (family.ids) rule->taxonomy.*family.ids = strings_of(taxonomy[std::string(family.key)]);
  for_each_taxon(rule->taxonomy, [&](const TaxonFamily& family, const std::string& id) {
    check_taxonomy(taxonomy[std::string(family.key)], std::string(family.key), id);
  });

  const YAML::Node& match = document["match"];
  int kinds = 0;
  MatchSpec& spec = rule->match;
  if (auto call = match["call"]) {
    ++kinds;
    spec.kind = MatchKind::call;
    spec.callees = strings_of(call["callee"]);
    if (call["where"]) {
      check_keys(call["where"], FactType::call);
      spec.where = parse_predicate(call["where"], lists);
    }
  }
  if (auto fact = match["fact"]) {
    ++kinds;
    spec.kind = MatchKind::fact;
    auto type = parse_fact_type(fact["type"].as<std::string>());
    if (!type) throw RuleError(fact["type"], "unknown fact type '" + fact["type"].as<std::string>() + "'");
    spec.fact_type = *type;
    if (fact["where"]) {
      check_keys(fact["where"], *type);
      spec.where = parse_predicate(fact["where"], lists);
    }
  }
  if (auto element = match["element"]) {
    ++kinds;
    spec.kind = MatchKind::element;
    spec.element = parse_selector(element, lists);
  }
  if (auto flow = match["flow"]) {
    ++kinds;
    spec.kind = MatchKind::flow;
    spec.from = parse_selector(flow["from"], lists);
    spec.to = parse_selector(flow["to"], lists);
    if (flow["where"]) spec.where = parse_predicate(flow["where"], lists);
  }
  if (auto path = match["path"]) {
    ++kinds;
    spec.kind = MatchKind::path;
    spec.from = parse_selector(path["from"], lists);
    spec.to = parse_selector(path["to"], lists);
    if (path["max_length"]) spec.max_length = path["max_length"].as<size_t>();
  }
  if (kinds != 1) throw RuleError(match, "match needs exactly one of call, fact, element, flow, path");
  if (auto unless = match["unless"]) {
    for (const auto& item : unless["same_file"]) {
      FileExemption exemption;
      exemption.callees = strings_of(item["callee"]);
      if (item["fact"]) {
        auto type = parse_fact_type(item["fact"].as<std::string>());
        if (!type) throw RuleError(item["fact"], "unknown fact type '" + item["fact"].as<std::string>() + "'");
        exemption.fact_type = type;
      }
      if (item["where"]) {
        check_keys(item["where"], exemption.fact_type.value_or(FactType::call));
        exemption.where = parse_predicate(item["where"], lists);
      }
      spec.unless_same_file.push_back(std::move(exemption));
    }
  }
  if (auto levels = document["severity_when"]) {
    if (spec.kind != MatchKind::call && spec.kind != MatchKind::fact && spec.kind != MatchKind::flow &&
        spec.kind != MatchKind::element)
      throw RuleError(levels, "severity_when applies to call, fact, flow and element rules only");
    for (const auto& item : levels) {
      SeverityCase level;
      level.severity = *parse_severity(string_of(item["severity"]));
      if (spec.kind == MatchKind::call || spec.kind == MatchKind::fact) check_keys(item["where"], spec.fact_type);
      level.where = parse_predicate(item["where"], lists);
      rule->severity_when.push_back(std::move(level));
    }
  }
  return rule;
}

RuleSet load_rules(const std::vector<fs::path>& user_folders) {
  RuleSet set;
  // Lists first (rules refer to them), then rules; built-in and user packs alike are
  // validated against rules/rule.schema.yml.
  auto embedded = embedded_files_under("rules/");
  for (const EmbeddedFile* file : embedded) {
    auto parts = split(file->path, '/');
    if (parts.size() == 4 && parts[2] == "lists" && file->path.ends_with(".yml"))
      add_list_text(set, std::string(file->content), std::string(file->path),
                    std::string(parts[3].substr(0, parts[3].size() - 4)), true);
  }
  std::vector<std::pair<fs::path, fs::path>> user_files;  // (folder, file)
  for (const auto& folder : user_folders) {
    std::error_code error;
    if (!fs::is_directory(folder, error)) {
      set.errors.push_back({folder.string(), 0, 0, "rule folder does not exist or is not a folder"});
      continue;
    }
    // Links are not followed (a pack in the scanned tree must not read outside it), and
    // only regular files are read: a FIFO named rule.yml would block the scan.
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(folder, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
      std::error_code status_error;
      if (!fs::is_regular_file(it->symlink_status(status_error))) continue;
      if (it->path().extension() != ".yml" && it->path().extension() != ".yaml") continue;
      if (files.size() >= kMaxRuleFiles) {
        set.errors.push_back({folder.string(), 0, 0, "more than " + std::to_string(kMaxRuleFiles) + " rule files"});
        break;
      }
      files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
      if (path.parent_path().filename() != "lists") {
        user_files.emplace_back(folder, path);
      } else if (auto text = read_rule_file(set, path)) {
        add_list_text(set, *text, path.string(), path.stem().string(), false);
      }
    }
  }
  for (const EmbeddedFile* file : embedded) {
    auto parts = split(file->path, '/');
    if (parts.size() != 3 || !file->path.ends_with(".yml")) continue;  // rules/<pack>/<id>.yml
    std::string stem(parts[2].substr(0, parts[2].size() - 4));
    add_rule_text(set, std::string(file->content), std::string(file->path), std::string(parts[1]), stem, true);
  }
  for (const auto& [folder, path] : user_files) {
    std::string pack = path.parent_path() == folder ? "user" : path.parent_path().filename().string();
    if (auto text = read_rule_file(set, path)) add_rule_text(set, *text, path.string(), pack, path.stem().string(), false);
  }
  return set;
}

void filter_rules(RuleSet& set, const std::vector<std::string>& enable, const std::vector<std::string>& disable) {
  auto matches_any = [](const std::string& id, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
      return pattern == id || glob_match(pattern, id);
    });
  };
  std::erase_if(set.rules, [&](const std::unique_ptr<Rule>& rule) {
    return (!enable.empty() && !matches_any(rule->id, enable)) || matches_any(rule->id, disable);
  });
}

}  // namespace mlaudit
