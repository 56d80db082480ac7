// The CycloneDX ML-BOM: real hashes, unique references, training lineage as dependencies,
// and the official 1.6 schema (checked with scripts/validate-cyclonedx.sh when npm works).
#include <gtest/gtest.h>

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
