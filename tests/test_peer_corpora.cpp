// The peers' own model-file test corpora (../shared/peer-model-corpora, labels from the
// peers' tests in manifest.json): a regression floor per corpus for the malicious files
// flagged at high or critical, a ceiling for benign files flagged at medium or above, and
// every file scanned. bench/peer-corpora.sh prints the same table. The floors are the counts
// this code reached; they may only go up.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "test_support.h"

namespace fs = std::filesystem;

namespace mlaudit {
namespace {

std::string corpus_of(const nlohmann::json& entry) {
  std::string source = entry["source"];
  if (source == "modelaudit") return entry["group"] == "samples/jinja2" ? "modelaudit-jinja2" : "modelaudit";
  return source;
}

TEST(PeerCorpora, CatchAtLeastWhatThisCodeCaughtAndStayQuietOnBenignFiles) {
  const char* shared = std::getenv("MLAUDIT_SHARED_DIR");  // overrides the folder beside the checkout
  fs::path corpora = fs::path(shared && *shared ? shared : MLAUDIT_SHARED_DIR) / "peer-model-corpora";
  if (!fs::exists(corpora / "manifest.json"))
    GTEST_SKIP() << "needs " << corpora.string() << " (the shared peer corpora), absent here";
  std::ifstream stream(corpora / "manifest.json");
  nlohmann::json manifest = nlohmann::json::parse(stream);
  ScanResult result = testing::scan(corpora, {"model.*"});
  std::map<std::string, Severity> worst;
  auto note = [&worst](const std::string& file, Severity severity) {
    auto [it, inserted] = worst.try_emplace(file, severity);
    if (severity > it->second) it->second = severity;
  };
  for (const auto& finding : result.findings) {
    note(finding.location.file, finding.severity);
    for (const auto& related : finding.related)  // identical copies are reported once, the copies related
      if (related.merged) note(related.location.file, finding.severity);
  }
  std::map<std::string, int> caught, malicious;
  std::vector<std::string> benign_flagged;
  for (const auto& entry : manifest) {
    std::string file = entry["file"];
    auto found = worst.find(file);
    if (entry["label"] == "malicious") {
      ++malicious[corpus_of(entry)];
      if (found != worst.end() && found->second >= Severity::high) ++caught[corpus_of(entry)];
    } else if (entry["label"] == "benign" && found != worst.end() && found->second >= Severity::medium) {
      benign_flagged.push_back(file);
    }
  }
  // Floors: what this code catches (best peer on each corpus: picklescan 94, modelscan 27, fickling
  // 68, ModelAudit non-template 22 (fickling), Jinja2 1). picklescan: its malicious13a/13b unpickle
  // the literal 12345; fickling calls the same pattern benign (unpickler_allowed_unsafe.pkl).
  const std::map<std::string, int> floors = {{"picklescan", 93}, {"modelscan", 27}, {"fickling", 69},
                                             {"modelaudit", 29}, {"modelaudit-jinja2", 25}};
  for (const auto& [corpus, floor] : floors)
    EXPECT_GE(caught[corpus], floor) << corpus << ": " << caught[corpus] << " of " << malicious[corpus];
  EXPECT_LE(benign_flagged.size(), 1u) << ::testing::PrintToString(benign_flagged);
  // Every file of the manifest was walked and either analysed or given a reason.
  std::map<std::string, bool> seen;
  for (const auto& file : result.extraction.files) seen[file.path] = file.scanned() || !file.skip_reason.empty();
  for (const auto& entry : manifest) EXPECT_TRUE(seen[entry["file"].get<std::string>()]) << entry["file"];
}

}  // namespace
}  // namespace mlaudit
