#pragma once
// Which advisories affect a dependency, and what to upgrade to.
//  - An exact version (pinned, locked or constrained) is affected by an advisory when OSV's
//    rules say so (advisory.h). The upgrade advice is the lowest version that none of the
//    matching advisories affects, and, when there is one, that no advisory of the package
//    affects at all: never a fix that lands on another known vulnerability.
//  - A range "allows" an advisory when a version it admits (by PEP 440, pre-releases
//    excluded unless it names one) is affected: the versions tested are every release the
//    advisory data names for the package (listed affected versions, range boundaries), the
//    versions the range names itself, and the first version when a range starts at "0".
//    The safe bound is the lowest version above every allowed vulnerable one that is
//    free of them.
// Records that describe the same vulnerability (one's id among another's aliases, as
// PYSEC and GHSA records of one CVE) are grouped and reported once.
#include <optional>
#include <string>
#include <vector>

#include "advisories/advisory.h"
#include "pep440/specifier.h"

namespace mlaudit::advisories {

struct AdvisoryGroup {
  std::vector<const Advisory*> records;   // sorted by id

  const std::string& id() const { return records.front()->id; }
  std::vector<std::string> aliases() const;   // every other id and alias of the group, sorted
  std::string summary() const;
  AdvisorySeverity severity() const;          // the highest of the records'
};

// critical 4, high 3, medium 2, low 1, unknown 0.
int severity_rank(const std::string& level);

struct FixVersion {
  pep440::Version version;
  bool after = false;   // "any release after version" (the advisory names its last affected release)
  std::string text() const;   // "2.6.0" or "a release after 2.5.1"
  std::string bound() const;  // ">=2.6.0" or ">2.5.1"
};

struct VersionMatch {
  std::vector<AdvisoryGroup> groups;    // highest severity first, then by id
  std::optional<FixVersion> fix;        // nullopt: no release fixes them all (yet)
  bool fix_clear_of_all = false;        // the fix is affected by no advisory of the package
};

struct RangeMatch {
  std::vector<AdvisoryGroup> groups;
  std::vector<pep440::Version> vulnerable;   // known releases the range admits that are affected
  bool admits_first_versions = false;        // it also admits affected versions before any known release
  std::optional<FixVersion> safe_bound;
  bool bound_admitted = false;               // the range itself admits the safe bound
};

// `advisories` are those of `package` (AdvisoryDatabase::advisories_for).
VersionMatch match_version(const std::vector<const Advisory*>& advisories, const std::string& package,
                           const pep440::Version& version);
// `releases`: the versions of the package the data knows to exist (AdvisoryDatabase::releases_for).
RangeMatch match_range(const std::vector<const Advisory*>& advisories, const std::string& package,
                       const pep440::SpecifierSet& range, const std::vector<pep440::Version>& releases = {});

}  // namespace mlaudit::advisories
