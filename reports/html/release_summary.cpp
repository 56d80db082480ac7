#include "reports/html/release_summary.h"

#include <algorithm>
#include <map>

#include "personal/category_catalog.h"

namespace mlaudit {

Owner owner_of(const Rule& rule) {
  return rule.pack == "gdpr" || rule.pack == "ai-act" ? Owner::dpo : Owner::engineering;
}

std::string_view to_string(Owner owner) { return owner == Owner::dpo ? "DPO" : "engineering"; }

std::string_view kind_of(const Rule& rule) {
  if (rule.pack == "gdpr") return "gdpr";
  if (rule.pack == "ai-act") return "ai-act";
  return "security";
}

std::vector<RuleGroup> group_by_rule(const ScanResult& result) {
  std::map<const Rule*, RuleGroup> by_rule;
  for (const auto& finding : result.findings) {
    if (finding.suppression) continue;
    RuleGroup& group = by_rule[finding.rule];
    group.rule = finding.rule;
    group.worst = std::max(group.worst, finding.severity);
    group.findings.push_back(&finding);
  }
  std::vector<RuleGroup> groups;
  for (auto& [rule, group] : by_rule) {
    std::stable_sort(group.findings.begin(), group.findings.end(),
                     [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
    groups.push_back(std::move(group));
  }
  std::sort(groups.begin(), groups.end(), [](const RuleGroup& a, const RuleGroup& b) {
    if (a.worst != b.worst) return a.worst > b.worst;
    if (a.findings.size() != b.findings.size()) return a.findings.size() > b.findings.size();
    return a.rule->id < b.rule->id;
  });
  return groups;
}

ReleaseDecision release_decision(const ScanSummary& summary, const std::vector<RuleGroup>& groups) {
  auto count = [&](Severity severity) {
    auto found = summary.by_severity.find(severity);
    return found == summary.by_severity.end() ? size_t{0} : found->second;
  };
  size_t for_dpo = 0;
  for (const auto& group : groups)
    if (owner_of(*group.rule) == Owner::dpo) for_dpo += group.findings.size();
  std::string dpo = for_dpo ? "; " + std::to_string(for_dpo) + " need the DPO" : "";
  ReleaseDecision decision;
  size_t critical = count(Severity::critical), high = count(Severity::high), medium = count(Severity::medium);
  if (critical + high > 0) {
    decision.decision = "Block";
    decision.css_class = "bad";
    std::string counts;
    if (critical) counts = std::to_string(critical) + " critical";
    if (high) counts += (counts.empty() ? "" : ", ") + std::to_string(high) + " high";
    decision.line = "Block: " + counts + dpo + ".";
  } else if (medium > 0) {
    decision.decision = "Review";
    decision.line = "Review: no critical or high findings, " + std::to_string(medium) + " medium" + dpo + ".";
  } else {
    decision.decision = "Pass";
    decision.css_class = "ok";
    decision.line = "Pass: nothing above low severity" + dpo + ".";
  }
  return decision;
}

std::vector<const RuleGroup*> fix_first(const std::vector<RuleGroup>& groups, size_t limit) {
  std::vector<const RuleGroup*> first;
  for (const auto& group : groups)
    if (group.worst >= Severity::medium && first.size() < limit) first.push_back(&group);
  return first;
}

std::vector<StatusCell> gdpr_status(const PrivacyRecord& record) {
  std::vector<StatusCell> cells;
  if (!record.holds_personal_data) {
    cells.push_back({"Personal data", "none found by the scan", false});
    return cells;
  }
  StatusCell dpia{"DPIA (Art. 35)", "", false};
  if (record.dpia_met >= 2 && record.dpia_reference.empty()) {
    dpia.value = "needed, none declared (" + std::to_string(record.dpia_met) + " of 9 screening criteria met)";
    dpia.attention = true;
  } else if (record.dpia_met >= 2) {
    dpia.value = "needed, declared: " + record.dpia_reference;
  } else {
    dpia.value = "not presumed (" + std::to_string(record.dpia_met) + " of 9 criteria met); file the screening";
  }
  cells.push_back(dpia);

  std::vector<std::string> special;
  for (const auto& dataset : record.datasets)
    for (const auto& category : dataset.special_categories)
      if (std::find(special.begin(), special.end(), category) == special.end()) special.push_back(category);
  StatusCell special_cell{"Special-category data (Art. 9)", "none found", !special.empty()};
  if (!special.empty()) {
    special_cell.value = "present: ";
    for (size_t i = 0; i < special.size(); ++i)
      special_cell.value += (i ? ", " : "") + personal::CategoryCatalog::get().label_of(special[i]);
  }
  cells.push_back(special_cell);

  size_t without_basis = std::count_if(record.datasets.begin(), record.datasets.end(),
                                       [](const PersonalDataset& dataset) { return dataset.lawful_basis.empty(); });
  cells.push_back({"Datasets without a lawful basis (Art. 6)",
                   std::to_string(without_basis) + " of " + std::to_string(record.datasets.size()), without_basis > 0});

  size_t unknown_region = std::count_if(record.transfers.begin(), record.transfers.end(),
                                        [](const Transfer& transfer) { return transfer.outside_eea == "unknown"; });
  cells.push_back({"Recipients with unknown region (Art. 44)",
                   std::to_string(unknown_region) + " of " + std::to_string(record.transfers.size()), unknown_region > 0});
  return cells;
}

}  // namespace mlaudit
