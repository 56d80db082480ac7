// STRIDE per element: every category that applies to an element kind has a rule.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ruleset/rule_loader.h"

namespace mlaudit {
namespace {

TEST(StrideCoverage, EveryApplicableCategoryHasARule) {
  const std::map<std::string, std::set<std::string>> applicable = {
      {"external_entity", {"spoofing", "repudiation"}},
      {"process", {"spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service",
                   "elevation-of-privilege"}},
      {"data_store", {"tampering", "repudiation", "information-disclosure", "denial-of-service"}},
      {"data_flow", {"tampering", "information-disclosure", "denial-of-service"}}};
  std::map<std::string, std::set<std::string>> covered;
  RuleSet rules = load_rules({});
  for (const auto& rule : rules.rules)
    if (rule->pack == "stride") covered[rule->taxonomy.stride_element].insert(rule->taxonomy.stride);
  for (const auto& [element, categories] : applicable)
    for (const auto& category : categories)
      EXPECT_TRUE(covered[element].contains(category)) << "no stride rule for " << element << " / " << category;
  for (const auto& rule : rules.rules)
    if (rule->pack == "stride") EXPECT_FALSE(rule->taxonomy.stride_element.empty()) << rule->id;
}

}  // namespace
}  // namespace mlaudit
