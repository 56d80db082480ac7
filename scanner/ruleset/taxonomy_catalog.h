#pragma once
// The catalogs rules cite (threat-models/*.yml): CWE, STRIDE, GDPR, EU AI Act,
// MITRE ATLAS and OWASP ML Top 10 entries with their names and links.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlaudit {

struct TaxonomyEntry {
  std::string id;            // "502", "spoofing", "art-32", "AML.T0010", "ML06"
  std::string name;
  std::string url;
  std::string description;
};

struct TaxonomyCatalog {
  std::string key;           // cwe, stride, gdpr, ai_act, atlas, owasp_ml
  std::string name;          // "CWE", "STRIDE", ...
  std::string organization;
  std::string version;
  std::string information_uri;
  std::vector<TaxonomyEntry> entries;
  const TaxonomyEntry* find(const std::string& id) const;
};

class TaxonomyCatalogs {
 public:
  static const TaxonomyCatalogs& embedded();
  const TaxonomyCatalog* catalog(const std::string& key) const;
  const std::vector<TaxonomyCatalog>& all() const { return catalogs_; }

 private:
  std::vector<TaxonomyCatalog> catalogs_;
};

}  // namespace mlaudit
