#pragma once
// One vulnerability advisory as mlaudit keeps it: what an OSV record says about PyPI
// packages (ids, affected ECOSYSTEM ranges and listed versions, severity, references).
// OSV's own semantics decide what is affected: a version is affected when it is listed
// or when, walking a range's events in version order, the last event at or below it is
// an `introduced` (a `last_affected` event ends the range just above its version).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "facts/package_name.h"
#include "pep440/version.h"

namespace mlaudit::advisories {

enum class EventKind { introduced, fixed, last_affected, limit };

struct RangeEvent {
  EventKind kind = EventKind::introduced;
  std::string text;                        // as written; "0" for "from the first release"
  std::optional<pep440::Version> version;  // nullopt only for introduced "0"
};

// A point on the version line: a version, or "just above" it (what lies between X and
// the next release, where a range that ends with last_affected X stops).
struct VersionPoint {
  pep440::Version version;
  bool just_above = false;
};

struct AffectedPackage {
  std::string name;                                 // PEP 503 normalised
  std::vector<std::vector<RangeEvent>> ranges;      // ECOSYSTEM ranges, events in version order
  std::vector<std::string> versions;                // listed versions, as written
  std::vector<pep440::Version> parsed_versions;     // those of them that are PEP 440 versions

  bool affects(const VersionPoint& point) const;
};

struct AdvisorySeverity {
  std::string level;    // critical, high, medium, low; empty when the record gives none
  double score = -1;    // CVSS base score; -1 when none was computed
  std::string vector;   // the CVSS vector it came from, if any
  std::string source;   // "CVSS 3.1", "CVSS 2.0", "database rating", ...

  std::string label() const;   // "high 8.1", "critical", or "severity not given"
};

struct Reference {
  std::string type, url;
};

struct Advisory {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  std::string published, modified;
  AdvisorySeverity severity;
  std::vector<AffectedPackage> affected;   // PyPI entries only
  std::vector<Reference> references;

  const AffectedPackage* for_package(const std::string& name) const;
};

// Reads one OSV record (JSON, or YAML already turned into JSON with every scalar a
// string). nullopt with `problem` set when it is not usable; a withdrawn record or one
// without PyPI entries returns nullopt with `problem` empty.
std::optional<Advisory> from_osv(const nlohmann::json& record, std::string& problem);

// The compact form embedded in the binary and written by `mlaudit advisories import`:
// one JSON object a line, OSV field names, events as [kind, version] pairs.
nlohmann::ordered_json to_compact(const Advisory& advisory);
std::optional<Advisory> from_compact(const nlohmann::json& line, std::string& problem);

// A short summary from an OSV `details` text: its first sentence, without Markdown, at most
// `limit` bytes.
std::string summary_from_details(std::string_view details, size_t limit = 200);

}  // namespace mlaudit::advisories
