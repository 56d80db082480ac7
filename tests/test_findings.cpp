// findings/: fingerprints, suppressions, baselines, supersedes, redaction.
#include <gtest/gtest.h>

#include <map>

#include <fstream>
#include <set>

#include "findings/baseline.h"
#include "findings/fingerprint.h"
#include "findings/merge.h"
#include "reports/json/json_report.h"
#include "findings/redaction.h"
#include "findings/suppression.h"
#include "reports/sarif/sarif_report.h"
#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

std::set<std::string> fingerprints(const ScanResult& result) {
  std::set<std::string> set;
  for (const auto& finding : result.findings) set.insert(finding.rule->id + " " + finding.fingerprint);
  return set;
}

// Expected values from github/codeql-action src/fingerprints.test.ts.
TEST(Fingerprints, MatchGitHubsLineHashes) {
  EXPECT_EQ(github_line_hashes(""), (std::vector<std::string>{"c129715d7a2bc9a3:1"}));
  EXPECT_EQ(github_line_hashes(" a\nb\n  \t\tc\n d"),
            (std::vector<std::string>{"271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"}));
  std::vector<std::string> expected = {"e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
                                       "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"};
  EXPECT_EQ(github_line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n"), expected);
  EXPECT_EQ(github_line_hashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n"), expected);
  EXPECT_EQ(github_line_hashes(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r"), expected);
  std::string repeated;
  for (int i = 0; i < 10; ++i) repeated += "Lorem ipsum dolor sit amet.\n";
  auto hashes = github_line_hashes(repeated);
  ASSERT_EQ(hashes.size(), 11u);
  EXPECT_EQ(hashes[0], "a7f2ff13bc495cf2:1");
  EXPECT_EQ(hashes[5], "a7f2ff13bc495cf2:6");
  EXPECT_EQ(hashes[6], "a7f2ff1481e87703:1");
  EXPECT_EQ(hashes[9], "cc97dc7b1d7d8f7b:1");
  // stopping early gives the same values for the lines asked for
  auto first_three = github_line_hashes(repeated, 3);
  ASSERT_GE(first_three.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(first_three[i], hashes[i]);
  std::string long_file;
  for (int i = 0; i < 500; ++i) long_file += "value_" + std::to_string(i % 7) + " = compute(" + std::to_string(i) + ")\n";
  auto all = github_line_hashes(long_file), some = github_line_hashes(long_file, 40);
  EXPECT_LT(some.size(), all.size());
  for (size_t i = 0; i < 40; ++i) EXPECT_EQ(some[i], all[i]) << i;
}

TEST(Fingerprints, StableAcrossUnrelatedEditsAndRuns) {
  testing::TempDir root;
  std::string code = "import pickle, yaml\nmodel = pickle.load(open('m.pkl', 'rb'))\nconf = yaml.load(stream)\n";
  root.write("app.py", code);
  auto first = testing::scan(root.path(), {"code.*"});
  auto again = testing::scan(root.path(), {"code.*"});
  EXPECT_EQ(fingerprints(first), fingerprints(again));
  ASSERT_EQ(first.findings.size(), 2u);

  root.write("app.py", "\"\"\"Docstring added later.\"\"\"\nimport os\n\n\ndef helper():\n    return os.getcwd()\n\n" + code);
  auto shifted = testing::scan(root.path(), {"code.*"});
  EXPECT_EQ(fingerprints(first), fingerprints(shifted));
  EXPECT_NE(first.findings[0].location.line, shifted.findings[0].location.line);

  root.write("app.py", "import pickle, yaml\nmodel = pickle.load(open('other.pkl', 'rb'))\nconf = yaml.load(stream)\n");
  auto changed = testing::scan(root.path(), {"code.*"});
  EXPECT_NE(fingerprints(first), fingerprints(changed));  // the edited line is a different finding
}

TEST(Suppressions, NeedAReasonAndLandInSarif) {
  EXPECT_EQ(parse_inline_suppression("x = 1  # mlaudit: ignore[code.eval-exec] trusted input")->reason, "trusted input");
  EXPECT_EQ(parse_inline_suppression("    \"x = 1  # mlaudit: ignore[a,b] why not\\n\",")->reason, "why not");
  EXPECT_TRUE(parse_inline_suppression("# mlaudit: ignore[stride.*] -")->covers("stride.unencrypted-flow"));
  EXPECT_FALSE(parse_inline_suppression("# mlaudit: ignore[code.a]")->covers("code.b"));
  EXPECT_FALSE(parse_inline_suppression("# just a comment"));

  testing::TempDir root;
  root.write("app.py", R"(import yaml
a = eval(text)  # mlaudit: ignore[code.eval-exec] input is a constant expression from our own config
# mlaudit: ignore[code.eval-exec]
b = eval(text)
# mlaudit: ignore[code.yaml-unsafe-load] wrong rule named
c = eval(text)
)");
  auto result = testing::scan(root.path(), {"code.eval-exec"});
  ASSERT_EQ(result.findings.size(), 3u);
  ASSERT_TRUE(result.findings[0].suppression);
  EXPECT_EQ(result.findings[0].suppression->justification, "input is a constant expression from our own config");
  EXPECT_FALSE(result.findings[1].suppression);  // no reason given
  EXPECT_FALSE(result.findings[2].suppression);  // another rule's suppression
  bool warned = false;
  for (const auto& diagnostic : result.diagnostics)
    if (diagnostic.code == "suppression-without-reason" && diagnostic.location.line == 3) warned = true;
  EXPECT_TRUE(warned);
  EXPECT_EQ(count_failing(result, Severity::low), 2u);

  auto sarif = sarif_report(result);
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["suppressions"][0]["kind"], "inSource");
  EXPECT_EQ(results[0]["suppressions"][0]["justification"], "input is a constant expression from our own config");
  EXPECT_EQ(sarif_report(result, {false})["runs"][0]["results"].size(), 2u);
}

TEST(Baseline, OnlyNewFindingsRemain) {
  testing::TempDir root, reports;
  root.write("app.py", "import pickle\nmodel = pickle.load(open('m.pkl', 'rb'))\n");
  auto before = testing::scan(root.path(), {"code.*"});
  ASSERT_EQ(before.findings.size(), 1u);
  fs::path baseline = reports.path() / "baseline.sarif";
  std::ofstream(baseline) << sarif_report(before).dump(2);

  root.write("app.py", "import pickle, os\n\nmodel = pickle.load(open('m.pkl', 'rb'))\nos.system(command)\n");
  ScanOptions options;
  options.target = root.path();
  options.enable = {"code.*"};
  options.baseline = baseline;
  auto after = run_scan(options);
  ASSERT_EQ(after.findings.size(), 1u);
  EXPECT_EQ(after.findings[0].rule->id, "code.shell-command-injection");
  EXPECT_EQ(after.in_baseline, 1u);
  EXPECT_EQ(sarif_report(after)["runs"][0]["results"][0]["baselineState"], "new");

  std::ofstream(reports.path() / "broken.sarif") << "{not json";
  options.baseline = reports.path() / "broken.sarif";
  EXPECT_THROW(run_scan(options), UsageError);
}

TEST(Supersedes, TheArchitecturalFindingReplacesTheCodeOne) {
  auto result = testing::scan(testing::fixture("projects/vulnerable-service"));
  EXPECT_GT(result.superseded, 0u);
  std::set<std::pair<std::string, uint32_t>> exposed;
  for (const auto& finding : result.findings)
    if (finding.rule->id == "stride.exposed-endpoint-no-auth") exposed.emplace(finding.location.file, finding.location.line);
  ASSERT_FALSE(exposed.empty());
  for (const auto& finding : result.findings)
    if (finding.rule->id == "code.route-without-auth")
      EXPECT_FALSE(exposed.contains({finding.location.file, finding.location.line}));
}

using testing::findings_of;

std::vector<uint32_t> merged_lines(const Finding& finding) {
  std::vector<uint32_t> lines;
  for (const auto& related : finding.related)
    if (related.merged) lines.push_back(related.location.line);
  return lines;
}

TEST(RootCauses, UnpinnedPackagesOfOneManifestAreOneFinding) {
  testing::TempDir root;
  root.write("requirements.txt", "numpy\npandas>=1.0\nrequests==2.31.0\nflask\nscipy~=1.11\nrich\ntyper\n");
  root.write("tools/requirements.txt", "pytest\n");
  auto result = testing::scan(root.path(), {"config.dependency-unpinned"});
  auto found = findings_of(result, "config.dependency-unpinned");
  ASSERT_EQ(found.size(), 2u);  // one per manifest
  const Finding& main = *found[0];
  EXPECT_EQ(main.location.file, "requirements.txt");
  EXPECT_EQ(main.location.line, 1u);
  EXPECT_EQ(merged_lines(main), (std::vector<uint32_t>{2, 4, 5, 6, 7}));
  EXPECT_EQ(main.message.find("6 dependencies in requirements.txt"), 0u) << main.message;
  EXPECT_NE(main.message.find("numpy, pandas, flask, scipy, rich and 1 more"), std::string::npos) << main.message;
  EXPECT_EQ(main.message.find("requests"), std::string::npos);  // pinned: not listed
  EXPECT_EQ(main.related[0].message, "`pandas` is not pinned to one version (>=1.0)");
  EXPECT_EQ(main.severity, Severity::low);
  EXPECT_EQ(result.merged, 5u);
  // a manifest with one unpinned package keeps the rule's own message
  EXPECT_EQ(found[1]->location.file, "tools/requirements.txt");
  EXPECT_TRUE(found[1]->related.empty());
  EXPECT_EQ(found[1]->message.find("`pytest` in tools/requirements.txt"), 0u) << found[1]->message;

  // Every report carries the merged places as related locations.
  auto sarif = sarif_report(result);
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  ASSERT_EQ(results[0]["relatedLocations"].size(), 5u);
  EXPECT_EQ(results[0]["relatedLocations"][1]["physicalLocation"]["region"]["startLine"], 4);
  EXPECT_EQ(sarif["runs"][0]["properties"]["findingsMerged"], 5);
  auto json = json_report(result);
  EXPECT_EQ(json["findings"][0]["related"].size(), 5u);
  EXPECT_EQ(json["summary"]["merged"], 5);

  // The merged finding is named by its manifest: its fingerprint survives packages added,
  // removed or reordered.
  std::string before = main.fingerprint;
  root.write("requirements.txt", "# runtime\nrich\nrequests==2.31.0\nnumpy\nflask\nhttpx\n");
  auto edited = testing::scan(root.path(), {"config.dependency-unpinned"});
  auto after = findings_of(edited, "config.dependency-unpinned");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0]->location.line, 2u);
  EXPECT_EQ(after[0]->fingerprint, before);
  EXPECT_EQ(merged_lines(*after[0]), (std::vector<uint32_t>{4, 5, 6}));
}

// Test fixtures cut from a dataset (a few of its rows, its columns or fewer, beside it) share
// its lawful basis: one finding, the fixtures as related locations. A small file with a
// column of its own, a dataset in another folder, or one not ten times smaller stays apart.
TEST(RootCauses, RowsCutFromADatasetBesideItShareItsLawfulBasisFinding) {
  testing::TempDir root;
  std::string full = "patient_id,email,age,diagnosis\n", cut = full;
  for (int i = 1; i <= 40; ++i)
    full += std::to_string(1000 + i) + ",p" + std::to_string(i) + "@example.org," + std::to_string(20 + i) + ",flu\n";
  cut += "1001,p1@example.org,21,flu\n1002,p2@example.org,22,flu\n";
  root.write("data/patients.csv", full);
  root.write("data/patients_bad_dist.csv", cut);
  root.write("data/patients_missing.csv", "patient_id,email,age\n1001,p1@example.org,\n");
  root.write("data/patients_extra.csv", "patient_id,email,age,diagnosis,notes\n1001,p1@example.org,21,flu,x\n");
  root.write("archive/patients_sample.csv", cut);
  root.write("data/patients_half.csv", full.substr(0, full.find("1021,")));
  ScanResult result = testing::scan(root.path(), {"gdpr.lawful-basis-not-declared"});
  auto found = findings_of(result, "gdpr.lawful-basis-not-declared");
  std::map<std::string, std::vector<std::string>> merged;
  for (const Finding* finding : found) {
    auto& places = merged[finding->location.file];
    for (const auto& related : finding->related)
      if (related.merged) places.push_back(related.location.file);
  }
  EXPECT_EQ(merged, (std::map<std::string, std::vector<std::string>>{
                        {"archive/patients_sample.csv", {}},
                        {"data/patients.csv", {"data/patients_bad_dist.csv", "data/patients_missing.csv"}},
                        {"data/patients_extra.csv", {}},
                        {"data/patients_half.csv", {}}}));
}

// Personal data from several datasets reaching one recipient of unknown region is one
// finding (the recipient's region is the root cause), the other datasets related locations.
TEST(RootCauses, DatasetsReachingOneRecipientAreOneTransferFinding) {
  testing::TempDir root;
  root.write("data/customers.csv", "customer_id,email,phone\n1,ana@example.org,+49 30 901820\n2,li@example.com,+44 20 7946 0958\n");
  root.write("data/leads.csv", "lead_id,email\n7,sam@example.net\n8,kim@example.org\n");
  root.write("send.py", R"(import pandas as pd, requests
customers = pd.read_csv("data/customers.csv")
leads = pd.read_csv("data/leads.csv")
requests.post("https://api.partner-scoring.io/v1/score", json={"rows": customers.to_dict(), "leads": leads.to_dict()}, timeout=10)
)");
  ScanResult result = testing::scan(root.path(), {"gdpr.transfer-region-unknown"});
  auto found = findings_of(result, "gdpr.transfer-region-unknown");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0]->message.find("Personal data from 2 datasets (data/customers.csv, data/leads.csv)"), std::string::npos)
      << found[0]->message;
  EXPECT_EQ(result.merged, 1u);
}

// A tracking server on a compose service name or a private address is the project's own
// store, not a recipient: no transfer. One on a public host is.
TEST(RootCauses, TrackingServersOnInternalHostsReceiveNoTransfer) {
  auto transfers = [](const std::string& uri) {
    testing::TempDir root;
    root.write("data/customers.csv", "customer_id,email,phone\n1,ana@example.org,+49 30 901820\n2,li@example.com,+44 20 7946 0958\n");
    root.write("train.py", "import mlflow, pandas as pd\nmlflow.set_tracking_uri(\"" + uri +
                               "\")\ndf = pd.read_csv(\"data/customers.csv\")\nmodel.fit(df)\nmlflow.sklearn.log_model(model, \"model\")\n");
    ScanResult result = testing::scan(root.path(), {"gdpr.transfer-region-unknown"});
    return findings_of(result, "gdpr.transfer-region-unknown").size();
  };
  EXPECT_EQ(transfers("http://mlflow:5000"), 0u);
  EXPECT_EQ(transfers("http://10.0.3.7:5000"), 0u);
  EXPECT_EQ(transfers("https://mlflow.partner-analytics.io"), 1u);
}

TEST(RootCauses, ASuppressedPlaceStaysApartFromTheMergedFinding) {
  testing::TempDir root;
  root.write("requirements.txt",
             "numpy\npandas>=1.0\n# mlaudit: ignore[config.dependency-unpinned] pinned by the base image\nflask\n");
  auto result = testing::scan(root.path(), {"config.dependency-unpinned"});
  auto found = findings_of(result, "config.dependency-unpinned");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_FALSE(found[0]->suppression);
  EXPECT_EQ(merged_lines(*found[0]), (std::vector<uint32_t>{2}));
  ASSERT_TRUE(found[1]->suppression);
  EXPECT_EQ(found[1]->location.line, 4u);
}

TEST(RootCauses, UnpinnedActionsOfOneWorkflowAreOneFindingAtTheHighestSeverity) {
  testing::TempDir root;
  std::string steps = "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n";
  root.write(".github/workflows/ci.yml", steps +
             "      - uses: actions/checkout@v4\n"
             "      - uses: tj-actions/changed-files@v44\n"
             "      - uses: actions/setup-python@v5\n");
  root.write(".github/workflows/docs.yml", steps +
             "      - uses: actions/checkout@v4\n"
             "      - uses: actions/upload-pages-artifact@v3\n");
  auto result = testing::scan(root.path(), {"config.workflow-unpinned-action"});
  auto found = findings_of(result, "config.workflow-unpinned-action");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->location.file, ".github/workflows/ci.yml");
  EXPECT_EQ(found[0]->severity, Severity::low);  // the third-party action on a tag
  EXPECT_EQ(merged_lines(*found[0]), (std::vector<uint32_t>{7, 8}));
  EXPECT_NE(found[0]->message.find("3 steps of this workflow use actions referenced by a tag or branch (actions/checkout@v4, tj-actions/changed-files@v44, actions/setup-python@v5)"),
            std::string::npos) << found[0]->message;
  EXPECT_EQ(found[1]->location.file, ".github/workflows/docs.yml");
  EXPECT_EQ(found[1]->severity, Severity::info);  // GitHub-owned actions on release tags only
  EXPECT_EQ(merged_lines(*found[1]), (std::vector<uint32_t>{7}));
}

// One dvc.lock dependency or output entry whose recorded hash matches no file's bytes.
std::string mismatching_lock_entry(const std::string& path, int size) {
  return "    - path: " + path + "\n      md5: 00000000000000000000000000000000\n      size: " + std::to_string(size) +
         "\n";
}

TEST(RootCauses, OneMismatchingFileRecordedInSeveralStagesIsOneFinding) {
  testing::TempDir root;
  root.write("data/train.csv", "a,b\n1,2\n");
  root.write("data/.gitignore", "/train.csv\n");  // DVC caches it and has git ignore it
  root.write("dvc.lock",
             "schema: '2.0'\nstages:\n  prepare:\n    cmd: python prepare.py\n    outs:\n" +
                 mismatching_lock_entry("data/train.csv", 8) + "  train:\n    cmd: python train.py\n    deps:\n" +
                 mismatching_lock_entry("data/train.csv", 8));
  auto result = testing::scan(root.path(), {"integrity.dvc-hash-mismatch"});
  auto found = findings_of(result, "integrity.dvc-hash-mismatch");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->location.line, 6u);
  EXPECT_EQ(merged_lines(*found[0]), (std::vector<uint32_t>{12}));
  EXPECT_NE(found[0]->message.find("in 2 places"), std::string::npos) << found[0]->message;
  EXPECT_EQ(found[0]->severity, Severity::high);
}

// A changed file that the repository keeps (a stage's script, an output with `cache: false`)
// means the lock is stale; one DVC caches (git ignores it) changed outside the pipeline.
TEST(Integrity, AChangedFileTheRepositoryKeepsIsAStaleLockNotTampering) {
  testing::TempDir root;
  root.write("train.py", "print('edited after the last dvc repro')\n");
  root.write("models/model.pkl", "not the recorded bytes");
  root.write("models/.gitignore", "/model.pkl\n");
  root.write("dvc.lock",
             "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n" +
                 mismatching_lock_entry("train.py", 10) + "    outs:\n" + mismatching_lock_entry("models/model.pkl", 10));
  auto result = testing::scan(root.path(), {"integrity.dvc-hash-mismatch"});
  auto found = findings_of(result, "integrity.dvc-hash-mismatch");
  ASSERT_EQ(found.size(), 2u);
  for (const Finding* finding : found) {
    bool script = finding->evidence.value("path", "") == "train.py";
    EXPECT_EQ(finding->severity, script ? Severity::low : Severity::high) << finding->message;
    EXPECT_EQ(finding->evidence.value("kept_in_git", !script), script);
    EXPECT_NE(finding->message.find(script ? "the lock is stale" : "changed outside the pipeline"), std::string::npos)
        << finding->message;
  }
}

TEST(RootCauses, DatasetsDerivedFromOneSourceAreOneFindingAtTheSource) {
  testing::TempDir root;
  root.write("data/customers.csv",
             "customer_id,email,phone,plan\n1,a@example.com,+44 20 7946 0958,pro\n2,b@example.com,+44 20 7946 0959,basic\n");
  root.write("data/partners.csv", "partner_id,email,plan\n1,c@example.com,pro\n2,d@example.com,basic\n");
  root.write("prepare.py",
             "import pandas as pd\n"
             "df = pd.read_csv('data/customers.csv')\n"
             "df.to_csv('data/scored.csv')\n"
             "df.sample(frac=0.2).to_csv('data/eval.csv')\n");
  auto result = testing::scan(root.path(), {"gdpr.lawful-basis-not-declared", "gdpr.retention-not-declared"});
  for (const std::string rule : {"gdpr.lawful-basis-not-declared", "gdpr.retention-not-declared"}) {
    auto found = findings_of(result, rule);
    ASSERT_EQ(found.size(), 2u) << rule;  // one per source: customers (with its copies) and partners
    const Finding& customers = *found[0];
    EXPECT_EQ(customers.location.file, "data/customers.csv") << rule;
    std::vector<std::string> copies;
    for (const auto& related : customers.related)
      if (related.merged) copies.push_back(related.location.file + ":" + std::to_string(related.location.line));
    EXPECT_EQ(copies, (std::vector<std::string>{"prepare.py:3", "prepare.py:4"})) << rule;
    EXPECT_EQ(customers.message.find("3 datasets from one source"), 0u) << customers.message;
    EXPECT_EQ(found[1]->location.file, "data/partners.csv") << rule;
    EXPECT_TRUE(found[1]->related.empty()) << rule;
  }
}

TEST(RootCauses, AFindingInIdenticalCopiesIsReportedOnce) {
  testing::TempDir root;
  std::string code = "import pickle, sys\nmodel = pickle.load(open(sys.argv[1], 'rb'))\n";
  for (const char* folder : {"a", "b", "c"}) root.write(std::string(folder) + "/app.py", code);
  root.write("d/app.py", "# changed\n" + code);
  auto result = testing::scan(root.path(), {"code.pickle-deserialization"});
  auto found = findings_of(result, "code.pickle-deserialization");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->location.file, "a/app.py");
  std::vector<std::string> copies;
  for (const auto& related : found[0]->related)
    if (related.merged) copies.push_back(related.location.file + ":" + std::to_string(related.location.line));
  EXPECT_EQ(copies, (std::vector<std::string>{"b/app.py:2", "c/app.py:2"}));
  EXPECT_EQ(found[1]->location.file, "d/app.py");  // not identical: its own finding
  EXPECT_EQ(merged_lines(*found[1]).size(), 0u);
}

TEST(RootCauses, BiasAndPseudonymisationAreReportedOncePerModel) {
  testing::TempDir root;
  root.write("data/applicants.csv", "applicant_id,full_name,email,gender,age,approved\n"
                                    "1,Jane Doe,jane@example.com,female,41,1\n2,John Roe,john@example.com,male,29,0\n");
  root.write("data/renewals.csv", "customer_id,full_name,email,gender,age,renewed\n"
                                  "1,Ann Poe,ann@example.com,female,35,1\n2,Li Wei,li@example.com,male,52,0\n");
  root.write("train.py",
             "import pickle\nimport pandas as pd\n"
             "applicants = pd.read_csv('data/applicants.csv')\n"
             "renewals = pd.read_csv('data/renewals.csv')\n"
             "with open('credit.pkl', 'wb') as out:\n"
             "    pickle.dump((applicants.describe(), renewals.describe()), out)\n");
  auto result = testing::scan(root.path(), {"ai-act.bias-examination-missing", "gdpr.identifiers-not-pseudonymised"});
  for (const std::string rule : {"ai-act.bias-examination-missing", "gdpr.identifiers-not-pseudonymised"}) {
    auto found = findings_of(result, rule);
    ASSERT_EQ(found.size(), 1u) << rule;  // one model, two datasets
    EXPECT_EQ(found[0]->related.size(), 1u) << rule;
    EXPECT_TRUE(found[0]->related[0].merged) << rule;
    EXPECT_NE(found[0]->message.find("2 datasets"), std::string::npos) << found[0]->message;
    EXPECT_NE(found[0]->message.find("credit.pkl"), std::string::npos) << found[0]->message;
  }
}

// An integrity-record finding on the load a deserialization finding reports is the same root
// cause: it is a related location of that finding, which keeps its own level.
TEST(RootCauses, AnIntegrityRecordFindingOnADeserializingLoadFoldsIntoIt) {
  testing::TempDir root;
  root.write("train.py",
             "import os\nimport sys\nimport torch\n\n"
             "def resume(folder):\n"
             "    checkpoint = os.path.join(folder, 'pytorch_model.bin')\n"
             "    return torch.load(checkpoint)\n\n"
             "resume(sys.argv[1])\n");
  auto alone = testing::scan(root.path(), {"stride.model-without-integrity-record"});
  auto integrity = findings_of(alone, "stride.model-without-integrity-record");
  ASSERT_EQ(integrity.size(), 1u);  // on its own it is reported
  ASSERT_EQ(integrity[0]->location.file, "train.py");
  uint32_t line = integrity[0]->location.line;
  auto result = testing::scan(root.path(), {"stride.model-without-integrity-record", "code.torch-load-unsafe"});
  EXPECT_TRUE(findings_of(result, "stride.model-without-integrity-record").empty());
  auto loads = findings_of(result, "code.torch-load-unsafe");
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0]->location.line, line);
  ASSERT_EQ(loads[0]->related.size(), 1u);
  EXPECT_TRUE(loads[0]->related[0].merged);
  EXPECT_NE(loads[0]->related[0].message.find("stride.model-without-integrity-record"), std::string::npos);
}

TEST(Redaction, SecretsNeverReachReports) {
  auto result = testing::scan(testing::fixture("projects/vulnerable-service"));
  std::string sarif = sarif_report(result).dump();
  for (const char* secret : {"Q9fLm2TzX8vBn4kR7wYpA3cD", "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", "Tr4in1ngDb-Pa55w0rd",
                             "tok_4f9d2a7c1e8b5f3a6d0c", "churn-db-pass-2024", "5c1f0a9e3b7d2c4a8f6e1d0b9a7c5e3f2d1b0a98"})
    EXPECT_EQ(sarif.find(secret), std::string::npos) << secret;
  bool masked_snippet = false;
  for (const auto& finding : result.findings)
    if (finding.rule->id == "code.hardcoded-secret" && finding.location.file == "app/serve.py")
      masked_snippet = finding.snippet.find("SLACK_TOKEN") != std::string::npos &&
                       finding.snippet.find("Q9fLm2") == std::string::npos && finding.snippet.find("***") != std::string::npos;
  EXPECT_TRUE(masked_snippet);
}


// The one masker's personal side: values that stand on their own anywhere, every word of a
// data line (dataset rows, notebook outputs) but the column names.
TEST(Redaction, PersonalValuesAreMaskedWhereverReportsQuoteThem) {
  std::vector<Fact> facts;
  facts.push_back({FactType::dataset, Location{"data/people.csv", 1, 1}, {{"columns", {"customer_id", "First Name", "email"}}}});
  facts.push_back({FactType::output_personal_data, Location{"explore.ipynb", 12, 1}, {{"output_lines", {{12, 13}}}}});
  Redactor redactor(facts);

  EXPECT_EQ(redactor.redact_line("data/people.csv", 1, "customer_id,First Name,email"), "customer_id,First Name,email");
  std::string row = redactor.redact_line("data/people.csv", 2, "C-1001,Anna,anna.schmidt@example.org");
  for (const char* value : {"C-1001", "Anna", "anna.schmidt"}) EXPECT_EQ(row.find(value), std::string::npos) << row;
  EXPECT_EQ(row, "*-**01,A***,a***@e***.org");

  std::string output = redactor.redact_line("explore.ipynb", 13, R"x(    "0  C-1001  Anna  Schmidt\n",)x");
  EXPECT_EQ(output, R"x(    "***  *-**01  A***  S******\n",)x");
  // Code lines of the same notebook keep their words; values that stand on their own go.
  EXPECT_EQ(redactor.redact_line("explore.ipynb", 20, R"x(    "send(\"anna.schmidt@example.org\")",)x"),
            R"x(    "send(\"a***@e***.org\")",)x");
  EXPECT_EQ(Redactor::redact_text("Call +44 20 7946 0958 or write to DE89 3704 0044 0532 0130 00."),
            "Call +** ** **** **58 or write to **** **** **** **** **** 00.");
}

}  // namespace
}  // namespace mlaudit
