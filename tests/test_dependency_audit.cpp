// advisories/dependency_audit.cpp with the extractors that feed it: which version each
// manifest line stands for (pins, constraints files, lock files), one finding per
// package@version, ranges that admit affected versions, and the no-data notes.
#include <gtest/gtest.h>

#include "reports/html/html_report.h"
#include "reports/json/json_report.h"
#include "reports/sarif/sarif_report.h"
#include "test_support.h"

namespace mlaudit {
namespace {

const std::vector<std::string> kDependencyRules = {"config.vulnerable-dependency", "config.dependency-allows-vulnerable"};

using testing::findings_of;

const Finding* finding_for(const ScanResult& result, const std::string& name, const std::string& version) {
  for (const auto& finding : result.findings)
    if (finding.evidence.value("name", "") == name &&
        (finding.evidence.value("version", "") == version || finding.evidence.value("range", "") == version))
      return &finding;
  return nullptr;
}

std::string place(const Location& location) { return location.file + ":" + std::to_string(location.line); }

std::vector<std::string> notes(const ScanResult& result, const std::string& code) {
  std::vector<std::string> found;
  for (const auto& diagnostic : result.diagnostics)
    if (diagnostic.code == code) found.push_back(diagnostic.location.file + ": " + diagnostic.message);
  return found;
}

TEST(DependencyAudit, OneFindingPerPackageVersionWithEveryAdvisory) {
  testing::TempDir dir;
  dir.write("requirements.txt", "# app\nPyYAML==5.3\ntorch==1.13.0\nflask==2.3.2\n");
  dir.write("docker/requirements.txt", "pyyaml==5.3   # same version, another file\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  auto found = findings_of(result, "config.vulnerable-dependency");
  ASSERT_EQ(found.size(), 2u);   // pyyaml@5.3 once (two places), torch@1.13.0; flask 2.3.2 is the fix
  const Finding* pyyaml = finding_for(result, "pyyaml", "5.3");
  ASSERT_TRUE(pyyaml);
  EXPECT_EQ(place(pyyaml->location), "docker/requirements.txt:1");   // places in path order; the other is related
  ASSERT_EQ(pyyaml->related.size(), 1u);
  EXPECT_EQ(place(pyyaml->related[0].location), "requirements.txt:2");
  EXPECT_EQ(pyyaml->evidence["count"], 2);
  EXPECT_EQ(pyyaml->evidence["advisory_ids"], "PYSEC-2020-96, PYSEC-2021-142");
  EXPECT_EQ(pyyaml->evidence["fix"], "5.4");
  EXPECT_NE(pyyaml->message.find("upgrade to 5.4, the lowest release that fixes all of them"), std::string::npos) << pyyaml->message;
  EXPECT_NE(pyyaml->message.find("(PYSEC-2020-96 (CVE-2020-1747), PYSEC-2021-142 (CVE-2020-14343))"), std::string::npos)
      << pyyaml->message;
  EXPECT_EQ(pyyaml->evidence["advisories"].size(), 2u);
  EXPECT_EQ(pyyaml->evidence["advisories"][1]["summary"].get<std::string>().substr(0, 46),
            "A vulnerability was discovered in the PyYAML l");
  // Neither record gives a severity: medium, and the finding says why.
  EXPECT_EQ(pyyaml->severity, Severity::medium);
  EXPECT_NE(pyyaml->evidence.value("severity_reason", "").find("medium by default"), std::string::npos);
  const Finding* torch = finding_for(result, "torch", "1.13.0");
  ASSERT_TRUE(torch);
  EXPECT_EQ(place(torch->location), "requirements.txt:3");
  EXPECT_EQ(torch->evidence["fix"], "1.13.1");
  EXPECT_NE(torch->evidence.value("snapshot", "").find("pypa/advisory-database@3ccb612573e2 (2024-10-10)"), std::string::npos);
}

TEST(DependencyAudit, SeverityFollowsTheHighestAdvisory) {
  testing::TempDir dir;
  // python-multipart and aiohttp.web: the project reaches FastAPI's and aiohttp's 7.5 flaws.
  dir.write("requirements.txt", "llama-index==0.7.13\nfastapi==0.109.0\naiohttp==3.9.1\npython-multipart\n");
  dir.write("server.py", "from aiohttp import web\napp = web.Application()\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  EXPECT_EQ(finding_for(result, "llama-index", "0.7.13")->severity, Severity::critical);   // CVSS 9.8
  EXPECT_EQ(finding_for(result, "fastapi", "0.109.0")->severity, Severity::high);         // CVSS 7.5
  const Finding* aiohttp = finding_for(result, "aiohttp", "3.9.1");                        // 7.5 and 6.5
  EXPECT_EQ(aiohttp->severity, Severity::high);
  EXPECT_NE(aiohttp->evidence.value("severity_reason", "").find("PYSEC-2024-24"), std::string::npos);
}

// An advisory whose vulnerable code the project cannot reach (advisory-reach.yml) stays in
// the finding and counts one level lower: FastAPI's multipart ReDoS without python-multipart
// beside it, aiohttp's server flaws without aiohttp.web. Installing or importing what the
// flaw needs, or an extra that brings it in, raises the finding back.
TEST(DependencyAudit, AdvisoriesTheProjectCannotReachCountALevelLower) {
  testing::TempDir client;
  client.write("svc/requirements.txt", "fastapi==0.109.0\naiohttp==3.9.1\n");
  client.write("other/requirements.txt", "python-multipart\n");   // another service's environment
  client.write("svc/app.py", "import aiohttp\nfrom fastapi import FastAPI\napp = FastAPI()\n"
                             "async def fetch(url):\n    async with aiohttp.ClientSession() as s:\n        return await s.get(url)\n");
  client.write("tests/test_server.py", "from aiohttp import web\n");   // tests do not count
  ScanResult result = testing::scan(client.path(), kDependencyRules);
  const Finding* fastapi = finding_for(result, "fastapi", "0.109.0");
  ASSERT_TRUE(fastapi);
  EXPECT_EQ(fastapi->severity, Severity::medium);
  EXPECT_NE(fastapi->message.find("(not reached here, so a level lower: PYSEC-2024-38)"), std::string::npos) << fastapi->message;
  std::string why = fastapi->evidence["advisories"][0].value("unreached_because", "");
  EXPECT_NE(why.find("python-multipart"), std::string::npos) << why;
  const Finding* aiohttp = finding_for(result, "aiohttp", "3.9.1");
  ASSERT_TRUE(aiohttp);
  EXPECT_EQ(aiohttp->severity, Severity::medium);
  EXPECT_NE(aiohttp->evidence.value("severity_reason", "").find("aiohttp's web server"), std::string::npos)
      << aiohttp->evidence.value("severity_reason", "");

  testing::TempDir server;
  server.write("requirements.txt", "fastapi[all]==0.109.0\naiohttp==3.9.1\n");
  server.write("app.py", "import aiohttp.web\napp = aiohttp.web.Application()\n");
  ScanResult reached = testing::scan(server.path(), kDependencyRules);
  ASSERT_TRUE(finding_for(reached, "fastapi", "0.109.0"));
  EXPECT_EQ(finding_for(reached, "fastapi", "0.109.0")->severity, Severity::high);
  EXPECT_EQ(finding_for(reached, "fastapi", "0.109.0")->message.find("not reached"), std::string::npos);
  ASSERT_TRUE(finding_for(reached, "aiohttp", "3.9.1"));
  EXPECT_EQ(finding_for(reached, "aiohttp", "3.9.1")->severity, Severity::high);
}

TEST(DependencyAudit, ConstraintsPinThroughIncludes) {
  testing::TempDir dir;
  dir.write("requirements.txt", "-c constraints.txt\n-r requirements-base.txt\ntorch\n");
  dir.write("requirements-base.txt", "pyyaml\n");
  dir.write("constraints.txt", "torch==1.13.0\npyyaml==5.3\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  const Finding* torch = finding_for(result, "torch", "1.13.0");
  ASSERT_TRUE(torch);
  EXPECT_EQ(place(torch->location), "constraints.txt:1");
  ASSERT_EQ(torch->related.size(), 1u);
  EXPECT_EQ(place(torch->related[0].location), "requirements.txt:3");
  const Finding* pyyaml = finding_for(result, "pyyaml", "5.3");
  ASSERT_TRUE(pyyaml);
  ASSERT_EQ(pyyaml->related.size(), 1u);
  EXPECT_EQ(place(pyyaml->related[0].location), "requirements-base.txt:1");   // constrained through the -r include
  EXPECT_TRUE(findings_of(result, "config.dependency-allows-vulnerable").empty());
}

TEST(DependencyAudit, LockFilesWinOverRanges) {
  testing::TempDir dir;
  dir.write("app/pyproject.toml", "[tool.poetry.dependencies]\npython = \"^3.10\"\ntorch = \"^1.10\"\nmlflow = \">=2\"\n");
  dir.write("app/poetry.lock", "[[package]]\nname = \"torch\"\nversion = \"1.13.0\"\n\n[[package]]\nname = \"mlflow\"\n"
                               "version = \"2.10.1\"\n\n[[package]]\nname = \"urllib3\"\nversion = \"2.0.5\"\n");
  dir.write("svc/pyproject.toml", "[project]\nname = \"svc\"\ndependencies = [\"requests>=2.0\", \"numpy\"]\n");
  dir.write("uv.lock", "version = 1\n[[package]]\nname = \"svc\"\nversion = \"0.1.0\"\nsource = { editable = \"svc\" }\n\n"
                       "[[package]]\nname = \"requests\"\nversion = \"2.30.0\"\n");
  dir.write("pipenv/Pipfile", "[packages]\npyyaml = \"*\"\n");
  dir.write("pipenv/Pipfile.lock", "{\n  \"_meta\": {},\n  \"default\": {\n    \"pyyaml\": {\n      \"version\": \"==5.3\"\n    }\n  },\n"
                                   "  \"develop\": {}\n}\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  const Finding* torch = finding_for(result, "torch", "1.13.0");
  ASSERT_TRUE(torch);
  EXPECT_EQ(place(torch->location), "app/poetry.lock:2");
  ASSERT_EQ(torch->related.size(), 1u);
  EXPECT_EQ(place(torch->related[0].location), "app/pyproject.toml:3");
  EXPECT_NE(torch->related[0].message.find("locks 1.13.0"), std::string::npos) << torch->related[0].message;
  // mlflow>=2 would admit affected releases, but the lock says 2.10.1: nothing to report.
  EXPECT_FALSE(finding_for(result, "mlflow", "2.10.1"));
  EXPECT_FALSE(finding_for(result, "mlflow", ">=2"));
  EXPECT_TRUE(findings_of(result, "config.dependency-allows-vulnerable").empty());
  EXPECT_TRUE(finding_for(result, "urllib3", "2.0.5"));    // a transitive dependency, only in the lock
  const Finding* requests = finding_for(result, "requests", "2.30.0");   // uv.lock at the workspace root
  ASSERT_TRUE(requests);
  EXPECT_EQ(place(requests->related.at(0).location), "svc/pyproject.toml:3");
  EXPECT_FALSE(finding_for(result, "svc", "0.1.0"));
  const Finding* pyyaml = finding_for(result, "pyyaml", "5.3");
  ASSERT_TRUE(pyyaml);
  EXPECT_EQ(place(pyyaml->location), "pipenv/Pipfile.lock:4");
}

// Development-only packages keep the advisories' level (as Dependabot does) and say so: the
// message and the evidence's scope set them apart for a gate or a reader.
TEST(DependencyAudit, PackagesOnlyDevelopmentInstallsAreMarked) {
  auto scope_of = [](const Finding* finding) { return finding ? finding->evidence.value("scope", "") : "(none)"; };
  testing::TempDir dir;
  // fastapi 0.109.0 is high (7.5), aiohttp 3.9.1 high, llama-index 0.7.13 critical.
  dir.write("svc/Pipfile.lock",
            "{\n  \"default\": {\n    \"aiohttp\": {\"version\": \"==3.9.1\"}\n  },\n"
            "  \"develop\": {\n    \"fastapi\": {\"version\": \"==0.109.0\"},\n    \"aiohttp\": {\"version\": \"==3.9.1\"},\n"
            "    \"python-multipart\": {\"version\": \"==0.0.9\"}\n  }\n}\n");
  dir.write("requirements-dev.txt", "llama-index==0.7.13\n");
  dir.write("lib/pyproject.toml", "[project]\nname = \"lib\"\ndependencies = []\n[project.optional-dependencies]\n"
                                  "test = [\"pyyaml==5.3\"]\nserve = [\"torch==1.13.0\"]\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  const Finding* fastapi = finding_for(result, "fastapi", "0.109.0");
  ASSERT_TRUE(fastapi);
  EXPECT_EQ(scope_of(fastapi), "development");   // only in the develop section
  EXPECT_EQ(fastapi->severity, Severity::high);  // the advisory's level all the same
  EXPECT_NE(fastapi->message.find("`fastapi` 0.109.0 (installed only for development) has 1 known"), std::string::npos)
      << fastapi->message;
  EXPECT_EQ(scope_of(finding_for(result, "aiohttp", "3.9.1")), "runtime");   // also in the default section: it ships
  EXPECT_EQ(finding_for(result, "aiohttp", "3.9.1")->message.find("development"), std::string::npos);
  EXPECT_EQ(scope_of(finding_for(result, "llama-index", "0.7.13")), "development");
  EXPECT_EQ(finding_for(result, "llama-index", "0.7.13")->severity, Severity::critical);
  EXPECT_EQ(scope_of(finding_for(result, "pyyaml", "5.3")), "development");   // a "test" extra
  EXPECT_EQ(scope_of(finding_for(result, "torch", "1.13.0")), "runtime");     // a "serve" extra runs the project

  // A develop section the project's own code imports from is its working environment; a
  // tool's dependency (a lock entry nobody declared) being imported says nothing.
  testing::TempDir notebooks;
  notebooks.write("ds/Pipfile", "[dev-packages]\npyyaml = \"*\"\n");
  notebooks.write("ds/Pipfile.lock", "{\"default\": {}, \"develop\": {\"pyyaml\": {\"version\": \"==5.3\"},"
                                     " \"fastapi\": {\"version\": \"==0.109.0\"}}}\n");
  notebooks.write("ds/train.py", "import yaml\nconfig = yaml.safe_load(open('train.yml'))\n");
  notebooks.write("tests/test_api.py", "import fastapi\n");
  notebooks.write("tools/Pipfile", "[dev-packages]\nawsebcli = \"*\"\n");
  notebooks.write("tools/Pipfile.lock", "{\"default\": {}, \"develop\": {\"requests\": {\"version\": \"==2.20.1\"},"
                                        " \"urllib3\": {\"version\": \"==1.24.3\"}}}\n");
  notebooks.write("tools/client.py", "import requests\nrequests.post('http://localhost:9696/predict', json={})\n");
  ScanResult working = testing::scan(notebooks.path(), kDependencyRules);
  EXPECT_EQ(scope_of(finding_for(working, "fastapi", "0.109.0")), "runtime");
  EXPECT_EQ(scope_of(finding_for(working, "urllib3", "1.24.3")), "development");
  EXPECT_EQ(scope_of(finding_for(working, "requests", "2.20.1")), "development");
}

TEST(DependencyAudit, EveryManifestKindIsRead) {
  testing::TempDir dir;
  dir.write("environment.yml", "name: env\ndependencies:\n  - pytorch=1.13.0\n  - python=3.10\n  - pip:\n    - gradio==4.13.0\n");
  dir.write("setup.cfg", "[options]\ninstall_requires =\n    numpy==1.16.2\n");
  dir.write("setup.py", "from setuptools import setup\nREQUIRED = [\n    'requests==2.30.0',\n]\n"
                        "setup(name='x', install_requires=REQUIRED)\n");
  dir.write("lib/setup.py", "import setuptools\nsetuptools.setup(\n    install_requires=[\"flask==2.2.4\", f\"x{1}\"],\n)\n");
  dir.write("Dockerfile", "FROM python:3.11\nRUN pip install --no-cache-dir -U \\\n    'pyyaml==5.3' torch==1.13.0 \\\n"
                          "    && python -m pip install -r requirements.txt\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  EXPECT_EQ(place(finding_for(result, "torch", "1.13.0")->location), "Dockerfile:3");
  EXPECT_EQ(place(finding_for(result, "torch", "1.13.0")->related.at(0).location), "environment.yml:3");   // conda's pytorch
  EXPECT_EQ(place(finding_for(result, "gradio", "4.13.0")->location), "environment.yml:6");
  EXPECT_EQ(place(finding_for(result, "numpy", "1.16.2")->location), "setup.cfg:3");
  EXPECT_EQ(place(finding_for(result, "requests", "2.30.0")->location), "setup.py:3");
  EXPECT_EQ(place(finding_for(result, "flask", "2.2.4")->location), "lib/setup.py:3");
  EXPECT_EQ(place(finding_for(result, "pyyaml", "5.3")->location), "Dockerfile:3");
  for (const auto& note : notes(result, "no-advisory-data")) EXPECT_EQ(note.find("python"), std::string::npos) << note;
}

// A range that also admits a fixed release is low (a fresh install gets the fix); a range
// whose every release is affected is graded as a pin of one would be.
TEST(DependencyAudit, RangesAreGradedByWhetherTheyAdmitAFixedRelease) {
  testing::TempDir dir;
  dir.write("requirements.txt", "torch>=1.10\nllama-index>=0.7,<0.8\nrequests>=2.31\nnumpy\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  const Finding* torch = finding_for(result, "torch", ">=1.10");
  ASSERT_TRUE(torch);
  EXPECT_EQ(torch->rule->id, "config.dependency-allows-vulnerable");
  EXPECT_EQ(torch->severity, Severity::low);   // >=1.10 admits 1.13.1 and later
  EXPECT_NE(torch->evidence["severity_reason"].get<std::string>().find("also admits releases free of them (>=1.13.1)"),
            std::string::npos) << torch->evidence["severity_reason"];
  EXPECT_EQ(torch->evidence["fix"], ">=1.13.1");
  EXPECT_NE(torch->message.find("require >=1.13.1"), std::string::npos) << torch->message;
  const Finding* llama = finding_for(result, "llama-index", ">=0.7,<0.8");
  ASSERT_TRUE(llama) << "ranges are kept in PEP 440's normal form";
  EXPECT_EQ(llama->severity, Severity::critical);   // every 0.7.x is affected: as a pin would be
  EXPECT_NE(llama->evidence["severity_reason"].get<std::string>().find("every release the range admits is affected"),
            std::string::npos) << llama->evidence["severity_reason"];
  EXPECT_NE(llama->message.find("no release the range admits is free of them"), std::string::npos) << llama->message;
  EXPECT_FALSE(finding_for(result, "requests", ">=2.31"));
  EXPECT_FALSE(finding_for(result, "numpy", ""));   // a bare name is config.dependency-unpinned's business
}

TEST(DependencyAudit, PackagesWithoutAdvisoryDataAreNamed) {
  testing::TempDir dir;
  dir.write("requirements.txt", "ray==2.7.0\ntransformers==4.30.2\nmlflow==2.3.1\nkeras==2.1.2\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  auto missing = notes(result, "no-advisory-data");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("requirements.txt: 3 packages have no advisory data"), std::string::npos) << missing[0];
  EXPECT_NE(missing[0].find("keras, ray, transformers"), std::string::npos) << missing[0];
  EXPECT_NE(missing[0].find("does not mean they have none"), std::string::npos);
  const Finding* mlflow = finding_for(result, "mlflow", "2.3.1");
  ASSERT_TRUE(mlflow);
  EXPECT_EQ(mlflow->evidence["count"], 4);
  EXPECT_EQ(mlflow->evidence["fix"], "2.10.1");
  EXPECT_FALSE(finding_for(result, "keras", "2.1.2"));
  EXPECT_FALSE(finding_for(result, "ray", "2.7.0"));
}

TEST(DependencyAudit, NewerExportFromConfigOrOption) {
  testing::TempDir dir;
  dir.write("requirements.txt", "torch==1.13.0\nkeras==2.1.2\n");
  dir.write(".mlaudit.yml", "advisories: " + testing::fixture("advisories/osv-export").string() + "\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  const Finding* torch = finding_for(result, "torch", "1.13.0");
  ASSERT_TRUE(torch);
  EXPECT_EQ(torch->evidence["fix"], "2.6.0");
  EXPECT_EQ(torch->severity, Severity::critical);   // the GitHub database rating of CVE-2025-32434
  EXPECT_NE(result.dependencies.snapshot.find("OSV export"), std::string::npos);
  const Finding* keras = finding_for(result, "keras", "2.1.2");
  ASSERT_TRUE(keras);
  EXPECT_EQ(keras->evidence["advisory_ids"], "GHSA-x4wf-678h-2pmq");   // not the Keras 3 GHSA-48g7-3x6r-xfhp
  // A path that does not exist is the user's error.
  dir.write(".mlaudit.yml", "advisories: no/such/folder\n");
  EXPECT_THROW(testing::scan(dir.path(), kDependencyRules), UsageError);
}

TEST(DependencyAudit, ReportsNameTheAdvisoryDataUsed) {
  testing::TempDir dir;
  dir.write("requirements.txt", "torch==1.13.0\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  const std::string expected = "pypa/advisory-database@3ccb612573e2 (2024-10-10)";
  EXPECT_NE(json_report(result)["scan"]["advisory_data"].get<std::string>().find(expected), std::string::npos);
  EXPECT_NE(sarif_report(result)["runs"][0]["properties"]["advisoryData"].get<std::string>().find(expected), std::string::npos);
  EXPECT_NE(html_report(result).find("advisory data: " + expected), std::string::npos);
}

TEST(DependencyAudit, BadVersionsAndHostileManifestsDoNotStopTheScan) {
  testing::TempDir dir;
  dir.write("requirements.txt", "torch==not.a.version\n-r\n-c ../../../etc/passwd\npyyaml===5.3\n" + std::string(5000, '(') + "\n");
  dir.write("poetry.lock", "[[package]\nname = broken");
  dir.write("Pipfile.lock", "{\"default\": {\"torch\": {\"version\": [1, 2]}, \"x\": 5}}");
  dir.write("Dockerfile", "FROM python\nRUN pip install \"unterminated\nRUN pip install ${PKG} ./local.whl https://x/y.tar.gz\n");
  ScanResult result = testing::scan(dir.path(), kDependencyRules);
  EXPECT_TRUE(finding_for(result, "pyyaml", "5.3"));   // === pins too
  EXPECT_FALSE(notes(result, "not-a-pep440-version").empty());
}

}  // namespace
}  // namespace mlaudit
