// The contract between mlaudit-probe and the scanner (probe_contract/probe_report.h): a
// report survives to_json -> from_json unchanged, and a report the scanner cannot read is a
// failed probe whose message names the bad key, not a crash.
#include <gtest/gtest.h>

#include <cstdlib>

#include "pipeline/probe_runner.h"
#include "probe_contract/probe_report.h"
#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// Every section filled, with values that are not defaults.
ProbeReport full_report() {
  ProbeReport report;
  report.model_path = "models/net.pt";
  report.model_sha256 = std::string(64, 'a');
  report.device = "cpu";
  report.libtorch = "2.1.0";
  report.output_kind = "logits";
  report.classes = 10;
  report.samples = 200;
  EvasionReport evasion;
  evasion.clean_accuracy = 0.97;
  evasion.curves = {{"fgsm", {{0.05, 0.61, 0.37}, {0.1, 0.2, 0.79}}}, {"pgd_l2", {{0.5, 0.4, 0.58}}}};
  evasion.settings = {10, "2.5 * eps / steps", true, false, {0, 1}, 200};
  report.evasion = evasion;
  BackdoorReport backdoor;
  backdoor.verdict = "suspected";
  backdoor.reason = "class 3's trigger is 4.1 MADs smaller";
  backdoor.flagged = true;
  backdoor.target_class = 3;
  backdoor.anomaly_index = {0.2, 4.1};
  backdoor.trigger_l1 = {30.5, 2.25};
  backdoor.classes = {{0, 30.5, {30.5, std::nullopt}, true, 0.99, 0.4, 1.2, 0.2}, {3, 2.25, {2.25, 2.5}, true, 1, 0.95, 0.1, 4.1}};
  backdoor.clean_strip_entropy_mean = 1.3;
  backdoor.strip_entropy_threshold = 0.5;
  backdoor.settings = {200, 3, 32, 0.9, 0.05, 0.15, 100, 100};
  report.backdoor = backdoor;
  report.strip = StripReport{0.4, 1.3, 0.2, 0.3, 50, {1, 7, 9}, 0.06};
  PoisoningReport poisoning;
  poisoning.methods = {{"activation_clustering", {{12, 3.5}}, 1},
                       {"spectral_signatures", {{12, 9.25}, {40, 8}}, 2},
                       {"label_noise", {}, 0},
                       {"combined", {{12, 1}}, 1}};
  poisoning.layer = "penultimate";
  poisoning.layers = {{"penultimate", 5.5}, {"features", 1.25}};
  poisoning.classes = {{0, 100, 0.3, 1.5, 0, {0.1, 0.2}}, {1, 90, 0.7, 6.5, 12, {0.5, 0}}};
  poisoning.label_noise_ran = true;
  poisoning.train_samples = 190;
  report.poisoning = poisoning;
  MembershipReport membership;
  membership.strongest_attack = "lira";
  membership.auc = 0.81;
  membership.auc_ci = {0.77, 0.85};
  membership.tpr_at_01pct_fpr = 0.02;
  membership.tpr_at_1pct_fpr = 0.11;
  membership.tpr_at_1pct_fpr_ci = {0.05, 0.16};
  membership.member_accuracy = 1;
  membership.nonmember_accuracy = 0.8;
  membership.member_loss = 0.01;
  membership.shadows = 4;
  membership.shadow_epochs = {60, 55, 60, 41};
  membership.attacks = {{"loss", 0.7, {0.65, 0.75}, 0, {0, 0.01}, 0.05, {0.01, 0.09}, {{0, 0}, {0.5, 0.8}, {1, 1}}},
                        {"lira", 0.81, {0.77, 0.85}, 0.02, {0, 0.05}, 0.11, {0.05, 0.16}, {{0, 0}, {1, 1}}}};
  report.membership = membership;
  report.diagnostics = {{"poisoning", "label noise skipped: 2 classes"}};
  report.seconds = {{"fgsm", 0.5}, {"backdoor", 12.25}};
  report.figures.adversarial_examples = {{"fgsm", 0.1, 4, 7, 1, json::array({json::array({0.0, 0.5}), json::array({1.0, 0.25})}),
                                          json::array({json::array({0.1, 0.4}), json::array({0.9, 0.35})})}};
  report.figures.triggers = std::vector<TriggerFigure>{{3, 2.25, 1, 4.1, json::array({json::array({0, 1})}), json(nullptr)}};
  report.figures.membership_roc = std::vector<RocCurveFigure>{{"loss", {{0, 0}, {1, 1}}}};
  return report;
}

TEST(ProbeContract, ReportSurvivesJsonRoundTrip) {
  ProbeReport report = full_report();
  std::string text = report.to_json().dump();
  ProbeReport back = ProbeReport::from_json(json::parse(text));
  EXPECT_EQ(back, report);
  EXPECT_EQ(back.to_json().dump(), text);
  // A probe that ran nothing but evasion: the other sections are null in the document and
  // absent after reading it.
  report.backdoor.reset(), report.strip.reset(), report.poisoning.reset(), report.membership.reset();
  report.figures.triggers.reset(), report.figures.membership_roc.reset();
  json document = report.to_json();
  for (const char* key : {"backdoor", "strip", "poisoning", "membership"}) EXPECT_TRUE(document[key].is_null()) << key;
  EXPECT_EQ(ProbeReport::from_json(document), report);
}

// The message names the key path and what is wrong there.
std::string problem_with(const json& document) {
  try {
    ProbeReport::from_json(document);
  } catch (const ProbeReportError& error) {
    return error.what();
  }
  return "(read without complaint)";
}

TEST(ProbeContract, MalformedReportNamesTheProblem) {
  json good = full_report().to_json();
  json wrong_type = good;
  wrong_type["membership"]["auc"] = "high";
  EXPECT_EQ(problem_with(wrong_type), "`membership.auc` should be a number, not a string");
  json missing = good;
  missing["backdoor"].erase("verdict");
  EXPECT_EQ(problem_with(missing), "`backdoor.verdict` is missing");
  json bad_item = good;
  bad_item["evasion"]["fgsm"][1]["eps"] = json::array();
  EXPECT_EQ(problem_with(bad_item), "`evasion.fgsm[1].eps` should be a number, not a list");
  json bad_pair = good;
  bad_pair["membership"]["attacks"]["lira"]["auc_ci"] = json::array({0.5});
  EXPECT_EQ(problem_with(bad_pair), "`membership.attacks.lira.auc_ci` should be a list of two numbers");
  EXPECT_EQ(problem_with(json::array({1, 2})), "`(the document)` should be an object, not a list");
}

// A child that prints something other than a report: the probe failed, and says why.
TEST(ProbeContract, UnreadableChildReportIsAFailedProbe) {
  testing::TempDir folder;
  fs::path model = folder.write("model.pt", "not read by the fake probe");
  fs::path fake = folder.write("fake-probe.sh", "#!/bin/sh\necho '{\"model\": {\"path\": \"m\"}, \"device\": 3}'\n");
  fs::permissions(fake, fs::perms::owner_all);
  const char* before = std::getenv("MLAUDIT_PROBE");
  std::string saved = before ? before : "";
  setenv("MLAUDIT_PROBE", fake.c_str(), 1);
  ProbeRequest request;
  request.model = model;
  request.data = model;
  request.timeout_seconds = 20;
  ProbeOutcome outcome = run_probe(request, {});
  if (before) setenv("MLAUDIT_PROBE", saved.c_str(), 1);
  else unsetenv("MLAUDIT_PROBE");
  EXPECT_FALSE(outcome.ran);
  EXPECT_FALSE(outcome.refused);
  EXPECT_NE(outcome.problem.find("printed a report mlaudit cannot read: `device` should be a string, not a number"),
            std::string::npos)
      << outcome.problem;
  EXPECT_NE(outcome.problem.find("model.pt"), std::string::npos) << outcome.problem;
}

}  // namespace
}  // namespace mlaudit
