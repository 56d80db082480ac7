// mlaudit probe on the digits fixtures (fixtures/make_probe_fixtures.py), with small budgets:
// C++ attacks match python3-torch's within one percentage point; the mechanisms of the
// backdoor verdict, activation clustering, confident learning and LiRA work (detection
// rates are measured by bench/probe-eval.sh on models trained for it); the sandbox refuses network and file writes and stops at its
// time limit; a model whose pickle runs code is refused before anything loads it.
#include <gtest/gtest.h>

#include <set>

#include "pipeline/probe_runner.h"
#include "reports/html/html_report.h"
#include "sandbox/child_process.h"
#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

#ifdef MLAUDIT_PROBE_BINARY
fs::path probe_fixture(const std::string& name) { return testing::fixture("probe/" + name); }

// One LibTorch thread: on a busy shared machine, spinning OpenMP workers cost more than
// they bring to models this small.
nlohmann::json probe_json(const std::string& arguments, int expected_exit = 0) {
  auto result = testing::run_command(testing::mlaudit_binary() + " probe " + arguments + " --threads 1 --json");
  EXPECT_EQ(result.exit_code, expected_exit) << arguments << "\n" << result.output;
  // stdout and stderr arrive together: the JSON document is the line that starts with '{'.
  auto start = result.output.find("\n{");
  return nlohmann::json::parse(result.output.starts_with("{") ? result.output : result.output.substr(start + 1));
}

std::string q(const std::string& name) { return "'" + probe_fixture(name).string() + "'"; }

const nlohmann::json& expected() {
  static const nlohmann::json document = nlohmann::json::parse(testing::read_text(probe_fixture("expected.json")));
  return document;
}

TEST(Probe, EvasionMatchesPythonWithinOnePoint) {
  auto report = probe_json(q("cnn_clean.pt") + " --data " + q("test_x.npy") + " --labels " + q("test_y.npy") +
                           " --attacks fgsm,pgd_linf,pgd_l2 --eps 0.05,0.1,0.2 --eps-l2 0.5,1,2");
  const auto& reference = expected()["reference"];
  EXPECT_NEAR(report["evasion"]["clean_accuracy"].get<double>(), reference["clean_accuracy"].get<double>(), 0.01);
  for (const char* attack : {"fgsm", "pgd_linf", "pgd_l2"}) {
    ASSERT_EQ(report["evasion"][attack].size(), reference[attack].size()) << attack;
    for (size_t i = 0; i < reference[attack].size(); ++i) {
      EXPECT_EQ(report["evasion"][attack][i]["eps"], reference[attack][i]["eps"]);
      EXPECT_NEAR(report["evasion"][attack][i]["robust_accuracy"].get<double>(),
                  reference[attack][i]["robust_accuracy"].get<double>(), 0.01)
          << attack << " eps " << reference[attack][i]["eps"];
    }
  }
  // Stronger attacks do at least as well as weaker ones, and larger budgets hurt more.
  EXPECT_LE(report["evasion"]["pgd_linf"][1]["robust_accuracy"], report["evasion"]["fgsm"][1]["robust_accuracy"]);
  EXPECT_GT(report["evasion"]["fgsm"][0]["robust_accuracy"], report["evasion"]["fgsm"][2]["robust_accuracy"]);
  EXPECT_EQ(report["model"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_FALSE(report["figures"]["adversarial_examples"].empty());
  for (const char* key : {"backdoor", "strip", "poisoning", "membership"}) EXPECT_TRUE(report[key].is_null()) << key;
}

// The same 50 digits as .npz, a torch.save'd pair and CSV rows give the same measures.
TEST(Probe, ReadsEveryDataFormatAlike) {
  std::string common = q("cnn_clean.pt") + " --attacks fgsm --eps 0.1";
  auto npy = probe_json(common + " --data " + q("test_x.npy") + " --labels " + q("test_y.npy") + " --max-samples 50");
  for (const std::string& data : {" --data " + q("small.npz"), " --data " + q("small_pair.pt"),
                                  " --data " + q("small_x.csv") + " --labels " + q("small_y.npy") + " --input-shape 1,8,8"}) {
    auto report = probe_json(common + data);
    EXPECT_EQ(report["samples"], 50) << data;
    EXPECT_EQ(report["evasion"]["clean_accuracy"], npy["evasion"]["clean_accuracy"]) << data;
    EXPECT_EQ(report["evasion"]["fgsm"], npy["evasion"]["fgsm"]) << data;
  }
}

// A model that returns probabilities is recognised and attacked through their logarithm:
// the same measures as the logits model it wraps.
TEST(Probe, ProbabilityOutputsAreRecognised) {
  std::string rest = " --data " + q("test_x.npy") + " --labels " + q("test_y.npy") + " --attacks fgsm,pgd_linf --eps 0.05,0.1";
  auto logits = probe_json(q("mlp_clean.pt") + rest);
  auto probabilities = probe_json(q("mlp_clean_softmax.pt") + rest);
  EXPECT_EQ(logits["output_kind"], "logits");
  EXPECT_EQ(probabilities["output_kind"], "probabilities");
  for (const char* attack : {"fgsm", "pgd_linf"})
    for (size_t i = 0; i < 2; ++i)
      EXPECT_NEAR(probabilities["evasion"][attack][i]["robust_accuracy"].get<double>(),
                  logits["evasion"][attack][i]["robust_accuracy"].get<double>(), 0.01) << attack;
}

TEST(Probe, TargetedAttacksCountHitsOnTheTarget) {
  auto report = probe_json(q("cnn_clean.pt") + " --data " + q("test_x.npy") + " --labels " + q("test_y.npy") +
                           " --attacks pgd_linf --eps 0.05,0.3 --targeted");
  const auto& points = report["evasion"]["pgd_linf"];
  EXPECT_TRUE(report["evasion"]["settings"]["targeted"].get<bool>());
  // A larger budget reaches the target class more often.
  EXPECT_LT(points[0]["success_rate"].get<double>(), points[1]["success_rate"].get<double>());
  EXPECT_GT(points[1]["success_rate"].get<double>(), 0.5);
}

// Small budgets: the mechanism, not the detection rate (bench/probe-eval.sh measures that on
// models this suite never sees). Every class gets its starts, the smallest trigger is kept,
// and the backdoored class stands out on the mask norm and on both second signals.
TEST(Probe, NeuralCleanseNeedsTwoSignalsBeforeSuspecting) {
  const std::string budget = " --attacks backdoor --nc-steps 150 --nc-restarts 2";
  auto backdoored = probe_json(q("mlp_backdoor.pt") + " --data " + q("test_x.npy") + budget)["backdoor"];
  ASSERT_EQ(backdoored["classes"].size(), 10u) << backdoored.dump();
  EXPECT_EQ(backdoored["verdict"], "suspected") << backdoored["reason"];
  EXPECT_TRUE(backdoored["flagged"].get<bool>());
  EXPECT_EQ(backdoored["target_class"], expected()["models"]["mlp_backdoor.pt"]["target_class"]);
  const auto& target = backdoored["classes"][backdoored["target_class"].get<int>()];
  EXPECT_EQ(target["start_l1"].size(), 2u);
  double smallest_start = 1e9;
  for (const auto& l1 : target["start_l1"])
    if (l1.is_number()) smallest_start = std::min(smallest_start, l1.get<double>());
  EXPECT_DOUBLE_EQ(target["mask_l1"].get<double>(), smallest_start);   // the smallest start is kept
  EXPECT_GE(target["heldout_attack_success"].get<double>(), 0.9);
  EXPECT_LT(target["strip_entropy"].get<double>(), backdoored["strip_entropy_threshold"].get<double>());
  for (const auto& other : backdoored["classes"])
    if (other["class"] != target["class"]) EXPECT_LT(other["anomaly_index"].get<double>(), target["anomaly_index"].get<double>());

  auto clean = probe_json(q("mlp_clean.pt") + " --data " + q("test_x.npy") + budget)["backdoor"];
  EXPECT_NE(clean["verdict"], "suspected") << clean["reason"];
  EXPECT_FALSE(clean["flagged"].get<bool>());
  EXPECT_FALSE(clean["reason"].get<std::string>().empty());
}

TEST(Probe, StripSeparatesTriggeredInputs) {
  auto backdoored = probe_json(q("cnn_backdoor.pt") + " --data " + q("test_x.npy") + " --attacks strip --strip-inputs " + q("triggered_x.npy"));
  auto clean = probe_json(q("cnn_clean.pt") + " --data " + q("test_x.npy") + " --attacks strip --strip-inputs " + q("triggered_x.npy"));
  EXPECT_GE(backdoored["strip"]["flagged_rate"].get<double>(), 0.9) << backdoored["strip"].dump();
  EXPECT_LE(clean["strip"]["flagged_rate"].get<double>(), 0.1) << clean["strip"].dump();
}

std::set<int64_t> suspects_of(const nlohmann::json& report, const char* method) {
  std::set<int64_t> found;
  for (const auto& suspect : report["poisoning"]["suspected_indices"][method]) found.insert(suspect["index"].get<int64_t>());
  return found;
}

double share_in(const std::set<int64_t>& found, const std::set<int64_t>& truth) {
  size_t hits = 0;
  for (auto index : found) hits += truth.contains(index);
  return found.empty() ? 0 : double(hits) / found.size();
}

// Confident learning: out-of-fold probabilities from fresh copies of the MLP find the moved
// labels. On 300 samples (60 per fold) the fresh copies are weak and about half the
// suspects are digits that are hard anyway; bench/probe-eval.sh measures precision on
// 1,100-sample sets (0.84-0.93).
TEST(Probe, LabelNoiseFindsMovedLabels) {
  auto report = probe_json(q("mlp_clean.pt") + " --data " + q("test_x.npy") + " --attacks poisoning --train " + q("test_x.npy") +
                           " --train-labels " + q("noisy_y.npy") + " --cv-folds 5 --cv-epochs 40");
  std::set<int64_t> moved;
  for (int64_t i = 0; i < 300; i += 15) moved.insert(i);
  auto found = suspects_of(report, "label_noise");
  std::set<int64_t> caught;
  for (auto index : found)
    if (moved.contains(index)) caught.insert(index);
  EXPECT_TRUE(report["poisoning"]["label_noise_ran"].get<bool>());
  EXPECT_GE(double(caught.size()) / moved.size(), 0.8) << report["poisoning"]["counts"];
  EXPECT_GE(share_in(found, moved), 0.5) << report["poisoning"]["counts"];
}

// The backdoored CNN's training set (10% poison, target 7): every layer after the first is
// tried, the poisoned class stands out, and the cluster judged poison is mostly poison.
TEST(Probe, ActivationClusteringFindsThePoisonedClass) {
  auto report = probe_json(q("cnn_backdoor.pt") + " --data " + q("test_x.npy") + " --attacks poisoning --train " +
                           q("poisoned_x.npy") + " --train-labels " + q("poisoned_y.npy") + " --cv-folds 0");
  const auto& poisoning = report["poisoning"];
  EXPECT_GE(poisoning["layers"].size(), 3u) << poisoning["layers"];
  EXPECT_FALSE(poisoning["label_noise_ran"].get<bool>());
  std::set<int64_t> poisoned;
  for (const auto& index : expected()["poisoned_indices"]) poisoned.insert(index.get<int64_t>());
  auto clustered = suspects_of(report, "activation_clustering");
  ASSERT_FALSE(clustered.empty()) << poisoning["classes"];
  EXPECT_GE(share_in(clustered, poisoned), 0.8) << poisoning["classes"];
  size_t caught = 0;
  for (auto index : clustered) caught += poisoned.contains(index);
  EXPECT_GE(double(caught) / poisoned.size(), 0.8) << poisoning["classes"];
  EXPECT_FALSE(poisoning["suspected_indices"]["combined"].empty());
}

// Threshold attacks and offline LiRA with four small shadow models of the MLP's
// architecture: the overfit model leaks, the clean one much less; intervals bracket the AUC.
TEST(Probe, MembershipInferenceSeparatesOverfitFromClean) {
  std::string split = " --attacks membership --train " + q("members_x.npy") + " --train-labels " + q("members_y.npy") +
                      " --holdout " + q("nonmembers_x.npy") + " --holdout-labels " + q("nonmembers_y.npy") +
                      " --shadows 4 --shadow-epochs 60";
  auto overfit = probe_json(q("mlp_overfit.pt") + " --data " + q("test_x.npy") + split)["membership"];
  auto clean = probe_json(q("mlp_clean.pt") + " --data " + q("test_x.npy") + split)["membership"];
  for (const char* attack : {"loss", "confidence", "lira"}) ASSERT_TRUE(overfit["attacks"].contains(attack)) << attack;
  EXPECT_EQ(overfit["shadows"], 4);
  EXPECT_GT(overfit["auc"].get<double>(), 0.6) << overfit.dump();
  EXPECT_LT(clean["auc"].get<double>(), overfit["auc"].get<double>()) << clean.dump();
  EXPECT_EQ(overfit["auc"], overfit["attacks"][overfit["strongest_attack"].get<std::string>()]["auc"]);
  for (const auto& [name, attack] : overfit["attacks"].items()) {
    EXPECT_LE(attack["auc_ci"][0].get<double>(), attack["auc"].get<double>()) << name;
    EXPECT_GE(attack["auc_ci"][1].get<double>(), attack["auc"].get<double>()) << name;
    EXPECT_LE(attack["tpr_at_01pct_fpr"].get<double>(), attack["tpr_at_1pct_fpr"].get<double>()) << name;
  }
}

// Declared in .mlaudit.yml, probes run during the scan and reach the findings and the HTML.
TEST(Probe, DeclaredProbesReachFindingsAndReport) {
  ScanResult result = testing::scan(testing::fixture("rules/probe/probe.adversarial-robustness-low"));
  size_t probe_facts = 0;
  for (const auto& fact : result.extraction.facts) probe_facts += fact.type == FactType::probe_result;
  EXPECT_EQ(probe_facts, 2u);
  std::string html = html_report(result);
  EXPECT_NE(html.find("id=\"probes\""), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"chart\""), std::string::npos);    // robustness curve
  EXPECT_NE(html.find("<svg class=\"pixels\""), std::string::npos);   // adversarial examples
  EXPECT_NE(html.find("Robustness to adversarial inputs"), std::string::npos);
}

TEST(Probe, CodeExecutingModelIsRefusedBeforeLoading) {
  fs::path malicious = testing::fixture("models/malicious/checkpoint_with_payload.pt");
  auto report = probe_json("'" + malicious.string() + "' --data " + q("test_x.npy"), 1);
  ASSERT_EQ(report["diagnostics"].size(), 1u);
  EXPECT_EQ(report["diagnostics"][0]["probe"], "refused");
  EXPECT_NE(report["diagnostics"][0]["message"].get<std::string>().find("posix.system"), std::string::npos);
}

TEST(Probe, BadDataIsADiagnosticNamingTheFile) {
  testing::TempDir folder;
  auto bad = folder.write("inputs.npy", "not numpy at all");
  auto result = testing::run_command(testing::mlaudit_binary() + " probe '" + probe_fixture("cnn_clean.pt").string() +
                                     "' --data '" + bad.string() + "'");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.output.find("inputs.npy: not an .npy array"), std::string::npos) << result.output;
}
#endif

TEST(Sandbox, NoNetworkNoFileWritesAndATimeLimit) {
  SandboxLimits limits;
  limits.wall = std::chrono::seconds(20);
  // bash opens a TCP socket for /dev/tcp redirections; the filter refuses the socket itself.
  auto network = run_confined({"/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9 && echo connected"}, limits);
  EXPECT_NE(network.err.find("socket: Permission denied"), std::string::npos) << network.err;
  EXPECT_EQ(network.out.find("connected"), std::string::npos);
  testing::TempDir folder;
  auto target = (folder.path() / "written.txt").string();
  auto write = run_confined({"/bin/bash", "-c", "echo data > '" + target + "'"}, limits);
  EXPECT_FALSE(write.exit_code == 0 && fs::file_size(target) > 0) << write.describe();
  auto quiet = run_confined({"/bin/echo", "hello"}, limits);
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "hello\n");
  limits.wall = std::chrono::seconds(1);
  auto slow = run_confined({"/bin/sleep", "30"}, limits);
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.describe(), "stopped after the time limit");
}

}  // namespace
}  // namespace mlaudit
