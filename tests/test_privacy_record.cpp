// The privacy record on fixture projects: declarations fill the Art. 30 record and remove
// gaps, lineage follows personal data from datasets to models, endpoints and recipients,
// transfers carry regions and mechanisms, the DPIA screening explains each criterion.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "reports/html/html_report.h"
#include "reports/json/json_report.h"
#include "test_support.h"

namespace mlaudit {
namespace {

const RecordEntry* entry(const PrivacyRecord& record, const std::string& label) {
  for (const auto& item : record.record)
    if (item.label == label) return &item;
  return nullptr;
}

const PersonalLineage* lineage(const PrivacyRecord& record, const std::string& source, const std::string& sink) {
  for (const auto& path : record.lineage)
    if (path.source == source && path.sink == sink) return &path;
  return nullptr;
}

TEST(PrivacyRecord, UndeclaredProjectShowsGapsAndLineage) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  const PrivacyRecord& record = result.privacy;
  ASSERT_TRUE(record.holds_personal_data);
  ASSERT_NE(entry(record, "Controller and data protection officer"), nullptr);
  EXPECT_TRUE(entry(record, "Controller and data protection officer")->gap);
  EXPECT_TRUE(entry(record, "Time limits for erasure")->gap);
  EXPECT_FALSE(entry(record, "Categories of personal data")->gap);
  EXPECT_NE(entry(record, "Categories of personal data")->value.find("Email address"), std::string::npos);
  EXPECT_GE(record.gaps(), 5u);

  // customers.csv -> train.py -> model.pkl -> serve.py -> POST /predict, each step located.
  const PersonalLineage* to_endpoint = lineage(record, "data/customers.csv", "POST /predict");
  ASSERT_NE(to_endpoint, nullptr);
  ASSERT_EQ(to_endpoint->steps.size(), 4u);
  EXPECT_EQ(to_endpoint->steps[0].element, "src/train.py");
  EXPECT_EQ(to_endpoint->steps[1].element, "models/model.pkl");
  EXPECT_EQ(to_endpoint->steps[3].element, "POST /predict");
  EXPECT_EQ(to_endpoint->steps[1].location.file, "src/train.py");
  // The health check sits beside the model loader but never sees the data.
  EXPECT_EQ(lineage(record, "data/customers.csv", "GET /health"), nullptr);

  // Columns carry masked evidence, never a full value.
  auto customers = std::find_if(record.datasets.begin(), record.datasets.end(),
                                [](const auto& dataset) { return dataset.path == "data/customers.csv"; });
  ASSERT_NE(customers, record.datasets.end());
  for (const auto& column : customers->columns)
    if (column.category == "email") EXPECT_NE(column.example.find('*'), std::string::npos) << column.example;

  ASSERT_EQ(record.dpia_criteria.size(), 9u);
  EXPECT_GE(record.dpia_met, 2);
  for (const auto& criterion : record.dpia_criteria) EXPECT_FALSE(criterion.why.empty()) << criterion.id;
}

// WP248: two general criteria on ordinary personal data call for a DPIA at medium; the
// sample project (special categories, decisions, several criteria) stays high.
TEST(PrivacyRecord, DpiaSeverityFollowsTheCriteria) {
  testing::TempDir root;
  root.write("data/customers.csv", "customer_id,email,age,churned\n1,ann@example.com,34,0\n2,bob@example.com,51,1\n"
                                   "3,cy@example.com,29,0\n");
  root.write("train.py", "import pickle\nimport pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
                         "frame = pd.read_csv('data/customers.csv')\n"
                         "model = LogisticRegression().fit(frame[['age']], frame['churned'])\n"
                         "with open('model.pkl', 'wb') as out:\n    pickle.dump(model, out)\n");
  auto dpia = [](const ScanResult& result) -> const Finding* {
    for (const auto& finding : result.findings)
      if (finding.rule->id == "gdpr.dpia-required") return &finding;
    return nullptr;
  };
  ScanResult ordinary = testing::scan(root.path(), {"gdpr.dpia-required"});
  ASSERT_NE(dpia(ordinary), nullptr);
  EXPECT_EQ(dpia(ordinary)->severity, Severity::medium) << dpia(ordinary)->message;
  ScanResult sample = testing::scan(testing::fixture("projects/vulnerable-service"), {"gdpr.dpia-required"});
  ASSERT_NE(dpia(sample), nullptr);
  EXPECT_EQ(dpia(sample)->severity, Severity::high);
}

TEST(PrivacyRecord, DeclarationsCloseTheGaps) {
  ScanResult result = testing::scan(testing::fixture("projects/clean-service"));
  const PrivacyRecord& record = result.privacy;
  ASSERT_TRUE(record.holds_personal_data);
  EXPECT_EQ(record.gaps(), 0u);
  EXPECT_EQ(entry(record, "Data protection impact assessment")->value, "DPIA-2026-014, reviewed 2026-10-02");
  EXPECT_NE(entry(record, "Lawful basis per dataset")->value.find("legitimate-interests"), std::string::npos);
  ASSERT_EQ(record.datasets.size(), 1u);
  EXPECT_TRUE(record.datasets[0].pseudonymised);
  EXPECT_EQ(record.datasets[0].retention, "24 months after contract end");
}

TEST(PrivacyRecord, TransfersCarryRegionAndMechanism) {
  ScanResult result = testing::scan(testing::fixture("rules/gdpr/gdpr.transfer-outside-eea"));
  const PrivacyRecord& record = result.privacy;
  std::map<std::string, const Transfer*> by_recipient;
  for (const auto& transfer : record.transfers) by_recipient[transfer.recipient] = &transfer;
  ASSERT_TRUE(by_recipient.contains("api.openai.com"));
  ASSERT_TRUE(by_recipient.contains("api.mistral.ai"));
  ASSERT_TRUE(by_recipient.contains("api.anthropic.com"));
  EXPECT_EQ(by_recipient["api.openai.com"]->outside_eea, "yes");
  EXPECT_TRUE(by_recipient["api.openai.com"]->mechanism.empty());
  EXPECT_EQ(by_recipient["api.mistral.ai"]->outside_eea, "no");
  EXPECT_TRUE(by_recipient["api.anthropic.com"]->region_declared);
  EXPECT_EQ(by_recipient["api.anthropic.com"]->processor_agreement, "DPA signed 2026-03-01");
  EXPECT_FALSE(by_recipient["api.anthropic.com"]->mechanism.empty());
  // One US transfer without a mechanism: the Art. 30(1)(e) entry is a gap.
  EXPECT_TRUE(entry(record, "Transfers to third countries")->gap);
  EXPECT_NE(lineage(record, "data/tickets.csv", "api.openai.com"), nullptr);
}

TEST(PrivacyRecord, NoPersonalDataNoSection) {
  testing::TempDir root;
  root.write("data/sales.csv", "store,week,sales\n1,1,100\n2,1,80\n");
  root.write("train.py", "import pandas as pd\nframe = pd.read_csv('data/sales.csv')\n");
  ScanResult result = testing::scan(root.path());
  EXPECT_FALSE(result.privacy.holds_personal_data);
  EXPECT_TRUE(result.privacy.record.empty());
}

// ingest.py sends every applicant's e-mail to a partner as a GET parameter over HTTP and
// writes enriched.csv, which trains model.pkl, served by POST /predict (issue 12). The
// privacy section must say what the findings say: the partner is a recipient, the transfer's
// region is unknown (not "none"), and rows from missing declarations are not "declared".
TEST(PrivacyRecord, AgreesWithTheFindingsOnAnUndeclaredScoringProject) {
  ScanResult result = testing::scan(testing::fixture("projects/applicant-scoring"));
  const PrivacyRecord& record = result.privacy;
  const std::string partner = "api.credit-partner.example";

  std::set<std::string> recipients_in_findings;
  for (const auto& finding : result.findings)
    if (finding.rule->id == "gdpr.personal-data-unencrypted-flow" || finding.rule->id == "gdpr.transfer-region-unknown" ||
        finding.rule->id == "gdpr.transfer-outside-eea")
      recipients_in_findings.insert(finding.message.find(partner) != std::string::npos ? partner : finding.message);
  ASSERT_EQ(recipients_in_findings, std::set<std::string>{partner});

  ASSERT_EQ(record.transfers.size(), 1u);
  EXPECT_EQ(record.transfers[0].recipient, partner);
  EXPECT_EQ(record.transfers[0].outside_eea, "unknown");
  EXPECT_NE(std::find(record.transfers[0].categories.begin(), record.transfers[0].categories.end(), "email"),
            record.transfers[0].categories.end());
  for (const char* sink : {"api.credit-partner.example", "model.pkl", "POST /predict"})
    EXPECT_NE(lineage(record, "data/applicants.csv", sink), nullptr) << sink;
  EXPECT_NE(lineage(record, "data/enriched.csv", "model.pkl"), nullptr);

  EXPECT_NE(entry(record, "Recipients")->value.find(partner), std::string::npos);
  const RecordEntry* transfers = entry(record, "Transfers to third countries");
  EXPECT_TRUE(transfers->value.starts_with("unknown")) << transfers->value;
  EXPECT_TRUE(transfers->gap);
  for (const auto& row : record.record) {
    EXPECT_FALSE(row.value.starts_with("none")) << row.label << ": " << row.value;
    if (row.value.find("not declared") != std::string::npos && row.gap)
      EXPECT_EQ(row.source.find("declared"), std::string::npos) << row.label << " says its source is " << row.source;
  }

  // HTML and JSON read the same record.
  std::string html = html_report(result);
  EXPECT_EQ(html.find("No personal dataset was traced"), std::string::npos);
  EXPECT_EQ(html.find("No personal data was found leaving"), std::string::npos);
  auto json = json_report(result);
  ASSERT_EQ(json["privacy"]["transfers"].size(), 1u);
  EXPECT_EQ(json["privacy"]["transfers"][0]["recipient"], partner);
}

// Nothing found and nothing declared is "unknown", never "none".
TEST(PrivacyRecord, NoRecipientFoundIsUnknownNotNone) {
  testing::TempDir project;
  project.write("data/members.csv", "member_id,email\n1,jane.doe@example.com\n2,john.roe@example.org\n");
  project.write("report.py", "import pandas as pd\nmembers = pd.read_csv('data/members.csv')\nprint(len(members))\n");
  const PrivacyRecord& record = testing::scan(project.path()).privacy;
  ASSERT_TRUE(record.holds_personal_data);
  for (const char* label : {"Recipients", "Transfers to third countries"}) {
    ASSERT_NE(entry(record, label), nullptr) << label;
    EXPECT_TRUE(entry(record, label)->value.starts_with("unknown")) << entry(record, label)->value;
    EXPECT_TRUE(entry(record, label)->gap);
  }
}

}  // namespace
}  // namespace mlaudit
