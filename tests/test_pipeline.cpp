// pipeline/: the stages as functions, the derive passes in order, the probe gate reading
// the scan's own findings.
#include <gtest/gtest.h>

#include <algorithm>

#include "derive/passes.h"
#include "pipeline/scan.h"
#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

// A project whose .mlaudit.yml (`config`, then `probes:`) declares a probe of a model whose
// pickle runs code.
void declare_probe_of_dangerous_model(const testing::TempDir& root, const std::string& config) {
  fs::create_directories(root.path() / "models");
  fs::copy_file(testing::fixture("models/malicious/checkpoint_with_payload.pt"), root.path() / "models/model.pt");
  root.write("inputs.npy", "not read: the model is refused first");
  root.write(".mlaudit.yml", config + "probes:\n  - {model: models/model.pt, data: inputs.npy}\n");
}

const Diagnostic* diagnostic(const ScanResult& result, const std::string& code) {
  for (const auto& item : result.diagnostics)
    if (item.code == code) return &item;
  return nullptr;
}

TEST(Derive, PassesRunInTheirDocumentedOrder) {
  std::vector<std::string> names;
  for (const auto& pass : derive_passes()) names.emplace_back(pass.name);
  EXPECT_EQ(names, (std::vector<std::string>{"dvc-integrity", "personal-fields-in-code", "privacy-declarations",
                                             "probe-results", "dpia-screening"}));
  EXPECT_TRUE(derive_passes().back().reads_diagram);
}

// A model declared for probing whose pickle runs code is refused from the scan's own
// model findings, before anything starts mlaudit-probe.
TEST(ProbeGate, ReadsTheScansModelFindings) {
  testing::TempDir root;
  declare_probe_of_dangerous_model(root, "");
  ScanResult result = testing::scan(root.path());
  const Diagnostic* refused = diagnostic(result, "probe-refused");
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->location.file, "models/model.pt");
  EXPECT_NE(refused->message.find("model.pickle-code-execution"), std::string::npos) << refused->message;
  EXPECT_TRUE(std::none_of(result.extraction.facts.begin(), result.extraction.facts.end(),
                           [](const Fact& fact) { return fact.type == FactType::probe_result; }));
  // The gate's objection is one of the scan's findings, not a second scan's.
  EXPECT_TRUE(std::any_of(result.findings.begin(), result.findings.end(), [](const Finding& finding) {
    return finding.rule->id == "model.pickle-code-execution" && finding.location.file == "models/model.pt";
  }));
}

// A declared model the scan does not cover (here excluded by the configuration) is still
// checked, on its own, before it is loaded.
TEST(ProbeGate, ChecksAModelTheScanLeftOut) {
  testing::TempDir root;
  declare_probe_of_dangerous_model(root, "exclude: [models/]\n");
  ScanResult result = testing::scan(root.path());
  const Diagnostic* refused = diagnostic(result, "probe-refused");
  ASSERT_NE(refused, nullptr);
  EXPECT_NE(refused->message.find("posix.system"), std::string::npos) << refused->message;
  EXPECT_TRUE(std::none_of(result.findings.begin(), result.findings.end(),
                           [](const Finding& finding) { return finding.location.file == "models/model.pt"; }));
}

}  // namespace
}  // namespace mlaudit
