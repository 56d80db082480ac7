// Every rule has a fixture under fixtures/rules/<pack>/<rule-id>(.ext or folder/).
// Lines after `# ruleid: ID` must produce a finding of that rule, lines after
// `# ok: ID` must not, and any other finding of the rule fails the test. The rule runs
// alone; a finding merged into another (a rule's `merge:`) counts at its related location.
// Findings without a line (a binary file) are declared in an expected.json sidecar:
// {"findings": [{"file": "model.pkl"}, {"file": "weights.pt", "ok": true}]}.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <set>

#include "ruleset/rule_loader.h"
#include "test_support.h"
#include "util/text.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

struct Expectations {
  std::set<std::pair<std::string, uint32_t>> fire, quiet;
};

std::vector<std::string> rule_ids() {
  std::vector<std::string> ids;
  for (const auto& rule : load_rules({}).rules) ids.push_back(rule->id);
  return ids;
}

fs::path fixture_for(const std::string& id) {
  std::string pack = id.substr(0, id.find('.'));
  fs::path folder = testing::fixture("rules/" + pack);
  if (fs::is_directory(folder / id)) return folder / id;
  if (fs::is_directory(folder))
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.is_regular_file() && entry.path().stem() == id) return entry.path();
  return {};
}

// Model files and archives carry no annotations (their findings are in expected.json).
bool binary_name(const fs::path& path) {
  static const std::set<std::string> binary = {".pkl", ".pt", ".pth", ".bin", ".joblib", ".npy", ".npz", ".safetensors",
                                               ".h5", ".keras", ".onnx", ".gz", ".zip", ".tar", ".ckpt"};
  if (binary.contains(path.extension().string())) return true;
  std::string head = testing::read_text(path).substr(0, 8192);
  return head.find('\0') != std::string::npos;
}

void read_annotations(const fs::path& file, const std::string& relative, const std::string& id, Expectations& out) {
  // `# ruleid: a, b` in Python and YAML, `// ...` in JSON-ish files, `<!-- # ... -->` in XML,
  // `"# ruleid: a\n",` as a source line of a notebook cell.
  static const RE2 annotation(R"((?:#|//)\s*(ruleid|ok):\s*([A-Za-z0-9_.,\- ]+?)\s*(?:-->|(?:\\n)?",?|$))");
  const std::string text = testing::read_text(file);
  auto lines = split_lines(text);
  std::vector<std::string> pending_fire, pending_quiet;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string kind, ids;
    if (RE2::PartialMatch(lines[i], annotation, &kind, &ids)) {
      for (auto listed : split(ids, ','))
        if (trim(listed) == id) (kind == "ruleid" ? pending_fire : pending_quiet).push_back(id);
      continue;
    }
    auto line = static_cast<uint32_t>(i + 1);
    if (!pending_fire.empty()) out.fire.emplace(relative, line);
    if (!pending_quiet.empty()) out.quiet.emplace(relative, line);
    pending_fire.clear();
    pending_quiet.clear();
  }
}

Expectations expectations_for(const fs::path& fixture, const std::string& id) {
  Expectations expectations;
  if (fs::is_regular_file(fixture)) {
    read_annotations(fixture, fixture.filename().string(), id, expectations);
    return expectations;
  }
  for (const auto& entry : fs::recursive_directory_iterator(fixture)) {
    if (!entry.is_regular_file() || binary_name(entry.path())) continue;
    std::string relative = entry.path().lexically_relative(fixture).generic_string();
    if (relative == "expected.json") {
      auto sidecar = nlohmann::ordered_json::parse(testing::read_text(entry.path()));
      for (const auto& item : sidecar["findings"])
        if (!item.contains("rule") || item["rule"] == id)
          (item.value("ok", false) ? expectations.quiet : expectations.fire)
              .emplace(item["file"].get<std::string>(), item.value("line", 0u));
      continue;
    }
    read_annotations(entry.path(), relative, id, expectations);
  }
  return expectations;
}

class RuleFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFixture, FiresExactlyWhereAnnotated) {
  const std::string& id = GetParam();
#ifndef MLAUDIT_PROBE_BINARY
  if (id.starts_with("probe."))
    GTEST_SKIP() << "skipping " << id << ": it needs mlaudit-probe, which this build leaves out "
                 << "(-DMLAUDIT_BUILD_PROBE=OFF, as in the sanitizer build: LibTorch is prebuilt, not instrumented)";
#endif
  fs::path fixture = fixture_for(id);
  ASSERT_FALSE(fixture.empty()) << "rule " << id << " has no fixture under fixtures/rules/";
  Expectations expected = expectations_for(fixture, id);
  ASSERT_FALSE(expected.fire.empty()) << id << ": the fixture has no `ruleid:` annotation";
  ASSERT_FALSE(expected.quiet.empty()) << id << ": the fixture has no `ok:` annotation (a near miss that must not fire)";

  ScanResult result = testing::scan(fixture, {id});
  for (const auto& diagnostic : result.diagnostics)
    EXPECT_NE(diagnostic.level, DiagnosticLevel::error) << diagnostic.location.file << ": " << diagnostic.message;
  std::set<std::pair<std::string, uint32_t>> found;
  for (const auto& finding : result.findings) {
    ASSERT_EQ(finding.rule->id, id);
    if (finding.suppression) continue;
    found.emplace(finding.location.file, finding.location.line);
    for (const auto& related : finding.related)  // places of the same root cause, merged into this finding
      if (related.merged) found.emplace(related.location.file, related.location.line);
  }
  for (const auto& place : expected.fire)
    EXPECT_TRUE(found.contains(place)) << id << ": expected a finding at " << place.first << ":" << place.second;
  for (const auto& place : found) {
    EXPECT_TRUE(expected.fire.contains(place)) << id << ": unexpected finding at " << place.first << ":" << place.second;
    EXPECT_FALSE(expected.quiet.contains(place)) << id << ": fired on an `ok:` line " << place.first << ":" << place.second;
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (auto& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllRules, RuleFixture, ::testing::ValuesIn(rule_ids()), test_name);

}  // namespace
}  // namespace mlaudit
