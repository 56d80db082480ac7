// The mlaudit binary: exit codes, error messages, gates, unreadable files, commands.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;
using testing::run_command;

std::string mlaudit(const std::string& arguments) { return testing::mlaudit_binary() + " " + arguments; }
std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

TEST(Cli, MissingPathIsAUsageError) {
  testing::TempDir out;
  auto result = run_command(mlaudit("scan /no/such/project -o " + quoted(out.path())));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("/no/such/project: no such file or folder"), std::string::npos) << result.output;
}

TEST(Cli, BadOptionsAreUsageErrors) {
  EXPECT_EQ(run_command(mlaudit("scan --frobnicate .")).exit_code, 2);
  EXPECT_EQ(run_command(mlaudit("scan . --format pdf")).exit_code, 2);
  EXPECT_EQ(run_command(mlaudit("")).exit_code, 2);
  testing::TempDir root, out;
  root.write("a.py", "x = 1\n");
  auto result = run_command(mlaudit("scan " + quoted(root.path()) + " -q -o " + quoted(out.path()) + " --fail-on severe"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--fail-on must be one of"), std::string::npos) << result.output;
}

// Every option is checked before any work: no scan, no output folder.
TEST(Cli, BadGateFailsBeforeAnyWork) {
  testing::TempDir root, out;
  root.write("a.py", "x = 1\n");
  fs::path reports = out.path() / "reports";
  auto result = run_command(mlaudit("scan " + quoted(root.path()) + " -o " + quoted(reports) + " --fail-on hihg"));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--fail-on must be one of"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("analysed"), std::string::npos) << result.output;
  EXPECT_FALSE(fs::exists(reports));
}

TEST(Cli, BadConfigNamesFileLineAndColumn) {
  testing::TempDir root, out;
  root.write("a.py", "x = 1\n");
  root.write(".mlaudit.yml", "exclude: [data/]\nrules:\n  disabel: [code.eval-exec]\n");
  auto result = run_command(mlaudit("scan " + quoted(root.path()) + " -o " + quoted(out.path())));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(".mlaudit.yml:3:3: rules.disabel: unknown key 'disabel'"), std::string::npos) << result.output;
  root.write(".mlaudit.yml", "severity: {code.eval-exec: urgent}\n");
  result = run_command(mlaudit("scan " + quoted(root.path()) + " -o " + quoted(out.path())));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("'urgent' is not one of"), std::string::npos) << result.output;
}

TEST(Cli, BrokenUserRulePackIsAUsageError) {
  testing::TempDir root, rules, out;
  root.write("a.py", "x = 1\n");
  rules.write("x.broken.yml", "id: x.broken\ntitle: [unclosed\n");
  auto result = run_command(mlaudit("scan " + quoted(root.path()) + " --rules " + quoted(rules.path()) + " -o " + quoted(out.path())));
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("x.broken.yml:"), std::string::npos) << result.output;
}

TEST(Cli, FailOnGates) {
  testing::TempDir out;
  std::string vulnerable = quoted(testing::fixture("projects/vulnerable-service"));
  std::string clean = quoted(testing::fixture("projects/clean-service"));
  std::string output = " -q -o " + quoted(out.path());
  EXPECT_EQ(run_command(mlaudit("scan " + vulnerable + output + " --fail-on high")).exit_code, 1);
  EXPECT_EQ(run_command(mlaudit("scan " + vulnerable + output + " --fail-on critical")).exit_code, 1);
  EXPECT_EQ(run_command(mlaudit("scan " + vulnerable + output + " --fail-on none")).exit_code, 0);
  EXPECT_EQ(run_command(mlaudit("scan " + vulnerable + output)).exit_code, 0);  // no gate by default
  // the clean project's only high finding is suppressed with a reason
  EXPECT_EQ(run_command(mlaudit("scan " + clean + output + " --fail-on low")).exit_code, 0);
  // only the rules asked for
  EXPECT_EQ(run_command(mlaudit("scan " + vulnerable + output + " --fail-on high --enable config.dependency-unpinned")).exit_code, 0);
}

TEST(Cli, GateFromConfigFileAndSeverityOverride) {
  testing::TempDir root, out;
  root.write("app.py", "import pickle\nmodel = pickle.load(open('m.pkl', 'rb'))\n");
  root.write(".mlaudit.yml", "fail_on: high\n");
  std::string scan = mlaudit("scan " + quoted(root.path()) + " -q -o " + quoted(out.path()));
  EXPECT_EQ(run_command(scan).exit_code, 1);
  root.write(".mlaudit.yml", "fail_on: high\nseverity:\n  code.pickle-deserialization: low\n");
  EXPECT_EQ(run_command(scan).exit_code, 0);
}

TEST(Cli, UnreadableFileIsReportedAndTheScanGoesOn) {
  testing::TempDir root, out;
  root.write("app.py", "import os\nos.system(command)\n");
  fs::path locked = root.write("locked.py", "eval(x)\n");
  fs::permissions(locked, fs::perms::none);
  fs::permissions(out.path(), fs::perms::all);
  // root reads any file: drop to an unprivileged user for this check when running as root
  std::string prefix = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  if (!prefix.empty() && run_command("command -v setpriv").exit_code != 0)
    GTEST_SKIP() << "skipping: running as root and setpriv (util-linux) is not installed";
  auto result = run_command(prefix + mlaudit("scan " + quoted(root.path()) + " --format sarif,json -o " + quoted(out.path())));
  fs::permissions(locked, fs::perms::owner_all);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  auto report = nlohmann::ordered_json::parse(testing::read_text(out.path() / "mlaudit.json"));
  bool shell_finding = false;
  for (const auto& finding : report["findings"]) shell_finding = shell_finding || finding["rule_id"] == "code.shell-command-injection";
  EXPECT_TRUE(shell_finding);
  bool reported = false;
  for (const auto& diagnostic : report["diagnostics"])
    if (diagnostic["location"]["file"] == "locked.py" && diagnostic["code"] == "unreadable") reported = true;
  EXPECT_TRUE(reported) << report["diagnostics"].dump();
  auto sarif = nlohmann::ordered_json::parse(testing::read_text(out.path() / "mlaudit.sarif"));
  std::string notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].dump();
  EXPECT_NE(notifications.find("locked.py"), std::string::npos);
}

TEST(Cli, ReportsInsideTheScannedFolderAreNotScannedNextTime) {
  testing::TempDir root;
  root.write("app.py", "import pickle\npickle.loads(blob)\n");
  std::string scan = mlaudit("scan " + quoted(root.path()) + " --format sarif,html,json -q -o " + quoted(root.path() / "reports"));
  ASSERT_EQ(run_command(scan).exit_code, 0);
  ASSERT_EQ(run_command(scan).exit_code, 0);
  auto report = nlohmann::ordered_json::parse(testing::read_text(root.path() / "reports/mlaudit.json"));
  EXPECT_EQ(report["scan"]["stats"]["files_scanned"], 1);
}

TEST(Cli, EveryReportFormatInsideTheScannedFolderIsLeftOutNextTime) {
  testing::TempDir root;
  root.write("app.py", "import pickle\npickle.loads(blob)\n");
  std::string scan = mlaudit("scan " + quoted(root.path()) + " --format sarif,html,json,cyclonedx,dot -q -o " +
                             quoted(root.path()));
  ASSERT_EQ(run_command(scan).exit_code, 0);
  ASSERT_EQ(run_command(scan).exit_code, 0);
  auto report = nlohmann::ordered_json::parse(testing::read_text(root.path() / "mlaudit.json"));
  EXPECT_EQ(report["scan"]["stats"]["files_scanned"], 1) << report["files"].dump();
}

// `facts` and `graph` see the project as `scan` does: .mlaudit.yml excludes apply.
TEST(Cli, FactsAndGraphHonourConfigExcludes) {
  testing::TempDir root;
  root.write("app.py", "import pandas as pd\ndf = pd.read_csv('data/train.csv')\n");
  root.write("generated/leak.py", "import pandas as pd\ndf = pd.read_csv('data/excluded_only.csv')\n");
  root.write(".mlaudit.yml", "exclude: [generated/]\n");
  auto facts = run_command(mlaudit("facts " + quoted(root.path())));
  EXPECT_EQ(facts.exit_code, 0) << facts.output;
  EXPECT_NE(facts.output.find("app.py"), std::string::npos) << facts.output;
  EXPECT_EQ(facts.output.find("generated/leak.py"), std::string::npos) << facts.output;
  auto graph = run_command(mlaudit("graph " + quoted(root.path()) + " --format json"));
  EXPECT_EQ(graph.exit_code, 0) << graph.output;
  EXPECT_NE(graph.output.find("\"app.py\""), std::string::npos) << graph.output;
  EXPECT_EQ(graph.output.find("excluded_only.csv"), std::string::npos) << graph.output;
}

TEST(Cli, RulesExplainGraphFacts) {
  auto rules = run_command(mlaudit("rules"));
  EXPECT_EQ(rules.exit_code, 0);
  EXPECT_NE(rules.output.find("code.pickle-deserialization"), std::string::npos);
  auto explain = run_command(mlaudit("explain stride.exposed-endpoint-no-auth"));
  EXPECT_EQ(explain.exit_code, 0);
  EXPECT_NE(explain.output.find("Why it matters"), std::string::npos);
  EXPECT_NE(explain.output.find("CWE-306"), std::string::npos);
  EXPECT_EQ(run_command(mlaudit("explain no.such-rule")).exit_code, 2);
  std::string project = quoted(testing::fixture("projects/vulnerable-service"));
  auto dot = run_command(mlaudit("graph " + project));
  EXPECT_EQ(dot.exit_code, 0);
  EXPECT_TRUE(dot.output.starts_with("digraph dfd {")) << dot.output.substr(0, 100);
  auto json = run_command(mlaudit("graph " + project + " --format json"));
  EXPECT_FALSE(nlohmann::ordered_json::parse(json.output)["lineage"].empty());
  auto facts = run_command(mlaudit("facts " + project + " --type route"));
  EXPECT_EQ(facts.exit_code, 0);
  EXPECT_NE(facts.output.find("\"path\":\"/predict\""), std::string::npos);
  auto version = run_command(mlaudit("--version"));
  EXPECT_NE(version.output.find("mlaudit "), std::string::npos);
}

}  // namespace
}  // namespace mlaudit

namespace mlaudit {
namespace {

TEST(Probe, LinksLibTorch) {
#ifdef MLAUDIT_PROBE_BINARY
  auto result = testing::run_command(std::string(MLAUDIT_PROBE_BINARY) + " --version");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("LibTorch 1."), std::string::npos) << result.output;
  EXPECT_EQ(testing::run_command(std::string(MLAUDIT_PROBE_BINARY) + " model.pt").exit_code, 2);
#else
  GTEST_SKIP() << "skipping: built with -DMLAUDIT_BUILD_PROBE=OFF, so there is no mlaudit-probe to run";
#endif
}

}  // namespace
}  // namespace mlaudit
