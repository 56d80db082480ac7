// The CycloneDX ML-BOM: real hashes, unique references, training lineage as dependencies,
// and the official 1.6 schema (checked with scripts/validate-cyclonedx.sh when npm works).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "crypto/sha256.h"
#include "reports/cyclonedx/cyclonedx_report.h"
#include "pipeline/inventory.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace mlaudit {
namespace {

const nlohmann::ordered_json* component(const nlohmann::ordered_json& bom, const std::string& ref) {
  for (const auto& item : bom["components"])
    if (item["bom-ref"] == ref) return &item;
  return nullptr;
}

TEST(CycloneDx, ModelsAndDatasetsWithHashesAndLineage) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  nlohmann::ordered_json bom = cyclonedx_report(result);
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.6");

  const auto* model = component(bom, "model:models/model.pkl");
  ASSERT_NE(model, nullptr) << bom.dump(2);
  EXPECT_EQ((*model)["type"], "machine-learning-model");
  auto digest = sha256_file_hex(testing::fixture("projects/vulnerable-service/models/model.pkl"));
  ASSERT_TRUE(digest);
  EXPECT_EQ((*model)["hashes"][0]["alg"], "SHA-256");
  EXPECT_EQ((*model)["hashes"][0]["content"], *digest);
  // src/train.py reads data/customers.csv and writes the model: the model card names the dataset.
  ASSERT_TRUE((*model)["modelCard"].contains("modelParameters"));
  EXPECT_EQ((*model)["modelCard"]["modelParameters"]["datasets"][0]["ref"], "data:data/customers.csv");
  const auto* dataset = component(bom, "data:data/customers.csv");
  ASSERT_NE(dataset, nullptr);
  EXPECT_EQ((*dataset)["type"], "data");
  EXPECT_EQ((*dataset)["data"][0]["type"], "dataset");

  // Every reference is defined once, and every dependency points at a defined reference.
  std::set<std::string> refs = {"project"};
  for (const auto& item : bom["components"]) EXPECT_TRUE(refs.insert(item["bom-ref"].get<std::string>()).second);
  for (const auto& dependency : bom["dependencies"]) {
    EXPECT_TRUE(refs.contains(dependency["ref"].get<std::string>())) << dependency.dump();
    for (const auto& target : dependency["dependsOn"]) EXPECT_TRUE(refs.contains(target.get<std::string>())) << target;
  }
  // A new serial number for every BOM (CycloneDX asks for it even when nothing changed).
  EXPECT_NE(bom["serialNumber"], cyclonedx_report(result)["serialNumber"]);
}

TEST(CycloneDx, VerdictsFollowTheFindings) {
  ScanResult result = testing::scan(testing::fixture("models"));
  std::map<std::string, Verdict> verdicts;
  for (const auto& item : result.inventory) verdicts[item.path] = item.verdict;
  EXPECT_EQ(verdicts["malicious/os_system.pkl"], Verdict::dangerous);
  EXPECT_EQ(verdicts["malicious/lambda.keras"], Verdict::dangerous);
  EXPECT_EQ(verdicts["benign/custom_class.pt"], Verdict::review);
  EXPECT_EQ(verdicts["benign/state_dict.pt"], Verdict::allowlisted);
  EXPECT_EQ(verdicts["benign/model.safetensors"], Verdict::data_only);
  EXPECT_EQ(verdicts["benign/large_model.bin"], Verdict::not_verifiable);
}

TEST(CycloneDx, VulnerabilitiesFromTheSameMatchesAsTheFindings) {
  testing::TempDir dir;
  dir.write("requirements.txt", "torch==1.13.0\npyyaml==5.3\nray==2.7.0\nflask>=2.0\n");
  dir.write("docker/requirements.txt", "pyyaml==5.3\n");
  ScanResult result = testing::scan(dir.path());
  nlohmann::ordered_json bom = cyclonedx_report(result);
  // Installed versions are library components; a range names no version, so no component.
  const auto* torch = component(bom, "pkg:pypi/torch@1.13.0");
  ASSERT_NE(torch, nullptr) << bom["components"].dump(2);
  EXPECT_EQ((*torch)["type"], "library");
  EXPECT_EQ((*torch)["purl"], "pkg:pypi/torch@1.13.0");
  EXPECT_NE(component(bom, "pkg:pypi/ray@2.7.0"), nullptr);   // listed, though no advisory data covers it
  EXPECT_FALSE(torch->contains("scope"));                       // installed to run the project
  for (const auto& item : bom["components"]) EXPECT_NE(item.value("name", ""), "flask");
  ASSERT_TRUE(bom.contains("vulnerabilities"));
  std::map<std::string, nlohmann::ordered_json> by_id;
  for (const auto& vulnerability : bom["vulnerabilities"]) by_id[vulnerability["id"]] = vulnerability;
  // One entry per advisory; every finding's advisory is there and vice versa.
  std::set<std::string> from_findings;
  for (const auto& finding : result.findings)
    if (finding.rule->id == "config.vulnerable-dependency")
      for (const auto& advisory : finding.evidence["advisories"]) from_findings.insert(advisory["id"]);
  std::set<std::string> in_bom;
  for (const auto& [id, entry] : by_id) in_bom.insert(id);
  EXPECT_EQ(in_bom, from_findings);
  EXPECT_EQ(in_bom, (std::set<std::string>{"PYSEC-2020-96", "PYSEC-2021-142", "PYSEC-2022-43015"}));
  const auto& yaml = by_id["PYSEC-2021-142"];
  ASSERT_EQ(yaml["affects"].size(), 1u);   // pyyaml@5.3 once, though two files name it
  EXPECT_EQ(yaml["affects"][0]["ref"], "pkg:pypi/pyyaml@5.3");
  EXPECT_EQ(yaml["references"][0]["id"], "CVE-2020-14343");
  EXPECT_EQ(yaml["ratings"][0]["severity"], "unknown");   // the record gives none
  EXPECT_NE(yaml["recommendation"].get<std::string>().find("upgrade to 5.4"), std::string::npos);
  EXPECT_NE(bom["metadata"]["properties"][0]["value"].get<std::string>().find("pypa/advisory-database"), std::string::npos);
}

// Packages only development installs are "excluded": used for tests and other non-runtime
// purposes (CycloneDX 1.6 component scope).
TEST(CycloneDx, DevelopmentOnlyPackagesAreExcludedFromTheRuntime) {
  testing::TempDir dir;
  dir.write("requirements.txt", "torch==1.13.0\n");
  dir.write("requirements-dev.txt", "pytest==7.4.0\ntorch==1.13.0\n");
  ScanResult result = testing::scan(dir.path());
  nlohmann::ordered_json bom = cyclonedx_report(result);
  const auto* pytest = component(bom, "pkg:pypi/pytest@7.4.0");
  ASSERT_NE(pytest, nullptr) << bom["components"].dump(2);
  EXPECT_EQ(pytest->value("scope", ""), "excluded");
  const auto* torch = component(bom, "pkg:pypi/torch@1.13.0");   // also in requirements.txt
  ASSERT_NE(torch, nullptr);
  EXPECT_FALSE(torch->contains("scope"));
}

TEST(CycloneDx, SampleBomMatchesTheOfficialSchema) {
  if (std::system("command -v npm >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "skipping: npm is not installed, so the CycloneDX schema package cannot be fetched";
  testing::TempDir out;
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  fs::path bom = out.write("mlaudit.cdx.json", cyclonedx_report(result).dump(2));
  auto validation = testing::run_command((testing::source_dir() / "scripts" / "validate-cyclonedx.sh").string() + " " +
                                         bom.string());
  if (validation.exit_code == 2)
    GTEST_SKIP() << "skipping: the validator's npm packages could not be installed: " << validation.output;
  EXPECT_EQ(validation.exit_code, 0) << validation.output;
}

}  // namespace
}  // namespace mlaudit
