#pragma once
// Checks the project's Python dependencies against the advisory data, across manifests:
//  - the version a line stands for: pinned there; else pinned by a constraints file that
//    applies to it (-c, also through -r includes); else resolved by the lock file that
//    governs its manifest (poetry.lock / uv.lock for pyproject.toml, Pipfile.lock for
//    Pipfile): a lock file's exact version wins over the manifest's range;
//  - one vulnerable_dependency fact per package@version with every matching advisory,
//    located on the line that states the version, the other lines as related places;
//  - one per package and range that admits affected versions ("allows", kind "range");
//  - a note per manifest listing the packages the advisory data knows nothing about, so
//    their absence from the findings is not read as "clean".
#include <optional>
#include <string>
#include <vector>

#include "advisories/advisory_database.h"
#include "advisories/advisory_match.h"
#include "facts/diagnostic.h"
#include "facts/fact.h"

namespace mlaudit::advisories {

// What a finding and the BOM say about one advisory (a group of records of one vulnerability).
struct MatchedAdvisory {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  AdvisorySeverity severity;
  std::vector<std::string> urls;   // ADVISORY references first
  std::string unreached_because;   // why the project cannot reach its vulnerable code (advisory-reach.yml); empty: it may
};

struct AuditedPackage {
  std::string name;                     // PyPI name, PEP 503 normalised
  std::string version;                  // the exact version; empty for a range
  std::string range;                    // the PEP 440 range, when no version is known
  Location location;                    // the line that states the version or range
  std::string via;                      // "pinned", "lock file", "constraints file"
  std::vector<Location> also_at;        // other lines that name it
  std::vector<MatchedAdvisory> advisories;
  std::optional<FixVersion> fix;        // the lowest version fixing all (a range: the safe lower bound)
  std::string severity;                 // of the finding; empty when nothing matched
  bool development_only = false;        // every place that installs it is a dev / test / docs one
};

struct DependencyAudit {
  std::string snapshot;                 // the advisory data used (AdvisoryDatabase::describe)
  std::vector<AuditedPackage> packages; // every package@version used, and every range with advisories
  size_t without_data = 0;              // distinct packages the data has no advisory for
};

// Reads the dependency and requirement_include facts; appends vulnerable_dependency facts
// to `facts` and no-advisory-data notes to `diagnostics`.
DependencyAudit audit_dependencies(const AdvisoryDatabase& database, std::vector<Fact>& facts,
                                   std::vector<Diagnostic>& diagnostics);

}  // namespace mlaudit::advisories
