#pragma once
// The report's first screen for a reader who is not an engineer: a release decision, what to
// fix first and who acts, and the GDPR status. Computed from the findings and the privacy
// record the pipeline produced; nothing here looks at the project again.
#include <string>
#include <vector>

#include "pipeline/scan.h"
#include "pipeline/scan_summary.h"

namespace mlaudit {

// Who acts on a rule's findings: the data protection officer for GDPR and AI Act rules,
// engineering for everything else.
enum class Owner { engineering, dpo };
Owner owner_of(const Rule& rule);
std::string_view to_string(Owner owner);

// The kind a reader filters by: security, GDPR or AI Act (the rule's pack).
std::string_view kind_of(const Rule& rule);

// Unsuppressed findings of one rule, worst severity first.
struct RuleGroup {
  const Rule* rule = nullptr;
  Severity worst = Severity::info;
  std::vector<const Finding*> findings;
};
// Ordered by worst severity, then number of findings, then rule id.
std::vector<RuleGroup> group_by_rule(const ScanResult& result);

struct ReleaseDecision {
  std::string decision;   // Block, Review or Pass
  std::string line;       // "Block: 3 critical, 12 high; 2 need the DPO."
  std::string css_class;  // bad, (none), ok
};
ReleaseDecision release_decision(const ScanSummary& summary, const std::vector<RuleGroup>& groups);

// The groups to act on first: up to `limit` groups of medium severity or worse.
std::vector<const RuleGroup*> fix_first(const std::vector<RuleGroup>& groups, size_t limit = 5);

// One cell of the GDPR status strip: what is asked, the answer, and whether it needs action.
struct StatusCell {
  std::string label, value;
  bool attention = false;
};
std::vector<StatusCell> gdpr_status(const PrivacyRecord& record);

}  // namespace mlaudit
