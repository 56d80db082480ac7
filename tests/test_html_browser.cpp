// The HTML report as a person sees it: Debian's chromium, headless and offline, loads the
// sample report with a small probe script appended; the probe records what the page did
// (requests, computed colours, what the filters show) into the DOM that --dump-dom prints.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "reports/html/html_report.h"
#include "test_support.h"

namespace mlaudit {
namespace {

namespace fs = std::filesystem;

std::string chromium_binary() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(candidate)) return candidate;
  return "";
}

// Offline: every host name resolves to nothing, so a request the page tried would fail and
// still be listed by the Resource Timing API, which the probe reports.
std::string headless(const std::string& browser) {
  return browser + " --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
                   "--disable-background-networking --disable-component-update --disable-sync "
                   "--host-resolver-rules='MAP * ~NOTFOUND' --virtual-time-budget=5000 ";
}

const char* kProbe = R"(<script>
window.addEventListener("load", function () {
  var out = {};
  out.resources = performance.getEntriesByType("resource").map(function (entry) { return entry.name; });
  var verdict = getComputedStyle(document.querySelector(".verdict"));
  out.verdict_color = verdict.color;
  out.verdict_background = verdict.backgroundColor;
  out.badges = Array.prototype.map.call(document.querySelectorAll(".badge, .artifact-verdict"), function (badge) {
    var style = getComputedStyle(badge);
    return [badge.className, style.color, style.backgroundColor];
  });
  var form = document.getElementById("filters");
  out.filters_shown = !form.hidden;
  function shown(severity) {
    return Array.prototype.filter.call(document.querySelectorAll("details.finding"), function (finding) {
      return !finding.hidden && !finding.closest("details.rule-group").hidden &&
             (!severity || finding.dataset.severity === severity);
    }).length;
  }
  out.total = document.querySelectorAll("details.finding").length;
  out.open_at_load = document.querySelectorAll("details.finding[open]").length;
  out.shown_at_load = shown();
  out.high_at_load = shown("high");
  var high = form.querySelector('input[name="severity"][value="high"]');
  high.checked = false;
  form.dispatchEvent(new Event("input"));
  out.shown_without_high = shown();
  out.high_without_high = shown("high");
  high.checked = true;
  var text = form.querySelector('input[name="text"]');
  text.value = "pickle";
  form.dispatchEvent(new Event("input"));
  out.shown_searching_pickle = shown();
  text.value = "";
  form.dispatchEvent(new Event("input"));
  out.shown_after_reset = shown();
  out.count_line = document.getElementById("filter-count").textContent;
  window.dispatchEvent(new Event("beforeprint"));
  out.open_for_print = document.querySelectorAll("details.finding[open]").length;
  out.groups_open_for_print = document.querySelectorAll("details.rule-group[open]").length;
  out.groups = document.querySelectorAll("details.rule-group").length;
  var pre = document.createElement("pre");
  pre.id = "browser-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
)";

// "rgb(31, 41, 55)" → relative luminance (WCAG 2.1).
double luminance(const std::string& css_colour) {
  int r = 0, g = 0, b = 0;
  EXPECT_TRUE(RE2::PartialMatch(css_colour, R"(rgba?\((\d+), (\d+), (\d+))", &r, &g, &b)) << css_colour;
  auto channel = [](int value) {
    double c = value / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

double contrast(const std::string& a, const std::string& b) {
  double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

class HtmlInBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = chromium_binary();
    if (browser_.empty())
      GTEST_SKIP() << "skipping: Debian's chromium is not installed (scripts/bootstrap.sh installs it)";
    html_ = html_report(testing::scan(testing::fixture("projects/vulnerable-service")));
  }
  std::string browser_, html_;
  testing::TempDir dir_;
};

TEST_F(HtmlInBrowser, LoadsOfflineWithAReadableVerdictAndWorkingFilters) {
  std::string page = html_;
  page.insert(page.rfind("</body>"), kProbe);
  fs::path file = dir_.write("report.html", page);
  auto run = testing::run_command(headless(browser_) + "--dump-dom 'file://" + file.string() + "' 2>/dev/null");
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(0, 2000);
  std::string probe;
  ASSERT_TRUE(RE2::PartialMatch(run.output, R"(<pre id="browser-probe">([^<]*)</pre>)", &probe))
      << "the probe did not run; chromium printed: " << run.output.substr(0, 2000);
  // --dump-dom escapes text content; the probe's JSON has quotes only.
  RE2::GlobalReplace(&probe, "&quot;", "\"");
  RE2::GlobalReplace(&probe, "&amp;", "&");
  auto seen = nlohmann::json::parse(probe);

  EXPECT_TRUE(seen["resources"].empty()) << "the report asked for " << seen["resources"].dump();
  EXPECT_GE(contrast(seen["verdict_color"], seen["verdict_background"]), 4.5)
      << seen["verdict_color"] << " on " << seen["verdict_background"];
  ASSERT_FALSE(seen["badges"].empty());
  for (const auto& badge : seen["badges"])  // white text on a coloured pill: WCAG AA for small text
    EXPECT_GE(contrast(badge[1], badge[2]), 4.5) << badge.dump();
  EXPECT_TRUE(seen["filters_shown"].get<bool>());
  int total = seen["total"];
  EXPECT_GT(total, 10);
  EXPECT_EQ(seen["open_at_load"], 0) << "details are collapsed by default";
  EXPECT_EQ(seen["shown_at_load"], total);
  int high = seen["high_at_load"];
  ASSERT_GT(high, 0) << "the sample has high findings";
  EXPECT_EQ(seen["high_without_high"], 0);
  EXPECT_EQ(seen["shown_without_high"], total - high);
  int pickle = seen["shown_searching_pickle"];
  EXPECT_GT(pickle, 0);
  EXPECT_LT(pickle, total);
  EXPECT_EQ(seen["shown_after_reset"], total);
  EXPECT_EQ(seen["count_line"], "Showing " + std::to_string(total) + " of " + std::to_string(total) + " findings.");
  EXPECT_EQ(seen["open_for_print"], total) << "a printed copy shows every finding";
  EXPECT_EQ(seen["groups_open_for_print"], seen["groups"]);
}

// Printed (Chromium's print to PDF fires beforeprint): every finding open, and the sample
// fits in fewer than 25 pages.
TEST_F(HtmlInBrowser, PrintsTheSampleInFewerThan25Pages) {
  fs::path file = dir_.write("report.html", html_);
  fs::path pdf = dir_.path() / "report.pdf";
  auto run = testing::run_command(headless(browser_) + "--no-pdf-header-footer --print-to-pdf='" + pdf.string() +
                                  "' 'file://" + file.string() + "' 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(0, 2000);
  std::string bytes = testing::read_text(pdf);
  ASSERT_TRUE(bytes.starts_with("%PDF-")) << run.output.substr(0, 2000);
  // The page tree's root holds the largest /Count: the number of pages.
  int pages = 0, count = 0;
  re2::StringPiece input(bytes);
  while (RE2::FindAndConsume(&input, R"(/Count (\d+))", &count)) pages = std::max(pages, count);
  EXPECT_GT(pages, 5) << "every finding printed open takes more than a few pages";
  EXPECT_LT(pages, 25);
}

TEST_F(HtmlInBrowser, ScreenshotOfTheSummary) {
  fs::path file = dir_.write("report.html", html_);
  fs::path png = dir_.path() / "summary.png";
  auto run = testing::run_command(headless(browser_) + "--hide-scrollbars --window-size=1280,1000 --screenshot='" +
                                  png.string() + "' 'file://" + file.string() + "' 2>&1");
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(0, 2000);
  ASSERT_TRUE(fs::exists(png)) << run.output.substr(0, 2000);
  std::string bytes = testing::read_text(png);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(bytes.size(), 20'000u) << "a blank page compresses to a few kilobytes";
}

}  // namespace
}  // namespace mlaudit
