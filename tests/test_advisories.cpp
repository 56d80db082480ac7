// advisories/: CVSS scores, OSV records, the embedded snapshot, and the matching of
// versions and ranges against it. The expected advisory ids below were read by hand from
// the PyPA database's YAML records (../shared/advisories/pypa-advisory-database, commit
// 3ccb6125 of 2024-10-10), not produced by this code: each case says why.
#include <gtest/gtest.h>
#include <zip.h>

#include <map>
#include <set>

#include "advisories/advisory_database.h"
#include "advisories/advisory_match.h"
#include "advisories/cvss.h"
#include "test_support.h"

namespace mlaudit {
namespace {

using namespace advisories;
namespace fs = std::filesystem;

const AdvisoryDatabase& embedded() {
  static const auto database = load_advisory_data(std::nullopt).first;
  return *database;
}

const AdvisoryDatabase& with_export() {
  static const auto database = load_advisory_data(testing::fixture("advisories/osv-export")).first;
  return *database;
}

pep440::Version v(std::string_view text) { return *pep440::Version::parse(text); }

// Every record id of every matching group.
std::set<std::string> ids(const AdvisoryDatabase& database, const std::string& package, std::string_view version) {
  std::set<std::string> found;
  for (const auto& group : match_version(database.advisories_for(package), package, v(version)).groups)
    for (const Advisory* record : group.records) found.insert(record->id);
  return found;
}

std::string fix(const AdvisoryDatabase& database, const std::string& package, std::string_view version) {
  auto match = match_version(database.advisories_for(package), package, v(version));
  return match.fix ? match.fix->text() : "none";
}

TEST(Cvss, ScoresMatchPublishedValues) {
  struct Case {
    const char* vector;
    double score;
    const char* rating;
  } cases[] = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, "critical"},
      {"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 8.1, "high"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "high"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8, "high"},
      {"CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8, "high"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "medium"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N", 6.5, "medium"},
      {"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5, "medium"},
      {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3, "medium"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, "none"},
      {"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "high"},
      {"AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3, "medium"},
      {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, "high"},
  };
  for (const auto& [vector, score, rating] : cases) {
    auto computed = cvss::score(vector);
    ASSERT_TRUE(computed) << vector;
    EXPECT_DOUBLE_EQ(computed->base, score) << vector;
    EXPECT_EQ(computed->rating, rating) << vector;
  }
  EXPECT_FALSE(cvss::score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"));   // not scored here
  EXPECT_FALSE(cvss::score("CVSS:3.1/AV:N/AC:L"));
  EXPECT_FALSE(cvss::score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
}

TEST(Advisories, EmbeddedSnapshotNamesItsSource) {
  const AdvisoryDatabase& database = embedded();
  ASSERT_EQ(database.snapshots().size(), 1u);
  const Snapshot& snapshot = database.snapshots().front();
  EXPECT_EQ(snapshot.name, "pypa/advisory-database@3ccb612573e2");
  EXPECT_EQ(snapshot.date, "2024-10-10");
  EXPECT_EQ(snapshot.license, "CC-BY-4.0");
  EXPECT_GT(database.size(), 800u);
  EXPECT_TRUE(database.has_data_for("torch"));
  EXPECT_TRUE(database.has_data_for("tensorflow"));
  // The snapshot has nothing for these: they must be reported as unchecked, not clean.
  EXPECT_FALSE(database.has_data_for("ray"));
  EXPECT_FALSE(database.has_data_for("transformers"));
  EXPECT_FALSE(database.has_data_for("keras"));
}

// Hand-checked against the YAML records; "why" says what in the record decides it.
TEST(Advisories, HandCheckedVersions) {
  struct Case {
    const char* package;
    const char* version;
    std::set<std::string> expected;
    const char* why;
  } cases[] = {
      {"pyyaml", "5.3", {"PYSEC-2020-96", "PYSEC-2021-142"}, "[5.1, 5.3.1) and [0, 5.4)"},
      {"pyyaml", "5.3.1", {"PYSEC-2021-142"}, "exactly the fix of PYSEC-2020-96"},
      {"pyyaml", "5.4", {}, "exactly the fix of PYSEC-2021-142"},
      {"pyyaml", "5.4b2", {"PYSEC-2021-142"}, "a pre-release sorts before 5.4"},
      {"pyyaml", "5.2b1", {"PYSEC-2020-96", "PYSEC-2021-142"}, "exactly the fix of PYSEC-2020-176, inside [5.1, 5.3.1)"},
      {"pyyaml", "5.1", {"PYSEC-2020-176", "PYSEC-2020-96", "PYSEC-2021-142"}, "introduced 5.1; PYSEC-2018-49 is fixed in 5.1"},
      {"pyyaml", "4.2b4", {"PYSEC-2018-49", "PYSEC-2021-142"}, "before 5.1"},
      {"torch", "1.13.0", {"PYSEC-2022-43015"}, "[0, 1.13.1), the last affected release"},
      {"torch", "1.13.0+cu117", {"PYSEC-2022-43015"}, "a local label sorts after 1.13.0, before 1.13.1"},
      {"torch", "1.13.1", {}, "exactly the fix"},
      {"torch", "2.5.1", {}, "CVE-2025-32434 is not in the 2024 snapshot"},
      {"mlflow", "2.3.1", {"PYSEC-2023-252", "PYSEC-2023-253", "PYSEC-2023-260", "PYSEC-2024-51"},
       "2.3.1 is the fix of PYSEC-2023-68/69; below 2.9.1, 2.9.2, 2.10.1"},
      {"mlflow", "2.3.0", {"PYSEC-2023-252", "PYSEC-2023-253", "PYSEC-2023-260", "PYSEC-2023-68", "PYSEC-2023-69", "PYSEC-2024-51"},
       "below 2.3.1 as well"},
      {"mlflow", "2.10.1", {}, "the fix of the last one"},
      {"requests", "2.31.0", {}, "fix of PYSEC-2023-74"},
      {"requests", "2.30.0", {"PYSEC-2023-74"}, "[2.3.0, 2.31.0)"},
      {"requests", "2.19.1", {"PYSEC-2018-28", "PYSEC-2023-74"}, "below 2.20.0 and 2.31.0"},
      {"flask", "2.2.4", {"PYSEC-2023-62"}, "[0, 2.2.5)"},
      {"flask", "2.2.5", {}, "fix of the 2.2 branch"},
      {"flask", "2.3.1", {"PYSEC-2023-62"}, "second range [2.3.0, 2.3.2)"},
      {"urllib3", "2.0.5", {"PYSEC-2023-192", "PYSEC-2023-212"},
       "events written out of order (introduced 2.0.0, fixed 2.0.6, introduced 0, fixed 1.26.17): sorted first"},
      {"urllib3", "1.26.17", {"PYSEC-2023-212"}, "fix of PYSEC-2023-192's 1.x range, inside [0, 1.26.18)"},
      {"paramiko", "2.0.8", {"PYSEC-2018-69", "PYSEC-2022-166"}, "fix of PYSEC-2018-19's 2.0 range; [1.5.1, 2.0.9); [0, 2.9.3)"},
      {"paramiko", "1.18.4", {"PYSEC-2018-19", "PYSEC-2018-69", "PYSEC-2022-166"}, "range [1.18.0, 1.18.5) written last"},
      {"numpy", "1.16.2", {"PYSEC-2021-856", "PYSEC-2021-857"}, "CVE-2019-6446 is fixed in 1.16.1 in this data"},
      {"numpy", "1.9.0",
       {"PYSEC-2017-1", "PYSEC-2019-108", "PYSEC-2021-854", "PYSEC-2021-855", "PYSEC-2021-856", "PYSEC-2021-857"},
       "introduced 1.9.0 for 854/855; 1.8.1 fixes 2018-33/34"},
      {"scikit-learn", "0.23.2", {"PYSEC-2020-108"}, "fixed in 0.24.dev0"},
      {"scikit-learn", "0.24.dev0", {}, "exactly the fix, a dev release"},
      {"scikit-learn", "1.4.0", {}, "CVE-2024-5206 is not in the snapshot"},
      {"streamlit", "0.62.0", {}, "introduced 0.63.0"},
      {"streamlit", "0.63.0", {"PYSEC-2022-248", "PYSEC-2023-50"}, "exactly introduced"},
      {"aiohttp", "3.9.2", {}, "only the withdrawn PYSEC-2022-43059 (all versions) would match"},
      {"aiohttp", "3.9.1", {"PYSEC-2024-24", "PYSEC-2024-26"}, "fixed in 3.9.2"},
      {"werkzeug", "3.0.0", {"PYSEC-2023-221"}, "[3.0.0, 3.0.1)"},
      {"opencv-python", "4.8.0.76", {"PYSEC-2023-183"}, "the last listed version, four release numbers"},
      {"opencv-python", "4.8.1.78", {}, "exactly the fix"},
      {"langchain-core", "0.1.10", {"PYSEC-2024-45"}, "[0, 0.1.11)"},
  };
  size_t checked = 0;
  for (const auto& [package, version, expected, why] : cases) {
    EXPECT_EQ(ids(embedded(), package, version), expected) << package << " " << version << ": " << why;
    ++checked;
  }
  EXPECT_GE(checked, 30u);
}

TEST(Advisories, TensorflowBranchFixIsNotTheTrunkFix) {
  // CVE-2021-37678 (PYSEC-2021-300) affects [2.3.0, 2.3.4) and [2.4.0, 2.4.3): 2.5.3 is not among
  // them (tensorflow releases match dozens of other advisories, so only this one is asserted).
  EXPECT_FALSE(ids(embedded(), "tensorflow", "2.5.3").contains("PYSEC-2021-300"));
  EXPECT_TRUE(ids(embedded(), "tensorflow", "2.3.3").contains("PYSEC-2021-300"));
  EXPECT_TRUE(ids(embedded(), "tensorflow", "2.4.2").contains("PYSEC-2021-300"));    // last affected of the 2.4 branch
  EXPECT_FALSE(ids(embedded(), "tensorflow", "2.4.3").contains("PYSEC-2021-300"));   // exactly the branch's fix
  EXPECT_TRUE(ids(embedded(), "tensorflow-cpu", "2.4.2").contains("PYSEC-2021-591")); // the same CVE for the CPU build
  EXPECT_FALSE(ids(embedded(), "tensorflow-cpu", "2.5.3").contains("PYSEC-2021-591"));
}

TEST(Advisories, UpgradeAdviceFixesEveryMatch) {
  EXPECT_EQ(fix(embedded(), "pyyaml", "5.3"), "5.4");          // not 5.3.1, which still has CVE-2020-14343
  EXPECT_EQ(fix(embedded(), "torch", "1.13.0"), "1.13.1");
  EXPECT_EQ(fix(embedded(), "mlflow", "2.3.1"), "2.10.1");
  EXPECT_EQ(fix(embedded(), "requests", "2.19.1"), "2.31.0");
  EXPECT_EQ(fix(embedded(), "flask", "2.2.4"), "2.2.5");        // the branch's fix, as pip-audit lists it
  EXPECT_EQ(fix(embedded(), "urllib3", "2.0.5"), "2.0.7");
  EXPECT_EQ(fix(embedded(), "paramiko", "2.0.8"), "2.9.3");     // 2.0.9 still has PYSEC-2022-166
  EXPECT_EQ(fix(embedded(), "numpy", "1.9.0"), "1.19.1");
  // With the newer export, torch 1.13.0 needs 2.6.0 (CVE-2025-32434) as well.
  EXPECT_EQ(fix(with_export(), "torch", "1.13.0"), "2.6.0");
}

TEST(Advisories, SeverityComesFromTheAdvisory) {
  auto severity_of = [](const AdvisoryDatabase& database, const std::string& package, std::string_view version) {
    auto match = match_version(database.advisories_for(package), package, v(version));
    return match.groups.empty() ? std::string("none") : match.groups.front().severity().level;
  };
  EXPECT_EQ(severity_of(embedded(), "llama-index", "0.7.13"), "critical");   // PYSEC-2023-148: CVSS 3.1 9.8
  EXPECT_EQ(severity_of(embedded(), "fastapi", "0.109.0"), "high");          // PYSEC-2024-38: A:H, 7.5
  EXPECT_EQ(severity_of(embedded(), "gradio", "4.13.0"), "high");            // PYSEC-2023-255: 8.1
  EXPECT_EQ(severity_of(embedded(), "torch", "1.13.0"), "");                 // the record gives none
  EXPECT_EQ(severity_of(with_export(), "torch", "2.5.1"), "critical");       // GHSA database rating (CVSS 4 only)
  auto gradio = match_version(embedded().advisories_for("gradio"), "gradio", v("4.13.0"));
  EXPECT_DOUBLE_EQ(gradio.groups.front().severity().score, 8.1);
}

TEST(Advisories, NewerExportAddsAndKeepsKerasBranchesApart) {
  const AdvisoryDatabase& database = with_export();
  ASSERT_EQ(database.snapshots().size(), 2u);
  EXPECT_FALSE(database.snapshots().back().embedded);
  EXPECT_EQ(database.snapshots().back().advisories, 3u);
  EXPECT_NE(database.describe().find("osv-export"), std::string::npos);
  EXPECT_EQ(ids(database, "torch", "1.13.0"), (std::set<std::string>{"PYSEC-2022-43015", "GHSA-53q9-r3pm-6pq6"}));
  EXPECT_EQ(ids(database, "torch", "2.5.1"), (std::set<std::string>{"GHSA-53q9-r3pm-6pq6"}));
  EXPECT_EQ(ids(database, "torch", "2.6.0"), (std::set<std::string>{}));
  // keras 2.1.2 has the Keras 2 code-injection advisory, not the Keras 3 config one.
  EXPECT_EQ(ids(database, "keras", "2.1.2"), (std::set<std::string>{"GHSA-x4wf-678h-2pmq"}));
  EXPECT_EQ(ids(database, "keras", "3.8.0"), (std::set<std::string>{"GHSA-48g7-3x6r-xfhp"}));
  EXPECT_EQ(ids(database, "keras", "3.9.0"), (std::set<std::string>{}));
  EXPECT_EQ(ids(database, "keras", "2.13.1rc0"), (std::set<std::string>{}));
  EXPECT_EQ(ids(database, "keras", "2.13.0"), (std::set<std::string>{"GHSA-x4wf-678h-2pmq"}));
}

TEST(Advisories, RangesAdmitAffectedReleases) {
  auto range = [](const std::string& package, std::string_view specifier) {
    return match_range(embedded().advisories_for(package), package, *pep440::SpecifierSet::parse(specifier),
                       embedded().releases_for(package));
  };
  auto wide = range("torch", ">=1.10");
  ASSERT_EQ(wide.groups.size(), 1u);
  EXPECT_EQ(wide.vulnerable.front().str(), "1.10.0");
  EXPECT_EQ(wide.vulnerable.back().str(), "1.13.0");
  EXPECT_EQ(wide.safe_bound->bound(), ">=1.13.1");
  EXPECT_TRUE(wide.bound_admitted);
  EXPECT_TRUE(range("torch", ">=1.13.1").groups.empty());
  EXPECT_TRUE(range("torch", ">1.13.0").groups.empty());   // admits 1.13.0.post1 in theory; no such release is known
  auto old_branch = range("torch", "==1.12.*");
  EXPECT_EQ(old_branch.vulnerable.size(), 2u);             // 1.12.0 and 1.12.1
  EXPECT_FALSE(old_branch.bound_admitted);                 // >=1.13.1 lies outside the range
  auto compatible = range("pyyaml", "~=5.3");
  std::vector<std::string> admitted;
  for (const auto& version : compatible.vulnerable) admitted.push_back(version.str());
  EXPECT_EQ(admitted, (std::vector<std::string>{"5.3", "5.3.1"}));   // 5.4b1/5.4b2 are pre-releases: excluded
  EXPECT_EQ(compatible.safe_bound->bound(), ">=5.4");
  auto below = range("torch", "<1.0");
  EXPECT_TRUE(below.admits_first_versions);                // nothing released is listed below 1.0, yet [0, 1.13.1) covers it
  EXPECT_EQ(below.safe_bound->bound(), ">=1.13.1");
}

TEST(Advisories, CompactFormRoundTrips) {
  for (const auto& advisory : embedded().advisories()) {
    std::string problem;
    auto back = from_compact(nlohmann::json::parse(to_compact(advisory).dump()), problem);
    ASSERT_TRUE(back) << advisory.id << ": " << problem;
    EXPECT_EQ(back->id, advisory.id);
    EXPECT_EQ(back->aliases, advisory.aliases);
    EXPECT_EQ(back->severity.level, advisory.severity.level);
    ASSERT_EQ(back->affected.size(), advisory.affected.size());
    EXPECT_EQ(back->affected[0].versions, advisory.affected[0].versions);
    EXPECT_EQ(back->affected[0].ranges.size(), advisory.affected[0].ranges.size());
  }
}

TEST(Advisories, ConvertsTheSharedDatabaseLikeTheEmbeddedFile) {
  fs::path vulns = testing::shared_dir() / "advisories/pypa-advisory-database/vulns";
  if (!fs::exists(vulns))
    GTEST_SKIP() << "skipping: the PyPA advisory database snapshot is not at " << vulns.string()
                 << " (the workspace's shared/ folder; set MLAUDIT_SHARED to point elsewhere)";
  std::vector<LoadProblem> problems;
  for (const char* package : {"pyyaml", "tensorflow", "paramiko", "urllib3"}) {
    auto records = read_osv_records(vulns / package, problems);
    EXPECT_TRUE(problems.empty());
    ASSERT_FALSE(records.empty());
    for (const auto& record : records) {
      auto match = std::find_if(embedded().advisories().begin(), embedded().advisories().end(),
                                [&](const Advisory& advisory) { return advisory.id == record.id; });
      ASSERT_NE(match, embedded().advisories().end()) << record.id << ": regenerate with scripts/update-advisories.sh";
      EXPECT_EQ(match->aliases, record.aliases);
      EXPECT_EQ(match->summary, record.summary);
      EXPECT_EQ(match->severity.vector, record.severity.vector);
      // The compact form lists a version only where the ranges miss it: matching must not change.
      const AffectedPackage& original = record.affected.front();
      const AffectedPackage* compact = match->for_package(original.name);
      ASSERT_TRUE(compact);
      for (const auto& version : embedded().releases_for(original.name))
        EXPECT_EQ(compact->affects({version, false}), original.affects({version, false})) << record.id << " " << version.str();
      for (const auto& version : original.parsed_versions) EXPECT_TRUE(compact->affects({version, false})) << record.id;
    }
  }
  // The whole snapshot reads without problems except the withdrawn and malformed records it really has.
  auto all = read_osv_records(vulns, problems);
  EXPECT_GT(all.size(), 2600u);
}

TEST(Advisories, ReadsZipExportsAndGroupsAliases) {
  testing::TempDir dir;
  std::string torch = testing::read_text(testing::fixture("advisories/osv-export/GHSA-53q9-r3pm-6pq6.json"));
  // The same vulnerability as a PYSEC record (osv.dev exports carry both): one group.
  auto pysec = nlohmann::json::parse(torch);
  pysec["id"] = "PYSEC-2025-41";
  pysec["aliases"] = {"CVE-2025-32434", "GHSA-53q9-r3pm-6pq6"};
  fs::path archive_path = dir.path() / "all.zip";
  int error = 0;
  zip_t* archive = zip_open(archive_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_TRUE(archive);
  std::string pysec_text = pysec.dump();
  zip_source_t* first = zip_source_buffer(archive, torch.data(), torch.size(), 0);
  zip_source_t* second = zip_source_buffer(archive, pysec_text.data(), pysec_text.size(), 0);
  ASSERT_GE(zip_file_add(archive, "GHSA-53q9-r3pm-6pq6.json", first, ZIP_FL_OVERWRITE), 0);
  ASSERT_GE(zip_file_add(archive, "PYSEC-2025-41.json", second, ZIP_FL_OVERWRITE), 0);
  ASSERT_EQ(zip_close(archive), 0);
  auto [database, problems] = load_advisory_data(archive_path);
  EXPECT_TRUE(problems.empty());
  auto match = match_version(database->advisories_for("torch"), "torch", v("2.5.1"));
  ASSERT_EQ(match.groups.size(), 1u);
  EXPECT_EQ(match.groups.front().records.size(), 2u);
  EXPECT_EQ(match.groups.front().id(), "GHSA-53q9-r3pm-6pq6");
  EXPECT_EQ(match.groups.front().aliases(), (std::vector<std::string>{"CVE-2025-32434", "PYSEC-2025-41"}));
}

TEST(Advisories, BadExportFilesAreReportedAndSkipped) {
  testing::TempDir dir;
  dir.write("export/good.json", testing::read_text(testing::fixture("advisories/osv-export/GHSA-53q9-r3pm-6pq6.json")));
  dir.write("export/broken.json", "{\"id\": \"GHSA-xxxx\", \"affected\": [");
  dir.write("export/not-a-record.json", "[1, 2, 3]");
  dir.write("export/bad-version.yaml",
            "id: PYSEC-TEST-1\naffected:\n  - package: {ecosystem: PyPI, name: torch}\n"
            "    ranges:\n      - type: ECOSYSTEM\n        events: [{introduced: '0'}, {fixed: 'not a version!'}]\n");
  dir.write("export/bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n");
  dir.write("export/loop.yaml", "{},\n");   // yaml-cpp's LoadAll never returned on this
  dir.write("export/other-ecosystem.json",
            R"({"id": "GHSA-npm", "affected": [{"package": {"ecosystem": "npm", "name": "torch"}, "versions": ["1.0.0"]}]})");
  auto [database, problems] = load_advisory_data(dir.path() / "export");
  EXPECT_EQ(database->snapshots().back().advisories, 1u);   // only good.json is a usable PyPI record
  std::set<std::string> files;
  for (const auto& problem : problems) files.insert(fs::path(problem.file).filename().string());
  EXPECT_TRUE(files.contains("broken.json"));
  EXPECT_TRUE(files.contains("not-a-record.json"));
  EXPECT_TRUE(files.contains("bad-version.yaml"));
  EXPECT_TRUE(files.contains("bomb.yaml"));
  EXPECT_TRUE(files.contains("loop.yaml"));
  EXPECT_FALSE(files.contains("other-ecosystem.json"));   // not ours to read, not a problem
  EXPECT_THROW(load_advisory_data(dir.path() / "missing"), std::runtime_error);
  dir.write("empty/readme.txt", "nothing here");
  EXPECT_THROW(load_advisory_data(dir.path() / "empty"), std::runtime_error);
}

// Advisory text reaches every report: bytes that are not UTF-8 (a hand-written YAML export)
// are escaped as \xHH before the YAML is read (libyaml refuses them), so a plain scalar
// keeps the escape as text, and inside a double-quoted scalar YAML reads \xHH as the code
// point (Latin-1's reading of the byte). Either way the reports get valid UTF-8.
TEST(Advisories, InvalidUtf8InAdvisoryTextIsEscaped) {
  testing::TempDir dir;
  std::string range = "affected:\n  - package: {ecosystem: PyPI, name: torch}\n    versions: ['1.0']\n";
  dir.write("export/summary.yaml", "id: PYSEC-TEST-2\nsummary: bad \xff\xfe byte\n" + range);
  dir.write("export/details.yaml", "id: PYSEC-TEST-3\ndetails: \"caf\xe9 crash\"\n" + range);
  auto [database, problems] = load_advisory_data(dir.path() / "export");
  EXPECT_TRUE(problems.empty());
  std::map<std::string, std::string> summaries;
  for (const Advisory* advisory : database->advisories_for("torch")) summaries[advisory->id] = advisory->summary;
  EXPECT_EQ(summaries["PYSEC-TEST-2"], "bad \\xff\\xfe byte");
  EXPECT_EQ(summaries["PYSEC-TEST-3"], "caf\u00e9 crash");
}

}  // namespace
}  // namespace mlaudit
