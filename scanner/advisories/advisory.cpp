#include "advisories/advisory.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "advisories/cvss.h"
#include "util/text.h"
#include "util/utf8.h"

namespace mlaudit::advisories {
namespace {

using pep440::Version;

std::string string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto found = object.find(key);
  if (found == object.end()) return {};
  if (found->is_string()) return found->get<std::string>();
  if (found->is_number()) return found->dump();
  return {};
}

const nlohmann::json* array_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? &*found : nullptr;
}

std::optional<EventKind> event_kind(std::string_view name) {
  if (name == "introduced") return EventKind::introduced;
  if (name == "fixed") return EventKind::fixed;
  if (name == "last_affected") return EventKind::last_affected;
  if (name == "limit") return EventKind::limit;
  return std::nullopt;
}

std::string_view event_name(EventKind kind) {
  switch (kind) {
    case EventKind::introduced: return "introduced";
    case EventKind::fixed: return "fixed";
    case EventKind::last_affected: return "last_affected";
    case EventKind::limit: return "limit";
  }
  return "introduced";
}

std::optional<RangeEvent> make_event(EventKind kind, const std::string& text, std::string& problem) {
  RangeEvent event{kind, text, std::nullopt};
  if (kind == EventKind::introduced && text == "0") return event;
  event.version = Version::parse(text);
  if (!event.version) {
    problem = "'" + text + "' is not a PEP 440 version";
    return std::nullopt;
  }
  return event;
}

// OSV: events are evaluated in version order ("0" first); ties keep their written order.
void sort_events(std::vector<RangeEvent>& events) {
  std::stable_sort(events.begin(), events.end(), [](const RangeEvent& a, const RangeEvent& b) {
    if (!a.version || !b.version) return !a.version && b.version.has_value();
    return *a.version < *b.version;
  });
}

void parse_listed_versions(AffectedPackage& package) {
  package.parsed_versions.clear();
  for (const auto& text : package.versions)
    if (auto version = Version::parse(text)) package.parsed_versions.push_back(std::move(*version));
}

std::string level_from_database(std::string text) {
  text = to_lower(trim(text));
  if (text == "moderate") return "medium";
  if (text == "critical" || text == "high" || text == "medium" || text == "low") return text;
  return {};
}

AdvisorySeverity read_severity(const nlohmann::json& record) {
  std::optional<cvss::Score> v3, v2;
  std::string v3_vector, v2_vector, v4_vector;
  if (const auto* entries = array_at(record, "severity")) {
    for (const auto& entry : *entries) {
      std::string type = string_at(entry, "type"), vector = string_at(entry, "score");
      if (type == "CVSS_V3" && !v3) {
        v3 = cvss::score(vector);
        v3_vector = vector;
      } else if (type == "CVSS_V2" && !v2) {
        v2 = cvss::score(vector);
        v2_vector = vector;
      } else if (type == "CVSS_V4" && v4_vector.empty()) {
        v4_vector = vector;
      }
    }
  }
  AdvisorySeverity severity;
  if (v3) return {v3->rating, v3->base, v3_vector, "CVSS " + v3->version};
  std::string database = level_from_database(string_at(record.value("database_specific", nlohmann::json::object()), "severity"));
  if (database.empty())
    if (const auto* affected = array_at(record, "affected"))
      for (const auto& entry : *affected) {
        for (const char* section : {"database_specific", "ecosystem_specific"}) {
          auto found = entry.find(section);
          if (database.empty() && found != entry.end()) database = level_from_database(string_at(*found, "severity"));
        }
      }
  if (!database.empty()) return {database, -1, v4_vector, "database rating"};
  if (v2) return {v2->rating, v2->base, v2_vector, "CVSS " + v2->version};
  if (!v4_vector.empty()) return {"", -1, v4_vector, "CVSS 4.0 (not scored)"};
  return severity;
}

bool at_or_above(const VersionPoint& point, const Version& version) { return point.version >= version; }
bool above(const VersionPoint& point, const Version& version) {
  return point.just_above ? point.version >= version : point.version > version;
}

}  // namespace

// The reader itself; from_osv turns its JSON type errors into a problem.
static std::optional<Advisory> read_osv(const nlohmann::json& record, std::string& problem);

std::string AdvisorySeverity::label() const {
  if (level.empty()) return "severity not given";
  if (score < 0) return level;
  char text[16];
  std::snprintf(text, sizeof text, " %.1f", score);
  return level + text;
}

bool AffectedPackage::affects(const VersionPoint& point) const {
  if (!point.just_above)
    for (const auto& listed : parsed_versions)
      if (listed == point.version) return true;
  for (const auto& events : ranges) {
    bool affected = false;
    for (const auto& event : events) {
      switch (event.kind) {
        case EventKind::introduced:
          if (!event.version || at_or_above(point, *event.version)) affected = true;
          break;
        case EventKind::fixed:
        case EventKind::limit:
          if (at_or_above(point, *event.version)) affected = false;
          break;
        case EventKind::last_affected:
          if (above(point, *event.version)) affected = false;
          break;
      }
    }
    if (affected) return true;
  }
  return false;
}

const AffectedPackage* Advisory::for_package(const std::string& name) const {
  for (const auto& package : affected)
    if (package.name == name) return &package;
  return nullptr;
}

std::string summary_from_details(std::string_view details, size_t limit) {
  std::string text;
  for (auto line : split_lines(details)) {
    auto trimmed = trim(line);
    if (trimmed.empty() || trimmed.starts_with("#") || trimmed.starts_with("```") || trimmed.starts_with("![")) {
      if (!text.empty() && trimmed.empty()) break;   // first paragraph only
      continue;
    }
    text += (text.empty() ? "" : " ") + std::string(trimmed);
  }
  std::string cleaned;
  for (char c : text)
    if (c != '*' && c != '`') cleaned += (static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  // Whole sentences (a period, a space, an upper-case letter) until there are 80 characters:
  // details often open with a line about the product ("Flask is a web framework.").
  for (size_t i = 80; i + 2 < cleaned.size(); ++i)
    if (cleaned[i] == '.' && cleaned[i + 1] == ' ' && std::isupper(static_cast<unsigned char>(cleaned[i + 2]))) {
      cleaned.resize(i + 1);
      break;
    }
  return truncate_utf8(escape_invalid_utf8(cleaned), limit);
}

std::optional<Advisory> from_osv(const nlohmann::json& record, std::string& problem) {
  try {
    return read_osv(record, problem);
  } catch (const nlohmann::json::exception& error) {
    problem = std::string("malformed OSV record: ") + error.what();
    return std::nullopt;
  }
}

static std::optional<Advisory> read_osv(const nlohmann::json& record, std::string& problem) {
  problem.clear();
  if (!record.is_object()) {
    problem = "not an OSV record (expected an object)";
    return std::nullopt;
  }
  Advisory advisory;
  advisory.id = string_at(record, "id");
  if (advisory.id.empty()) {
    problem = "OSV record without an id";
    return std::nullopt;
  }
  if (!string_at(record, "withdrawn").empty()) return std::nullopt;
  if (const auto* aliases = array_at(record, "aliases"))
    for (const auto& alias : *aliases)
      if (alias.is_string()) advisory.aliases.push_back(alias.get<std::string>());
  advisory.summary = truncate_utf8(escape_invalid_utf8(string_at(record, "summary")), 200);
  if (advisory.summary.empty()) advisory.summary = summary_from_details(string_at(record, "details"));
  advisory.published = string_at(record, "published");
  advisory.modified = string_at(record, "modified");
  advisory.severity = read_severity(record);
  if (const auto* affected = array_at(record, "affected")) {
    for (const auto& entry : *affected) {
      if (!entry.is_object()) continue;
      const nlohmann::json package = entry.value("package", nlohmann::json::object());
      if (to_lower(string_at(package, "ecosystem")) != "pypi") continue;
      AffectedPackage target;
      target.name = normalise_package_name(string_at(package, "name"));
      if (target.name.empty()) continue;
      if (const auto* ranges = array_at(entry, "ranges"))
        for (const auto& range : *ranges) {
          if (string_at(range, "type") != "ECOSYSTEM") continue;   // GIT ranges name commits, not releases
          std::vector<RangeEvent> events;
          bool usable = true;
          if (const auto* list = array_at(range, "events"))
            for (const auto& event : *list)
              for (const auto& [key, value] : event.items())
                if (auto kind = event_kind(key)) {
                  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
                  std::string why;
                  if (auto made = make_event(*kind, text, why)) events.push_back(std::move(*made));
                  else usable = false, problem = advisory.id + ": " + why + "; that range is ignored";
                }
          if (!usable || events.empty()) continue;
          sort_events(events);
          target.ranges.push_back(std::move(events));
        }
      if (const auto* versions = array_at(entry, "versions"))
        for (const auto& version : *versions)
          if (version.is_string()) target.versions.push_back(version.get<std::string>());
      parse_listed_versions(target);
      if (target.ranges.empty() && target.versions.empty()) continue;
      advisory.affected.push_back(std::move(target));
    }
  }
  if (advisory.affected.empty()) return std::nullopt;
  if (const auto* references = array_at(record, "references"))
    for (const auto& reference : *references) {
      std::string url = string_at(reference, "url");
      if (!url.empty()) advisory.references.push_back({string_at(reference, "type"), url});
    }
  return advisory;
}

nlohmann::ordered_json to_compact(const Advisory& advisory) {
  nlohmann::ordered_json line = {{"id", advisory.id}, {"aliases", advisory.aliases}, {"summary", advisory.summary}};
  if (!advisory.published.empty()) line["published"] = advisory.published;
  if (!advisory.modified.empty()) line["modified"] = advisory.modified;
  if (!advisory.severity.level.empty() || !advisory.severity.vector.empty()) {
    nlohmann::ordered_json severity = {{"level", advisory.severity.level}, {"source", advisory.severity.source}};
    if (advisory.severity.score >= 0) severity["score"] = advisory.severity.score;
    if (!advisory.severity.vector.empty()) severity["vector"] = advisory.severity.vector;
    line["severity"] = std::move(severity);
  }
  nlohmann::ordered_json affected = nlohmann::ordered_json::array();
  for (const auto& package : advisory.affected) {
    nlohmann::ordered_json ranges = nlohmann::ordered_json::array();
    for (const auto& events : package.ranges) {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const auto& event : events) list.push_back({std::string(event_name(event.kind)), event.text});
      ranges.push_back(std::move(list));
    }
    nlohmann::ordered_json entry = {{"package", package.name}, {"ranges", std::move(ranges)}};
    if (!package.versions.empty()) entry["versions"] = package.versions;
    affected.push_back(std::move(entry));
  }
  line["affected"] = std::move(affected);
  nlohmann::ordered_json references = nlohmann::ordered_json::array();
  for (const auto& reference : advisory.references) references.push_back({reference.type, reference.url});
  line["references"] = std::move(references);
  return line;
}

std::optional<Advisory> from_compact(const nlohmann::json& line, std::string& problem) {
  problem.clear();
  try {
    Advisory advisory;
    advisory.id = line.at("id").get<std::string>();
    advisory.aliases = line.value("aliases", std::vector<std::string>{});
    advisory.summary = line.value("summary", "");
    advisory.published = line.value("published", "");
    advisory.modified = line.value("modified", "");
    if (auto found = line.find("severity"); found != line.end()) {
      advisory.severity.level = found->value("level", "");
      advisory.severity.source = found->value("source", "");
      advisory.severity.score = found->value("score", -1.0);
      advisory.severity.vector = found->value("vector", "");
    }
    for (const auto& entry : line.at("affected")) {
      AffectedPackage package;
      package.name = normalise_package_name(entry.at("package").get<std::string>());
      for (const auto& range : entry.at("ranges")) {
        std::vector<RangeEvent> events;
        for (const auto& pair : range) {
          auto kind = event_kind(pair.at(0).get<std::string>());
          if (!kind) throw std::runtime_error("unknown event kind " + pair.at(0).dump());
          auto event = make_event(*kind, pair.at(1).get<std::string>(), problem);
          if (!event) throw std::runtime_error(problem);
          events.push_back(std::move(*event));
        }
        sort_events(events);
        package.ranges.push_back(std::move(events));
      }
      package.versions = entry.value("versions", std::vector<std::string>{});
      parse_listed_versions(package);
      advisory.affected.push_back(std::move(package));
    }
    for (const auto& reference : line.value("references", nlohmann::json::array()))
      advisory.references.push_back({reference.at(0).get<std::string>(), reference.at(1).get<std::string>()});
    return advisory;
  } catch (const std::exception& error) {
    problem = std::string("not a compact advisory: ") + error.what();
    return std::nullopt;
  }
}

}  // namespace mlaudit::advisories
