#include "advisories/dependency_audit.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "advisories/advisory_reach.h"
#include "advisories/imported_packages.h"
#include "util/embedded_files.h"
#include "util/text.h"

namespace mlaudit::advisories {
namespace {

using pep440::SpecifierSet;
using pep440::Version;
using Json = nlohmann::ordered_json;

// One manifest line that names a package, as the audit reads it.
struct Use {
  const Fact* fact = nullptr;
  std::string name;        // PyPI name
  std::string file;
  std::string source;      // requirements, poetry, poetry.lock, ...
  std::string version;     // when pinned
  std::string range;       // PEP 440 form of what it allows
  bool pinned = false, locked = false;
  bool development = false;  // a dev / test / docs group, section or requirements file
};

// Where an exact version is written: a lock entry, a constraints pin, a pinned line.
struct Pin {
  std::string version;
  Location location;
};

const std::map<std::string, std::string>& conda_names() {
  static const std::map<std::string, std::string> names = [] {
    std::map<std::string, std::string> table;
    if (auto text = embedded_file("threat-models/advisories/conda-names.yml"))
      for (const auto& entry : YAML::Load(std::string(*text)))
        table[entry.first.as<std::string>()] = entry.second.IsNull() ? std::string() : entry.second.as<std::string>();
    return table;
  }();
  return names;
}

std::string in_folder(const std::string& folder, const std::string& name) {
  return folder.empty() ? name : folder + "/" + name;
}

std::string place(const Location& location) {
  return location.file + (location.line ? ":" + std::to_string(location.line) : std::string());
}

std::string version_key(const std::string& name, const std::string& version) {
  auto parsed = Version::parse(version);
  return name + "@" + (parsed ? parsed->str() : version);
}

MatchedAdvisory summarise(const AdvisoryGroup& group) {
  MatchedAdvisory matched{group.id(), group.aliases(), group.summary(), group.severity(), {}};
  for (bool advisory_first : {true, false})
    for (const Advisory* record : group.records)
      for (const auto& reference : record->references)
        if ((reference.type == "ADVISORY") == advisory_first &&
            std::find(matched.urls.begin(), matched.urls.end(), reference.url) == matched.urls.end())
          matched.urls.push_back(reference.url);
  return matched;
}

// "PYSEC-2021-142 (CVE-2020-14343)": the id and the CVE alias people search for.
std::string label(const MatchedAdvisory& advisory) {
  for (const auto& alias : advisory.aliases)
    if (alias.starts_with("CVE-")) return advisory.id + " (" + alias + ")";
  return advisory.id;
}

Json advisories_json(const std::vector<MatchedAdvisory>& advisories) {
  Json list = Json::array();
  for (const auto& advisory : advisories) {
    Json entry = {{"id", advisory.id},
                  {"aliases", advisory.aliases},
                  {"summary", advisory.summary},
                  {"severity", advisory.severity.level.empty() ? std::string("unknown") : advisory.severity.level},
                  {"severity_source", advisory.severity.source}};
    if (advisory.severity.score >= 0) entry["score"] = advisory.severity.score;
    if (!advisory.severity.vector.empty()) entry["vector"] = advisory.severity.vector;
    if (!advisory.unreached_because.empty()) entry["unreached_because"] = advisory.unreached_because;
    entry["references"] = advisory.urls.size() > 5 ? std::vector<std::string>(advisory.urls.begin(), advisory.urls.begin() + 5)
                                                    : advisory.urls;
    list.push_back(std::move(entry));
  }
  return list;
}

// The message's list of advisories (most severe first): a few labels, the rest counted.
// Summaries, aliases and references of all of them are in the evidence.
std::string advisory_labels(const std::vector<MatchedAdvisory>& advisories) {
  constexpr size_t kShown = 3;
  std::string text;
  for (size_t i = 0; i < advisories.size() && i < kShown; ++i) text += (i ? ", " : "") + label(advisories[i]);
  if (advisories.size() > kShown) text += " and " + std::to_string(advisories.size() - kShown) + " more";
  return text;
}

// The most severe advisory in a sentence: "PYSEC-2023-255 (high 8.1): Command injection ...".
std::string headline(const std::vector<MatchedAdvisory>& advisories) {
  const MatchedAdvisory& first = advisories.front();
  return first.id + " (" + first.severity.label() + "): " + truncate_utf8(first.summary, 110);
}

std::string count_text(size_t count) {
  return std::to_string(count) + (count == 1 ? " known vulnerability" : " known vulnerabilities");
}

// The highest advisory severity. An advisory without one (most records converted from NVD
// carry no CVSS vector) counts as medium.
std::pair<std::string, std::string> highest_severity(const std::vector<MatchedAdvisory>& advisories) {
  const MatchedAdvisory* highest = nullptr;
  bool unknown = false;
  for (const auto& advisory : advisories) {
    if (advisory.severity.level.empty()) unknown = true;
    else if (!highest || severity_rank(advisory.severity.level) > severity_rank(highest->severity.level) ||
             (severity_rank(advisory.severity.level) == severity_rank(highest->severity.level) &&
              advisory.severity.score > highest->severity.score))
      highest = &advisory;
  }
  if (highest && (severity_rank(highest->severity.level) >= 2 || !unknown))
    return {highest->severity.level, "highest advisory severity: " + highest->severity.label() + " (" +
                                         highest->severity.source + ", " + highest->id + ")"};
  return {"medium", highest ? "an advisory without a severity counts as medium (the others are lower)"
                            : "no advisory gives a severity (CVSS vector or database rating): medium by default"};
}

std::string one_level_lower(const std::string& level) {
  if (level == "critical") return "high";
  if (level == "high") return "medium";
  return "low";
}

// The finding's severity: the highest advisory severity, where an advisory whose vulnerable
// code the project cannot reach (FastAPI's form-parsing ReDoS without python-multipart,
// aiohttp's server flaws in a project that only uses its client) counts one level lower.
std::pair<std::string, std::string> finding_severity(const std::vector<MatchedAdvisory>& advisories) {
  std::vector<MatchedAdvisory> reached;
  std::string unreached_level, unreached_text;
  for (const auto& advisory : advisories) {
    if (advisory.unreached_because.empty()) {
      reached.push_back(advisory);
      continue;
    }
    // Without a severity an advisory counts as medium, a middle guess: not lowered further.
    std::string lowered = advisory.severity.level.empty() ? "medium" : one_level_lower(advisory.severity.level);
    if (unreached_level.empty() || severity_rank(lowered) > severity_rank(unreached_level)) unreached_level = lowered;
    unreached_text += (unreached_text.empty() ? "" : "; ") + advisory.id + " (" +
                      (advisory.severity.level.empty() ? std::string("no severity: medium") : advisory.severity.label()) +
                      "): " + advisory.unreached_because;
  }
  if (unreached_level.empty()) return highest_severity(advisories);
  std::string reason = "not reached by this project, so counted one level lower (" + unreached_level +
                       "; one without a severity stays medium): " + unreached_text;
  if (reached.empty()) return {unreached_level, reason};
  auto [level, reached_reason] = highest_severity(reached);
  if (severity_rank(level) >= severity_rank(unreached_level)) return {level, reached_reason + "; " + reason};
  return {unreached_level, reason + "; the others: " + reached_reason};
}

// The message's note on advisories the project does not reach: " (not reached here, so a
// level lower: PYSEC-2024-38)"; empty when it may reach all.
std::string reach_note(const std::vector<MatchedAdvisory>& advisories) {
  std::vector<std::string> ids;
  for (const auto& advisory : advisories)
    if (!advisory.unreached_because.empty() && !advisory.severity.level.empty()) ids.push_back(advisory.id);
  return ids.empty() ? std::string() : " (not reached here, so a level lower: " + join(ids, ", ") + ")";
}

// Where a package is installed: to run the project, or only to develop it (a dev / test /
// docs group, Pipfile.lock's develop section, requirements-dev.txt, whose packages no code
// outside tests imports). The level stays the advisories' (as GitHub's Dependabot keeps it);
// the scope lets a gate or a reader set development-only packages apart.
std::string scope_note(bool runtime) { return runtime ? std::string() : " (installed only for development)"; }

Json location_json(const Location& location, const std::string& message) {
  return {{"file", location.file}, {"line", location.line}, {"column", location.column}, {"message", message}};
}

class Auditor {
 public:
  Auditor(const AdvisoryDatabase& database, std::vector<Fact>& facts, std::vector<Diagnostic>& diagnostics)
      : database_(database), facts_(facts), diagnostics_(diagnostics) {}

  DependencyAudit run() {
    collect();
    resolve();
    DependencyAudit audit;
    audit.snapshot = database_.describe();
    std::vector<Fact> facts;
    for (auto& [key, instance] : exact_) audit.packages.push_back(check_version(instance, facts));
    for (auto& [key, instance] : ranges_)
      if (auto checked = check_range(instance, facts)) audit.packages.push_back(std::move(*checked));
    note_missing_data(audit);
    facts_.insert(facts_.end(), std::make_move_iterator(facts.begin()), std::make_move_iterator(facts.end()));
    return audit;
  }

 private:
  struct Instance {
    std::string name, version, range;
    std::vector<std::pair<Location, std::string>> stated;   // where the version (or range) is written, and how
    std::vector<std::pair<Location, std::string>> named;    // other lines that resolve to it
    bool runtime = false;   // some place installs it to run the project, not only to develop it
  };

  void collect() {
    for (const auto& fact : facts_) {
      if (fact.type == FactType::requirement_include) {
        includes_[fact.location.file].push_back({fact.props.value("kind", ""), fact.props.value("target", "")});
        continue;
      }
      if (fact.type != FactType::dependency || fact.props.value("url", false)) continue;
      Use use;
      use.fact = &fact;
      use.name = fact.props.value("name", "");
      if (fact.props.value("ecosystem", "") == "conda") {
        auto mapped = conda_names().find(use.name);
        if (mapped != conda_names().end()) use.name = mapped->second;
      }
      if (use.name.empty()) continue;
      use.file = fact.location.file;
      use.source = fact.props.value("source", "");
      use.pinned = fact.props.value("pinned", false);
      use.locked = fact.props.value("locked", false);
      use.development = fact.props.value("development", false);
      use.version = fact.props.value("version", "");
      use.range = fact.props.value("pep440", "");
      if (use.pinned && use.version.empty()) use.pinned = false;
      if (use.locked) locks_[use.file][use.name] = {use.version, fact.location};
      if (use.pinned) pins_[use.file][use.name] = {use.version, fact.location};
      uses_.push_back(std::move(use));
    }
    // A development group the project's own code imports from (sagemaker, scikit-learn in
    // Poetry's dev-dependencies) is the environment its scripts and notebooks run in: every
    // package of that folder's development groups counts as installed to run the project.
    ImportedPackages imported(facts_);
    std::set<std::string> working_environments;
    for (const Use& use : uses_)
      if (use.development && !use.locked && imported.imports(use.name))   // declared, not pulled in by a tool
        working_environments.insert(parent_folder(use.file));
    for (Use& use : uses_)
      if (use.development && working_environments.contains(parent_folder(use.file))) use.development = false;
    // Constraints files apply to the file that names them and to every file it includes.
    for (const auto& [file, entries] : includes_)
      for (const auto& [kind, target] : entries)
        if (kind == "constraints") {
          std::set<std::string> seen;
          apply_constraints(file, target, seen);
        }
  }

  void apply_constraints(const std::string& file, const std::string& constraints, std::set<std::string>& seen) {
    if (!seen.insert(file).second) return;
    constraints_of_[file].push_back(constraints);
    if (auto found = includes_.find(file); found != includes_.end())
      for (const auto& [kind, target] : found->second)
        if (kind == "requirements") apply_constraints(target, constraints, seen);
  }

  // The lock file that decides the versions of a manifest, if one was scanned.
  const std::map<std::string, Pin>* governing_lock(const Use& use, std::string& lock_file) const {
    std::vector<std::string> candidates;
    std::string folder = parent_folder(use.file);
    if (use.source == "pipfile") {
      candidates.push_back(in_folder(folder, "Pipfile.lock"));
    } else if (use.source == "pyproject" || use.source == "poetry") {
      candidates.push_back(in_folder(folder, "poetry.lock"));
      // uv workspaces keep one uv.lock at the workspace root.
      for (std::string up = folder;; up = parent_folder(up)) {
        candidates.push_back(in_folder(up, "uv.lock"));
        if (up.empty()) break;
      }
    }
    for (const auto& candidate : candidates)
      if (auto found = locks_.find(candidate); found != locks_.end()) {
        lock_file = candidate;
        return &found->second;
      }
    return nullptr;
  }

  void resolve() {
    for (const Use& use : uses_) {
      const Location& here = use.fact->location;
      if (use.pinned) {
        std::string how = use.locked ? "lock file" : use.source == "constraints" ? "constraints file" : "pinned";
        add_exact(use.name, use.version, here, how, true, use.development);
        continue;
      }
      if (auto constraints = constraints_of_.find(use.file); constraints != constraints_of_.end()) {
        const Pin* pin = nullptr;
        for (const auto& file : constraints->second)
          if (auto pins = pins_.find(file); pins != pins_.end())
            if (auto found = pins->second.find(use.name); found != pins->second.end()) pin = &found->second;
        if (pin) {
          add_exact(use.name, pin->version, here,
                    "names it; the constraints file " + place(pin->location) + " pins " + pin->version, false,
                    use.development);
          continue;
        }
      }
      std::string lock_file;
      if (const auto* lock = governing_lock(use, lock_file)) {
        if (auto found = lock->find(use.name); found != lock->end()) {
          add_exact(use.name, found->second.version, here,
                    "asks for " + (use.range.empty() ? std::string("any version") : use.range) + "; " + lock_file +
                        " locks " + found->second.version,
                    false, use.development);
          continue;
        }
      }
      if (use.range.empty() || !SpecifierSet::parse(use.range)) continue;
      Instance& instance = ranges_[use.name + " " + use.range];
      instance.name = use.name;
      instance.range = use.range;
      instance.runtime = instance.runtime || !use.development;
      instance.stated.push_back({here, "allows " + use.range});
    }
  }

  void mark_unreached(const Instance& instance, std::vector<MatchedAdvisory>& advisories) {
    if (!reach_) reach_.emplace(facts_);
    std::vector<std::string> manifests;
    for (const auto* places : {&instance.stated, &instance.named})
      for (const auto& [location, how] : *places) manifests.push_back(location.file);
    for (auto& advisory : advisories) {
      std::vector<std::string> ids{advisory.id};
      ids.insert(ids.end(), advisory.aliases.begin(), advisory.aliases.end());
      advisory.unreached_because = reach_->unreached_because(instance.name, ids, manifests).value_or("");
    }
  }

  void add_exact(const std::string& name, const std::string& version, const Location& location, const std::string& how,
                 bool states, bool development) {
    Instance& instance = exact_[version_key(name, version)];
    instance.name = name;
    instance.runtime = instance.runtime || !development;
    if (instance.version.empty()) instance.version = version;
    (states ? instance.stated : instance.named).push_back({location, how});
  }

  // The primary place and the related ones, in a stable order.
  std::pair<std::pair<Location, std::string>, std::vector<std::pair<Location, std::string>>> places(Instance& instance) {
    auto order = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::sort(instance.stated.begin(), instance.stated.end(), order);
    std::sort(instance.named.begin(), instance.named.end(), order);
    std::vector<std::pair<Location, std::string>> all = instance.stated;
    all.insert(all.end(), instance.named.begin(), instance.named.end());
    auto primary = all.front();
    all.erase(all.begin());
    return {primary, all};
  }

  AuditedPackage check_version(Instance& instance, std::vector<Fact>& facts) {
    auto [primary, related] = places(instance);
    AuditedPackage audited{instance.name, instance.version, "", primary.first, primary.second, {}, {}, {}, {}};
    audited.development_only = !instance.runtime;
    for (const auto& [location, how] : related) audited.also_at.push_back(location);
    auto version = Version::parse(instance.version);
    if (!version) {
      diagnostics_.push_back({DiagnosticLevel::note, "not-a-pep440-version", primary.first,
                                         "`" + instance.name + "` " + instance.version +
                                             " is not a PEP 440 version: not checked against advisories"});
      return audited;
    }
    auto advisories = database_.advisories_for(instance.name);
    VersionMatch match = match_version(advisories, instance.name, *version);
    if (match.groups.empty()) return audited;
    for (const auto& group : match.groups) audited.advisories.push_back(summarise(group));
    mark_unreached(instance, audited.advisories);
    audited.fix = match.fix;
    auto [severity, reason] = finding_severity(audited.advisories);
    audited.severity = severity;

    std::string fix_text;
    if (!match.fix) fix_text = "no release fixes all of them in the advisory data; replace the package or isolate it";
    else if (match.fix->after) fix_text = "upgrade past " + match.fix->version.str() + ", the last release the advisories name as affected";
    else fix_text = "upgrade to " + match.fix->text() + ", the lowest release that fixes all of them";
    Json related_json = Json::array();
    for (const auto& [location, how] : related) related_json.push_back(location_json(location, place(location) + " " + how));
    Json props = {{"name", instance.name},
                  {"version", instance.version},
                  {"kind", "version"},
                  {"manifest", primary.first.file},
                  {"scope", instance.runtime ? "runtime" : "development"},
                  {"scope_note", scope_note(instance.runtime)},
                  {"via", primary.second},
                  {"count", audited.advisories.size()},
                  {"count_text", count_text(audited.advisories.size())},
                  {"advisory_ids", advisory_ids(audited.advisories)},
                  {"advisory_labels", advisory_labels(audited.advisories)},
                  {"reach_note", reach_note(audited.advisories)},
                  {"headline", headline(audited.advisories)},
                  {"fix", match.fix ? match.fix->text() : std::string()},
                  {"fix_bound", match.fix ? match.fix->bound() : std::string()},
                  {"fix_text", fix_text},
                  {"severity", severity},
                  {"severity_reason", reason},
                  {"snapshot", database_.describe()},
                  {"advisories", advisories_json(audited.advisories)},
                  {"related_locations", related_json}};
    facts.push_back({FactType::vulnerable_dependency, primary.first, std::move(props)});
    return audited;
  }

  std::optional<AuditedPackage> check_range(Instance& instance, std::vector<Fact>& facts) {
    auto range = SpecifierSet::parse(instance.range);
    auto advisories = database_.advisories_for(instance.name);
    if (!range || advisories.empty()) return std::nullopt;
    RangeMatch match = match_range(advisories, instance.name, *range, database_.releases_for(instance.name));
    if (match.groups.empty()) return std::nullopt;
    auto [primary, related] = places(instance);
    AuditedPackage audited{instance.name, "", instance.range, primary.first, "range", {}, {}, match.safe_bound, {}};
    audited.development_only = !instance.runtime;
    for (const auto& [location, how] : related) audited.also_at.push_back(location);
    for (const auto& group : match.groups) audited.advisories.push_back(summarise(group));
    mark_unreached(instance, audited.advisories);
    auto [full, reason] = finding_severity(audited.advisories);
    // A range that admits a fixed release gives a fresh install that release: only an
    // environment resolved earlier is affected, so low. A range all of whose releases are
    // affected is as exposed as a pin of one of them: the advisory's own level.
    const bool fixed_release_admitted = match.safe_bound && match.bound_admitted;
    audited.severity = fixed_release_admitted ? "low" : full;
    std::string severity_reason =
        fixed_release_admitted
            ? "the range also admits releases free of them (" + match.safe_bound->bound() +
                  "), which a fresh install gets: low (a pin of an affected release would be " + full + ": " + reason + ")"
            : "every release the range admits is affected, as a pin of one would be: " + reason;

    std::string admitted;
    if (!match.vulnerable.empty()) {
      const auto& list = match.vulnerable;
      admitted = list.size() == 1 ? "release " + list.front().str()
                 : list.size() <= 3 ? "releases " + join_versions(list)
                                    : std::to_string(list.size()) + " affected releases (" + list.front().str() + " … " +
                                          list.back().str() + ")";
      if (match.admits_first_versions) admitted += " and earlier versions";
    } else {
      admitted = "affected versions";
    }
    std::string fix_text;
    if (!match.safe_bound) fix_text = "no release is free of them in the advisory data";
    else if (match.bound_admitted) fix_text = "require " + match.safe_bound->bound() + ", the lowest bound that keeps them all out";
    else fix_text = "no release the range admits is free of them: require " + match.safe_bound->bound();
    Json related_json = Json::array();
    for (const auto& [location, how] : related) related_json.push_back(location_json(location, place(location) + " " + how));
    Json props = {{"name", instance.name},
                  {"range", instance.range},
                  {"kind", "range"},
                  {"manifest", primary.first.file},
                  {"scope", instance.runtime ? "runtime" : "development"},
                  {"scope_note", scope_note(instance.runtime)},
                  {"admitted", admitted},
                  {"vulnerable_versions", versions_json(match.vulnerable)},
                  {"count", audited.advisories.size()},
                  {"count_text", count_text(audited.advisories.size())},
                  {"advisory_ids", advisory_ids(audited.advisories)},
                  {"advisory_labels", advisory_labels(audited.advisories)},
                  {"reach_note", reach_note(audited.advisories)},
                  {"headline", headline(audited.advisories)},
                  {"fix", match.safe_bound ? match.safe_bound->bound() : std::string()},
                  {"fix_text", fix_text},
                  {"severity", audited.severity},
                  {"severity_reason", severity_reason},
                  {"snapshot", database_.describe()},
                  {"advisories", advisories_json(audited.advisories)},
                  {"related_locations", related_json}};
    facts.push_back({FactType::vulnerable_dependency, primary.first, std::move(props)});
    return audited;
  }

  static std::string join_versions(const std::vector<Version>& versions) {
    std::string text;
    for (const auto& version : versions) text += (text.empty() ? "" : ", ") + version.str();
    return text;
  }

  static Json versions_json(const std::vector<Version>& versions) {
    Json list = Json::array();
    for (const auto& version : versions) list.push_back(version.str());
    return list;
  }

  static std::string advisory_ids(const std::vector<MatchedAdvisory>& advisories) {
    std::string text;
    for (const auto& advisory : advisories) text += (text.empty() ? "" : ", ") + advisory.id;
    return text;
  }

  void note_missing_data(DependencyAudit& audit) {
    std::map<std::string, std::set<std::string>> missing;   // manifest -> packages
    std::set<std::string> all;
    for (const Use& use : uses_)
      if (!database_.has_data_for(use.name)) {
        missing[use.file].insert(use.name);
        all.insert(use.name);
      }
    audit.without_data = all.size();
    constexpr size_t kListed = 30;
    for (const auto& [file, names] : missing) {
      std::string list;
      size_t shown = 0;
      for (const auto& name : names)
        if (++shown <= kListed) list += (list.empty() ? "" : ", ") + name;
      if (names.size() > kListed) list += " and " + std::to_string(names.size() - kListed) + " more";
      diagnostics_.push_back(
          {DiagnosticLevel::note, "no-advisory-data", Location{file},
           std::to_string(names.size()) + (names.size() == 1 ? " package has" : " packages have") +
               " no advisory data in " + database_.describe() + ": " + list +
               ". They were not checked for known vulnerabilities, which does not mean they have none "
               "(a newer OSV export can be given with --advisories)."});
    }
  }

  const AdvisoryDatabase& database_;
  std::vector<Fact>& facts_;
  std::vector<Diagnostic>& diagnostics_;
  std::optional<AdvisoryReach> reach_;   // built on first use, from the facts before the audit adds any
  std::vector<Use> uses_;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> includes_;   // file -> (kind, target)
  std::map<std::string, std::vector<std::string>> constraints_of_;                     // file -> constraints files
  std::map<std::string, std::map<std::string, Pin>> locks_;                            // lock file -> name -> pin
  std::map<std::string, std::map<std::string, Pin>> pins_;                             // file -> name -> pinned
  std::map<std::string, Instance> exact_, ranges_;
};

}  // namespace

DependencyAudit audit_dependencies(const AdvisoryDatabase& database, std::vector<Fact>& facts,
                                   std::vector<Diagnostic>& diagnostics) {
  return Auditor(database, facts, diagnostics).run();
}

}  // namespace mlaudit::advisories
