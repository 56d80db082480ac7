#include "advisories/advisory_match.h"

#include <algorithm>
#include <map>
#include <set>

namespace mlaudit::advisories {
namespace {

using pep440::Version;

bool point_less(const VersionPoint& a, const VersionPoint& b) {
  if (a.version != b.version) return a.version < b.version;
  return !a.just_above && b.just_above;
}

bool affects(const Advisory& advisory, const std::string& package, const VersionPoint& point) {
  const AffectedPackage* affected = advisory.for_package(package);
  return affected && affected->affects(point);
}

// Where an upgrade can land: every fixed version, and just above every last_affected one.
std::vector<VersionPoint> fix_points(const std::vector<const Advisory*>& advisories, const std::string& package) {
  std::vector<VersionPoint> points;
  for (const Advisory* advisory : advisories)
    if (const AffectedPackage* affected = advisory->for_package(package))
      for (const auto& events : affected->ranges)
        for (const auto& event : events) {
          if (event.kind == EventKind::fixed) points.push_back({*event.version, false});
          if (event.kind == EventKind::last_affected) points.push_back({*event.version, true});
        }
  std::sort(points.begin(), points.end(), point_less);
  points.erase(std::unique(points.begin(), points.end(),
                           [](const VersionPoint& a, const VersionPoint& b) { return !point_less(a, b) && !point_less(b, a); }),
               points.end());
  return points;
}

// The lowest fix point above `floor` that none of `against` affects.
std::optional<FixVersion> lowest_clear_above(const std::vector<VersionPoint>& points, const VersionPoint& floor,
                                             const std::vector<const Advisory*>& against, const std::string& package) {
  for (const auto& point : points) {
    if (!point_less(floor, point)) continue;
    bool clear = std::none_of(against.begin(), against.end(),
                              [&](const Advisory* advisory) { return affects(*advisory, package, point); });
    if (clear) return FixVersion{point.version, point.just_above};
  }
  return std::nullopt;
}

// Records linked by a shared id or alias form one group (union-find over identifiers).
std::vector<AdvisoryGroup> group(std::vector<const Advisory*> matched) {
  std::sort(matched.begin(), matched.end(), [](const Advisory* a, const Advisory* b) { return a->id < b->id; });
  std::vector<size_t> parent(matched.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::string, size_t> owner;
  for (size_t i = 0; i < matched.size(); ++i) {
    std::vector<std::string> names = matched[i]->aliases;
    names.push_back(matched[i]->id);
    for (const auto& name : names) {
      auto [found, inserted] = owner.emplace(name, i);
      if (!inserted) parent[find(i)] = find(found->second);
    }
  }
  std::map<size_t, AdvisoryGroup> groups;
  for (size_t i = 0; i < matched.size(); ++i) groups[find(i)].records.push_back(matched[i]);
  std::vector<AdvisoryGroup> result;
  for (auto& [root, entry] : groups) result.push_back(std::move(entry));
  std::sort(result.begin(), result.end(), [](const AdvisoryGroup& a, const AdvisoryGroup& b) {
    int rank_a = severity_rank(a.severity().level), rank_b = severity_rank(b.severity().level);
    if (rank_a != rank_b) return rank_a > rank_b;
    return a.id() < b.id();
  });
  return result;
}

}  // namespace

int severity_rank(const std::string& level) {
  if (level == "critical") return 4;
  if (level == "high") return 3;
  if (level == "medium") return 2;
  if (level == "low") return 1;
  return 0;
}

std::vector<std::string> AdvisoryGroup::aliases() const {
  std::set<std::string> names;
  for (const Advisory* record : records) {
    names.insert(record->id);
    names.insert(record->aliases.begin(), record->aliases.end());
  }
  names.erase(id());
  return {names.begin(), names.end()};
}

std::string AdvisoryGroup::summary() const {
  for (const Advisory* record : records)
    if (!record->summary.empty()) return record->summary;
  return {};
}

AdvisorySeverity AdvisoryGroup::severity() const {
  AdvisorySeverity best;
  for (const Advisory* record : records) {
    const AdvisorySeverity& candidate = record->severity;
    int rank = severity_rank(candidate.level), best_rank = severity_rank(best.level);
    if (rank > best_rank || (rank == best_rank && candidate.score > best.score)) best = candidate;
  }
  return best;
}

std::string FixVersion::text() const { return after ? "a release after " + version.str() : version.str(); }
std::string FixVersion::bound() const { return (after ? ">" : ">=") + version.str(); }

VersionMatch match_version(const std::vector<const Advisory*>& advisories, const std::string& package,
                           const Version& version) {
  VersionMatch match;
  VersionPoint point{version, false};
  std::vector<const Advisory*> matched;
  for (const Advisory* advisory : advisories)
    if (affects(*advisory, package, point)) matched.push_back(advisory);
  if (matched.empty()) return match;
  match.groups = group(matched);
  auto points = fix_points(advisories, package);
  match.fix = lowest_clear_above(points, point, advisories, package);
  match.fix_clear_of_all = match.fix.has_value();
  if (!match.fix) match.fix = lowest_clear_above(points, point, matched, package);
  return match;
}

RangeMatch match_range(const std::vector<const Advisory*>& advisories, const std::string& package,
                       const pep440::SpecifierSet& range, const std::vector<Version>& releases) {
  RangeMatch match;
  // The versions to test: releases named by the data, versions named by the range.
  std::vector<Version> known = releases;
  bool from_first = false;
  for (const Advisory* advisory : advisories)
    if (const AffectedPackage* affected = advisory->for_package(package)) {
      known.insert(known.end(), affected->parsed_versions.begin(), affected->parsed_versions.end());
      for (const auto& events : affected->ranges)
        for (const auto& event : events) {
          if (event.version) known.push_back(*event.version);
          else from_first = true;
        }
    }
  for (const auto& clause : range.specifiers()) {
    if (clause.version()) known.push_back(*clause.version());
    else if (clause.wildcard())
      if (auto prefix = Version::parse(std::string_view(clause.version_text()).substr(0, clause.version_text().size() - 2)))
        known.push_back(*prefix);
  }
  // Equal versions written differently ("1.10", "1.10.0") count once, as the data writes them.
  std::stable_sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  std::set<const Advisory*> allowing;
  auto test = [&](const Version& candidate) {
    if (!range.contains(candidate)) return false;
    bool hit = false;
    for (const Advisory* advisory : advisories)
      if (affects(*advisory, package, {candidate, false})) allowing.insert(advisory), hit = true;
    return hit;
  };
  for (const auto& candidate : known)
    if (test(candidate)) match.vulnerable.push_back(candidate);
  static const Version first = *Version::parse("0");
  if (from_first && (known.empty() || first < known.front()) && test(first)) match.admits_first_versions = true;
  if (allowing.empty()) return match;
  match.groups = group({allowing.begin(), allowing.end()});

  VersionPoint floor{match.vulnerable.empty() ? first : match.vulnerable.back(), false};
  auto points = fix_points(advisories, package);
  match.safe_bound = lowest_clear_above(points, floor, advisories, package);
  if (!match.safe_bound)
    match.safe_bound = lowest_clear_above(points, floor, {allowing.begin(), allowing.end()}, package);
  if (match.safe_bound && !match.safe_bound->after) match.bound_admitted = range.contains(match.safe_bound->version);
  return match;
}

}  // namespace mlaudit::advisories
