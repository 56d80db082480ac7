#pragma once
// Curated, dated advisory lists of known-vulnerable package versions
// (threat-models/advisories/*.yml), read by the `advisory` rule condition.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct PackageAdvisory {
  std::string package;            // normalised name
  std::string id;                 // CVE or GHSA id
  std::vector<std::string> affected;  // version clauses that must all hold, e.g. {">=2.0", "<2.6.0"}
  std::string fixed;
  std::string summary;
};

class AdvisoryCatalogs {
 public:
  static AdvisoryCatalogs load_embedded();
  void add(std::string name, std::string reviewed, std::vector<PackageAdvisory> advisories);

  std::vector<const PackageAdvisory*> affecting(const std::string& catalog, const std::string& package,
                                                const std::string& version) const;
  std::string reviewed(const std::string& catalog) const;
  const std::map<std::string, std::vector<PackageAdvisory>>& catalogs() const { return catalogs_; }

 private:
  std::map<std::string, std::vector<PackageAdvisory>> catalogs_;
  std::map<std::string, std::string> reviewed_;
};

// PEP 440-style comparison of release versions: -1, 0, 1. Pre-releases (a, b, rc, dev)
// sort before their release; post-releases after.
int compare_versions(std::string_view a, std::string_view b);
// Whether `version` satisfies a clause such as "<2.6.0", ">=1.0", "==1.2.3".
bool version_satisfies(std::string_view version, std::string_view clause);

}  // namespace mlaudit
