// The report's first screen (release decision, fix-first list, GDPR strip) and the
// test-code tag, on the sample projects.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>

#include "util/code_context.h"
#include "pipeline/scan_summary.h"
#include "reports/html/html_report.h"
#include "reports/html/release_summary.h"
#include "reports/json/json_report.h"
#include "test_support.h"

namespace mlaudit {
namespace {

TEST(CodeContext, FoldersAndFileNamesThatAReleaseDoesNotShip) {
  EXPECT_EQ(code_context_of("tests/server/test_api.py"), CodeContext::test);
  EXPECT_EQ(code_context_of("src/app/test_utils.py"), CodeContext::test);
  EXPECT_EQ(code_context_of("pkg/model_test.py"), CodeContext::test);
  EXPECT_EQ(code_context_of("conftest.py"), CodeContext::test);
  EXPECT_EQ(code_context_of("04-deployment/web-service/test.py"), CodeContext::test);  // a client run by hand
  EXPECT_EQ(code_context_of("serving/test-gateway.py"), CodeContext::test);
  EXPECT_EQ(code_context_of("latest.py"), CodeContext::production);
  EXPECT_EQ(code_context_of("Examples/demo.py"), CodeContext::example);
  EXPECT_EQ(code_context_of("docs/source/conf.py"), CodeContext::docs);
  EXPECT_EQ(code_context_of("exploits/cve.py"), CodeContext::proof_of_concept);
  EXPECT_EQ(code_context_of("src/testing_utils.py"), CodeContext::production);   // a name, not a folder
  EXPECT_EQ(code_context_of("latest/serve.py"), CodeContext::production);
  EXPECT_EQ(code_context_of("contest.py"), CodeContext::production);
  EXPECT_EQ(code_context_of(""), CodeContext::production);
}

TEST(ReleaseSummary, BlocksOnHighFindingsAndCountsWhatTheDpoMustHandle) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  ScanSummary summary = summarize(result);
  auto groups = group_by_rule(result);
  ASSERT_FALSE(groups.empty());
  for (size_t i = 1; i < groups.size(); ++i) EXPECT_GE(groups[i - 1].worst, groups[i].worst);
  size_t grouped = 0, for_dpo = 0;
  for (const auto& group : groups) {
    grouped += group.findings.size();
    if (owner_of(*group.rule) == Owner::dpo) for_dpo += group.findings.size();
    for (const Finding* finding : group.findings) EXPECT_EQ(finding->rule, group.rule);
  }
  EXPECT_EQ(grouped, summary.total);
  ASSERT_GT(for_dpo, 0u) << "the sample holds customer data without declarations";

  ReleaseDecision decision = release_decision(summary, groups);
  EXPECT_EQ(decision.decision, "Block");
  EXPECT_EQ(decision.css_class, "bad");
  std::string critical = std::to_string(summary.by_severity[Severity::critical]);
  std::string high = std::to_string(summary.by_severity[Severity::high]);
  EXPECT_EQ(decision.line, "Block: " + critical + " critical, " + high + " high; " + std::to_string(for_dpo) + " need the DPO.");

  auto first = fix_first(groups);
  ASSERT_EQ(first.size(), 5u);
  EXPECT_EQ(first.front(), &groups.front());
  for (const RuleGroup* group : first) EXPECT_GE(group->worst, Severity::medium);

  auto status = gdpr_status(result.privacy);
  ASSERT_EQ(status.size(), 4u);
  EXPECT_EQ(status[0].label, "DPIA (Art. 35)");
  EXPECT_EQ(status[2].label, "Datasets without a lawful basis (Art. 6)");
  EXPECT_TRUE(status[2].attention);
  EXPECT_TRUE(RE2::FullMatch(status[2].value, R"([1-9]\d* of [1-9]\d*)")) << status[2].value;
}

TEST(ReleaseSummary, CleanProjectPassesAndSaysSoWithoutPersonalData) {
  ScanResult result = testing::scan(testing::fixture("projects/clean-service"));
  ScanSummary summary = summarize(result);
  ReleaseDecision decision = release_decision(summary, group_by_rule(result));
  EXPECT_NE(decision.decision, "Block") << decision.line;
  auto status = gdpr_status(result.privacy);
  if (!result.privacy.holds_personal_data) {
    ASSERT_EQ(status.size(), 1u);
    EXPECT_EQ(status[0].value, "none found by the scan");
  }
}

TEST(Html, SummaryFirstThenFindingsGroupedByRule) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  std::string html = html_report(result);
  size_t verdict = html.find("<p class=\"verdict bad\" role=\"status\">Block: ");
  size_t fix = html.find("<h3>Fix first</h3>"), strip = html.find("<h3>GDPR status</h3>");
  size_t findings = html.find("id=\"findings\"");
  ASSERT_NE(verdict, std::string::npos);
  ASSERT_NE(fix, std::string::npos);
  ASSERT_NE(strip, std::string::npos);
  EXPECT_LT(verdict, fix);
  EXPECT_LT(fix, strip);
  EXPECT_LT(strip, findings);
  // One group per rule, each instance inside its rule's group, all collapsed.
  auto groups = group_by_rule(result);
  for (const auto& group : groups) {
    size_t at = html.find("id=\"rule-" + group.rule->id + "\"");
    ASSERT_NE(at, std::string::npos) << group.rule->id;
    size_t end = html.find("</details>\n  \n", at);
    for (const Finding* finding : group.findings) {
      size_t instance = html.find(finding->fingerprint, at);
      EXPECT_LT(instance, html.find("<details class=\"rule-group", at + 1)) << group.rule->id;
    }
    (void)end;
  }
  EXPECT_EQ(html.find("<details open"), std::string::npos);
  // GDPR rules say what to do and, apart, how to record it.
  EXPECT_NE(html.find("<h5>How to record it</h5><p>datasets: {&quot;&lt;path&gt;&quot;: {lawful_basis: contract"),
            std::string::npos);
  // The filter form is hidden until the script shows it: without the script no dead controls.
  EXPECT_NE(html.find("<form class=\"filters\" id=\"filters\" hidden"), std::string::npos);
}

TEST(Html, ArticlesSortByNumberAndThePrintHeaderIsEscaped) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  result.target_name = "a\"b</style><script>x";
  std::string html = html_report(result);
  EXPECT_EQ(html.find("</style><script>x"), std::string::npos);
  EXPECT_NE(html.find(R"(content: "ML audit report: a\"b\3C /style>\3C script>x)"), std::string::npos);
  // GDPR articles in the regulations table: numbers ascending.
  std::vector<int> articles;
  re2::StringPiece input(html);
  int number = 0;
  while (RE2::FindAndConsume(&input, R"(<td>GDPR</td><td><a href="[^"]*">Art\. (\d+))", &number)) articles.push_back(number);
  ASSERT_GE(articles.size(), 3u);
  EXPECT_TRUE(std::is_sorted(articles.begin(), articles.end()));
}

// Two runs of the binary (as a user compares two reports): same bytes once the scan time is
// taken out, SVG elements in the same order.
TEST(Html, TwoScansGiveTheSameBytesApartFromTheTime) {
  testing::TempDir first, second;
  std::string project = testing::fixture("projects/vulnerable-service").string();
  for (const auto* out : {&first, &second})
    ASSERT_NE(testing::run_command(testing::mlaudit_binary() + " scan '" + project + "' --format html --output '" +
                                   out->path().string() + "' >/dev/null 2>&1").exit_code, -1);
  std::string a = testing::read_text(first.path() / "mlaudit.html"), b = testing::read_text(second.path() / "mlaudit.html");
  ASSERT_GT(a.size(), 10'000u);
  const RE2 time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  EXPECT_GE(RE2::GlobalReplace(&a, time, "TIME"), 2);
  RE2::GlobalReplace(&b, time, "TIME");
  auto at = std::distance(a.begin(), std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first);
  EXPECT_TRUE(a == b) << "the reports differ first at byte " << at << ": " << a.substr(at > 200 ? at - 200 : 0, 300);
}

// The privacy section follows the ICO / CNIL DPIA templates; what the scan cannot fill is an
// empty field, not a hidden one.
TEST(Html, PrivacySectionIsShapedLikeADpia) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  std::string html = html_report(result);
  size_t at = html.find("id=\"privacy\"");
  ASSERT_NE(at, std::string::npos);
  for (const char* heading : {"<h3>1. Need for a DPIA</h3>", "<h3>2. Description of the processing</h3>",
                              "<h3>3. Necessity and proportionality</h3>", "<h3>4. Risks to people</h3>",
                              "<h3>5. Sign-off</h3>"}) {
    size_t next = html.find(heading, at);
    ASSERT_NE(next, std::string::npos) << heading;
    at = next;
  }
  // One risk row per GDPR rule that fired, linking to its findings.
  for (const auto& group : group_by_rule(result)) {
    bool gdpr = !group.rule->taxonomy.gdpr.empty();
    bool row = html.find("<a href=\"#rule-" + group.rule->id + "\">", html.find("<h3>4. Risks to people</h3>")) <
               html.find("<h3>5. Sign-off</h3>");
    EXPECT_EQ(row, gdpr) << group.rule->id;
  }
  size_t fields = 0;
  for (size_t pos = html.find("<span class=\"fill\">to fill</span>"); pos != std::string::npos;
       pos = html.find("<span class=\"fill\">to fill</span>", pos + 1))
    ++fields;
  EXPECT_GE(fields, 6u) << "sign-off fields, likelihood and residual risk per risk";
}

TEST(Html, DiagramHasALegendAndATextAlternative) {
  ScanResult result = testing::scan(testing::fixture("projects/vulnerable-service"));
  std::string html = html_report(result);
  EXPECT_NE(html.find("<figure class=\"legend\""), std::string::npos);
  size_t text = html.find("<summary>The diagram as text: ");
  ASSERT_NE(text, std::string::npos);
  const auto& graph = result.diagram.graph();
  size_t elements = 0;
  for (auto [it, end] = boost::vertices(graph); it != end; ++it, ++elements)
    EXPECT_NE(html.find("<tr><td>" + graph[*it].name + "</td>", text), std::string::npos) << graph[*it].name;
  EXPECT_NE(html.find(std::to_string(elements) + " elements, " + std::to_string(boost::num_edges(graph)) + " flows", text),
            std::string::npos);
}

TEST(Json, SeverityCountsIncludeZeros) {
  auto json = json_report(testing::scan(testing::fixture("projects/clean-service")));
  const auto& counts = json["summary"]["by_severity"];
  for (const char* level : {"critical", "high", "medium", "low", "info"}) EXPECT_TRUE(counts.contains(level)) << level;
}

}  // namespace
}  // namespace mlaudit
