#pragma once
// The ids a rule cites, by family, and the one table of those families: CWE, STRIDE,
// GDPR, EU AI Act, MITRE ATLAS and OWASP ML Top 10. The rule loader, the catalogs and
// every report go through taxon_families() / for_each_taxon, so a new family is one row.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct Taxonomy {
  std::vector<int> cwe;
  std::string stride;          // spoofing, tampering, repudiation, information-disclosure,
                               // denial-of-service, elevation-of-privilege
  std::string stride_element;  // external_entity, process, data_store, data_flow
  std::vector<std::string> gdpr, ai_act, atlas, owasp_ml;
};

struct TaxonFamily {
  std::string_view key;        // the rule's taxonomy key and the catalog threat-models/<key>.yml
  std::string_view sarif_tag;  // SARIF tag prefix: "external/cwe/cwe-", "stride/", ...
  std::string_view label;      // what a reader sees: "CWE-", "GDPR", ...
  bool label_shows_id;         // "CWE-502", "ATLAS AML.T0010"; GDPR articles and STRIDE categories go by name
  bool framework;              // a regulation or framework the report's overview counts citations of
  std::vector<std::string> Taxonomy::*ids = nullptr;  // where a rule keeps them (CWE and STRIDE: see for_each_taxon)
  std::string label_of(const std::string& id) const {
    return label_shows_id ? std::string(label) + id : std::string(label);
  }
};

// In the order reports list them.
std::span<const TaxonFamily> taxon_families();

// Calls visit(family, id) for every id `taxonomy` cites, family by family in table order.
template <typename Visit>
void for_each_taxon(const Taxonomy& taxonomy, Visit&& visit) {
  for (const TaxonFamily& family : taxon_families()) {
    if (family.key == "cwe") {
      for (int id : taxonomy.cwe) visit(family, std::to_string(id));
    } else if (family.key == "stride") {
      visit(family, taxonomy.stride);
    } else {
      for (const auto& id : taxonomy.*family.ids) visit(family, id);
    }
  }
}

}  // namespace mlaudit
