#include "ruleset/taxonomy.h"

namespace mlaudit {

std::span<const TaxonFamily> taxon_families() {
  static constexpr TaxonFamily kFamilies[] = {
      {"cwe", "external/cwe/cwe-", "CWE-", true, false},
      {"stride", "stride/", "STRIDE", false, false},
      {"gdpr", "gdpr/", "GDPR", false, true, &Taxonomy::gdpr},
      {"ai_act", "ai-act/", "AI Act", false, true, &Taxonomy::ai_act},
      {"atlas", "atlas/", "ATLAS ", true, true, &Taxonomy::atlas},
      {"owasp_ml", "owasp-ml/", "OWASP ", true, true, &Taxonomy::owasp_ml},
  };
  return kFamilies;
}

}  // namespace mlaudit
