// ruleset/: rule schema validation, conditions, keys checked against fact types, rule selection.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ruleset/predicate.h"
#include "ruleset/rule_loader.h"
#include "ruleset/schema.h"
#include "pipeline/stages.h"
#include "test_support.h"
#include "util/embedded_files.h"

namespace mlaudit {
namespace {

bool holds(const std::string& condition_yaml, const nlohmann::ordered_json& subject) {
  auto predicate = parse_predicate(YAML::Load(condition_yaml));
  KeyLookup lookup = [&](const KeyPath& path) { return find_path(subject, path); };
  MatchContext context;
  return predicate->evaluate(lookup, context);
}

TEST(RuleEngine, EmbeddedRulesLoadCleanly) {
  RuleSet rules = load_rules({});
  for (const auto& error : rules.errors) ADD_FAILURE() << error.to_string();
  EXPECT_GE(rules.rules.size(), 45u);
  for (const auto& rule : rules.rules) {
    EXPECT_FALSE(rule->description.empty()) << rule->id;
    EXPECT_FALSE(rule->remediation.empty()) << rule->id;
    for (const auto& superseded : rule->supersedes) EXPECT_NE(rules.find(superseded), nullptr) << rule->id << " -> " << superseded;
  }
}

// A condition's key is checked against the properties its fact type declares when the
// rule loads: a typo is an error naming the place, not a rule that never fires.
TEST(RuleEngine, KeyTyposFailWhenRulesLoad) {
  auto rule = [](const std::string& id, const std::string& match) {
    return "id: " + id + "\ntitle: A team rule\nseverity: low\nconfidence: high\nmessage: x\ndescription: x\n"
           "remediation: x\ntaxonomy: {stride: tampering}\nmatch:\n" + match;
  };
  testing::TempDir folder;
  folder.write("team.io-typo.yml", rule("team.io-typo", R"(  fact:
    type: io
    where: {all: [{key: directon, equals: read}, {key: target_kind, equals: url}]}
)"));
  folder.write("team.call-typo.yml", rule("team.call-typo", R"(  call:
    callee: [subprocess.run]
    where: {key: kwarg.shell.value, equals: true}
)"));
  folder.write("team.fine.yml", rule("team.fine", R"(  call:
    callee: [subprocess.run]
    where: {any: [{key: kwargs.shell.value, equals: true}, {key: $file, matches: 'x'}]}
)"));
  RuleSet rules = load_rules({folder.path()});
  std::string messages;
  for (const auto& error : rules.errors) messages += error.to_string() + "\n";
  ASSERT_EQ(rules.errors.size(), 2u) << messages;
  EXPECT_NE(messages.find("team.io-typo.yml:12:"), std::string::npos) << messages;
  EXPECT_NE(messages.find("io facts have no property 'directon'"), std::string::npos) << messages;
  EXPECT_NE(messages.find("team.call-typo.yml:12:"), std::string::npos) << messages;
  EXPECT_NE(messages.find("call facts have no property 'kwarg'"), std::string::npos) << messages;
  EXPECT_NE(rules.find("team.fine"), nullptr);
}

// The other half of that contract: facts carry only the properties their type declares.
TEST(RuleEngine, FactsCarryOnlyDeclaredProperties) {
  ScanOptions options;
  options.target = testing::fixture("");
  ProjectFacts collected = collect_facts(options);
  std::set<std::string> undeclared;
  for (const auto& fact : collected.extraction.facts)
    for (const auto& [key, value] : fact.props.items())
      if (!declares_property(fact.type, key)) undeclared.insert(std::string(to_string(fact.type)) + "." + key);
  EXPECT_GT(collected.extraction.facts.size(), 1000u);
  EXPECT_TRUE(undeclared.empty()) << ::testing::PrintToString(undeclared);
}

TEST(RuleEngine, SchemaErrorsNameFileLineAndColumn) {
  testing::TempDir folder;
  folder.write("team.bad-rule.yml", R"(id: team.bad-rule
title: A rule with mistakes
severity: urgent
confidence: high
message: x
description: x
remediation: x
taxonomy: {stride: tampering, cwe: [94]}
match:
  call:
    callee: pickle.load
  colour: red
)");
  RuleSet rules = load_rules({folder.path()});
  std::vector<std::string> messages;
  for (const auto& error : rules.errors) messages.push_back(error.to_string());
  ASSERT_EQ(messages.size(), 3u) << testing::read_text(folder.path() / "team.bad-rule.yml");
  EXPECT_NE(messages[0].find("team.bad-rule.yml:3:11: severity: 'urgent' is not one of"), std::string::npos) << messages[0];
  EXPECT_NE(messages[1].find(":11:13: match.call.callee: expected array"), std::string::npos) << messages[1];
  EXPECT_NE(messages[2].find(":12:3: match.colour: unknown key 'colour'"), std::string::npos) << messages[2];
}

TEST(RuleEngine, SemanticErrorsToo) {
  testing::TempDir folder;
  folder.write("team.wrong-id.yml", R"(id: team.other-id
title: t
severity: low
confidence: low
message: m
description: d
remediation: r
taxonomy: {stride: tampering, atlas: [AML.T9999]}
match:
  fact: {type: no_such_fact}
)");
  RuleSet rules = load_rules({folder.path()});
  ASSERT_EQ(rules.errors.size(), 1u);
  EXPECT_NE(rules.errors[0].message.find("AML.T9999"), std::string::npos) << rules.errors[0].message;
}

TEST(RuleEngine, UserRulePacksAddToTheEmbeddedOnes) {
  testing::TempDir folder;
  folder.write("team/team.no-print.yml", R"(id: team.no-print
title: print in service code
severity: low
confidence: high
message: "print() call: {text}"
description: Services log through logging.
remediation: Use logging.
taxonomy: {stride: repudiation}
match:
  call: {callee: [builtins.print]}
)");
  RuleSet rules = load_rules({folder.path()});
  ASSERT_TRUE(rules.errors.empty()) << rules.errors[0].to_string();
  const Rule* rule = rules.find("team.no-print");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->pack, "team");
}

TEST(RuleEngine, Conditions) {
  nlohmann::ordered_json call = {{"callee", "subprocess.run"},
                         {"args", {{{"kind", "fstring"}, {"literal", false}}}},
                         {"kwargs", {{"shell", {{"value", true}}}}},
                         {"port", "5000"},
                         {"names", {"user.email", "score"}}};
  EXPECT_TRUE(holds("{key: kwargs.shell.value, equals: true}", call));
  EXPECT_FALSE(holds("{key: kwargs.check.value, equals: true}", call));
  EXPECT_TRUE(holds("{key: kwargs.check.value, not_equals: true}", call));  // absent counts as different
  EXPECT_TRUE(holds("{key: args.0.kind, in: [fstring, formatted]}", call));
  EXPECT_TRUE(holds("{key: callee, matches: '^subprocess\\.'}", call));
  EXPECT_TRUE(holds("{key: port, equals: 5000}", call));  // loose: "5000" == 5000
  EXPECT_TRUE(holds("{key: names, any_matches: 'email'}", call));
  EXPECT_TRUE(holds("{key: args.1, exists: false}", call));
  EXPECT_TRUE(holds("{not: {key: args.0.literal, equals: true}}", call));
  EXPECT_TRUE(holds("{any: [{key: callee, equals: x}, {key: callee, equals: subprocess.run}]}", call));
  EXPECT_FALSE(holds("[{key: callee, equals: subprocess.run}, {key: args.0.literal, equals: true}]", call));
}

// severity_when: SQL formatted only from the object's own attributes or named constants is
// low; from anything else (arguments, request data) it stays high.
TEST(RuleEngine, SeverityFollowsTheEvidence) {
  testing::TempDir project;
  project.write("store.py", R"(from sqlalchemy import text


class Store:
    def create(self, session):
        session.execute(text(f"CREATE SCHEMA IF NOT EXISTS {self.schema_name}"))

    def versions(self, conn):
        return conn.execute(text(f"SELECT version FROM {self._table()} WHERE version = :version"))

    def lookup(self, conn, customer_id):
        return conn.execute(text(f"SELECT * FROM customers WHERE id = {customer_id}"))
)");
  ScanResult result = testing::scan(project.path(), {"code.sql-string-formatting"});
  std::map<uint32_t, Severity> by_line;
  for (const auto& finding : result.findings) by_line[finding.location.line] = finding.severity;
  ASSERT_EQ(by_line.size(), 3u);
  EXPECT_EQ(by_line[6], Severity::low);
  EXPECT_EQ(by_line[9], Severity::low);
  EXPECT_EQ(by_line[12], Severity::high);
}

// severity_when is for call, fact, flow and element rules: a path rule that declares it does
// not load (which element of the path would it read?).
TEST(RuleEngine, SeverityWhenOnAPathRuleIsAnError) {
  testing::TempDir folder;
  folder.write("team/team.graded-path.yml", R"(id: team.graded-path
title: graded path
severity: high
severity_when:
  - {severity: low, where: [{key: zone, equals: internal}]}
confidence: high
message: "path"
description: d
remediation: r
taxonomy: {stride: tampering}
match:
  path:
    from: {kind: data_store}
    to: {kind: data_store}
)");
  RuleSet rules = load_rules({folder.path()});
  ASSERT_FALSE(rules.errors.empty());
  EXPECT_NE(rules.errors[0].to_string().find("severity_when"), std::string::npos) << rules.errors[0].to_string();
}

TEST(RuleEngine, MessagesUseMatchedValues) {
  nlohmann::ordered_json subject = {{"callee", "yaml.load"}, {"args", {{{"text", "open(f)"}}}}};
  KeyLookup lookup = [&](const KeyPath& path) { return find_path(subject, path); };
  EXPECT_EQ(format_message("`{callee}` on {args.0.text} ({missing})", lookup, nlohmann::ordered_json::object()),
            "`yaml.load` on open(f) (?)");
}

// A long value is cut between words, not inside one ("passes tex…").
TEST(RuleEngine, LongValuesInMessagesEndOnAWholeWord) {
  std::string summaries;
  for (int i = 0; summaries.size() < 400; ++i)
    summaries += "CVE-2022-" + std::to_string(45900 + i) + ": torch.jit.annotations.parse_type_line passes text to eval; ";
  nlohmann::ordered_json subject = {{"summaries", summaries}, {"names", {"first_name", "last_name", "email_address",
                                     "phone_number", "street_address", "postal_code", "date_of_birth", "national_id",
                                     "passport_number", "driving_licence", "bank_account", "credit_card_number"}}};
  KeyLookup lookup = [&](const KeyPath& path) { return find_path(subject, path); };
  for (const char* field : {"{summaries}", "{names}"}) {
    std::string message = format_message(field, lookup, nlohmann::ordered_json::object());
    ASSERT_TRUE(message.ends_with("…")) << message;
    std::string kept = message.substr(0, message.size() - std::string("…").size());
    std::string listing;
    for (const auto& name : subject["names"]) listing += (listing.empty() ? "" : ", ") + name.get<std::string>();
    const std::string& whole = field == std::string("{names}") ? listing : summaries;
    EXPECT_LE(kept.size(), 160u);
    EXPECT_TRUE(whole.starts_with(kept)) << message;
    char next = whole[kept.size()];
    EXPECT_TRUE(next == ' ' || next == ',' || next == ';' || next == ':') << "cut inside a word: " << message;
  }
}

TEST(RuleEngine, SelectionByIdAndGlob) {
  RuleSet rules = load_rules({});
  size_t all = rules.rules.size();
  filter_rules(rules, {}, {"stride.*", "code.eval-exec"});
  for (const auto& rule : rules.rules) {
    EXPECT_FALSE(rule->id.starts_with("stride."));
    EXPECT_NE(rule->id, "code.eval-exec");
  }
  EXPECT_LT(rules.rules.size(), all);
  filter_rules(rules, {"config.*"}, {});
  for (const auto& rule : rules.rules) EXPECT_TRUE(rule->id.starts_with("config."));
}

// Containers as root: a service image (a port exposed, an app server started) stays medium;
// a dev container, a test image or a batch job where nothing listens is low.
TEST(RuleEngine, RootContainerSeverityFollowsWhatTheImageIsFor) {
  testing::TempDir project;
  project.write("Dockerfile", "FROM python:3.11\nCMD uvicorn app.main:app --host 0.0.0.0 --port 8000\n");
  project.write("api/Dockerfile", "FROM python:3.11\nEXPOSE 8080\nCMD [\"private-gpt\"]\n");
  project.write(".devcontainer/Dockerfile", "FROM mcr.microsoft.com/vscode/devcontainers/python:3.9\n");
  project.write("test_experiment/Dockerfile", "FROM python:3.11\nRUN pip install mlflow\n");
  project.write("jobs/Dockerfile", "FROM python:3.11\nCMD [\"python\", \"train.py\"]\n");
  // Ports for distributed-training workers do not make a training image a service.
  project.write("docker/train.Dockerfile", "FROM python:3.11\nEXPOSE 29500\nEXPOSE 50000-51000\nCMD [\"python\", \"finetune.py\"]\n");
  project.write("docker/train-serve.Dockerfile", "FROM python:3.11\nCMD uvicorn serve:app --port 8000\n");
  ScanResult result = testing::scan(project.path(), {"config.dockerfile-runs-as-root"});
  std::map<std::string, Severity> by_file;
  for (const auto& finding : result.findings) by_file[finding.location.file] = finding.severity;
  ASSERT_EQ(by_file.size(), 7u);
  EXPECT_EQ(by_file["docker/train.Dockerfile"], Severity::low);
  EXPECT_EQ(by_file["docker/train-serve.Dockerfile"], Severity::medium);
  EXPECT_EQ(by_file["Dockerfile"], Severity::medium);
  EXPECT_EQ(by_file["api/Dockerfile"], Severity::medium);
  EXPECT_EQ(by_file[".devcontainer/Dockerfile"], Severity::low);
  EXPECT_EQ(by_file["test_experiment/Dockerfile"], Severity::low);
  EXPECT_EQ(by_file["jobs/Dockerfile"], Severity::low);
}

// A script that a training image runs is a pipeline step: fetching its base model from the
// hub there is no runtime dependency of a service; the same fetch in a serving image is.
TEST(RuleEngine, HubFetchesAreRuntimeDependenciesOnlyInServingImages) {
  testing::TempDir project;
  project.write("docker/train.Dockerfile", "FROM python:3.11\nCOPY finetune.py .\nEXPOSE 29500\nCMD [\"python\", \"finetune.py\"]\n");
  project.write("docker/serve.Dockerfile", "FROM python:3.11\nCOPY serve.py .\nEXPOSE 8080\nCMD [\"python\", \"serve.py\"]\n");
  const std::string fetch = "from transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"acme/encoder\", revision=\"0123abc\")\n";
  project.write("finetune.py", fetch);
  project.write("serve.py", fetch);
  ScanResult result = testing::scan(project.path(), {"stride.runtime-remote-model-dependency"});
  std::set<std::string> files;
  for (const auto& finding : result.findings) files.insert(finding.location.file);
  EXPECT_EQ(files, std::set<std::string>{"serve.py"});
}

// Records written from personal data stay personal; the metrics a step writes about them
// (evaluation.json, metrics.json) are aggregates: no lawful-basis or retention finding.
TEST(RuleEngine, MetricsWrittenFromPersonalDataAreNotPersonal) {
  testing::TempDir project;
  project.write("data/customers.csv", "name,email,balance\nAnn Lee,ann.lee@example.org,10\nBo Chen,bo.chen@example.com,20\n"
                                      "Cy Diaz,cy.diaz@example.net,30\nDee Ray,dee.ray@example.org,40\n");
  project.write("train.py", R"(import json
import pandas as pd
df = pd.read_csv("data/customers.csv")
df.to_csv("out/predictions.csv")
with open("out/evaluation.json", "w") as handle:
    json.dump({"rows": len(df)}, handle)
)");
  ScanResult result = testing::scan(project.path(), {"gdpr.lawful-basis-not-declared", "gdpr.retention-not-declared"});
  std::set<std::string> places;
  for (const auto& finding : result.findings) {
    places.insert(finding.location.file);
    for (const auto& related : finding.related) places.insert(related.location.file);
  }
  EXPECT_TRUE(places.contains("data/customers.csv"));
  EXPECT_FALSE(places.contains("out/evaluation.json"));
}

// Unauthenticated routes: DELETE / PUT / PATCH and handlers that write, move or delete files
// change what the service stores (high); other routes stay medium; sign-up and model lists
// are public by purpose.
TEST(RuleEngine, RoutesWithoutAuthAreGradedByWhatTheyChange) {
  testing::TempDir project;
  project.write("api.py", R"(from fastapi import FastAPI
app = FastAPI()
@app.post("/predict")
def predict(features: list[float]):
    return model.predict([features])
@app.delete("/models/{name}")
def delete_model(name: str):
    return {"deleted": name}
@app.put("/settings")
def replace_settings(settings: dict):
    return settings
@app.get("/models")
def list_models():
    return ["a", "b"]
@app.post("/register")
def register(account: dict):
    return {"ok": True}
@app.post("/upload")
def upload(file: UploadFile):
    with open(f"uploads/{file.filename}", "wb") as out:
        out.write(file.file.read())
@app.post("/models/{name}/download")
def download(name: str):
    os.rename(f".{name}.part", f"{name}.bin")
@app.post("/score")
def score(features: list[float]):
    with open("thresholds.json") as handle:
        return model.predict([features])
@app.post("/render")
def render(prompt: str):
    import io
    buffer = io.BytesIO()
    pipe(prompt).images[0].save(buffer, format="PNG")
    return buffer.getvalue()
)");
  ScanResult result = testing::scan(project.path(), {"code.route-without-auth"});
  std::map<uint32_t, Severity> by_line;
  for (const auto& finding : result.findings) by_line[finding.location.line] = finding.severity;
  // POST handlers that write or move files change what the service keeps, as DELETE does.
  EXPECT_EQ(by_line, (std::map<uint32_t, Severity>{{3, Severity::medium}, {6, Severity::high}, {9, Severity::high},
                                                   {18, Severity::high}, {22, Severity::high}, {25, Severity::medium},
                                                   {29, Severity::medium}}));   // an image encoded into memory is not kept
}

// SQL is graded by where the formatted values come from, followed back through the local
// assignments of the function: configuration (settings, the object's own attributes, a
// local built from them) and unreachable code (a private method nothing names) are low; a
// parameter, request data or a value of unknown origin stay high.
TEST(RuleEngine, SqlSeverityFollowsWhereTheValuesComeFrom) {
  testing::TempDir project;
  project.write("inspect.py", R"(import os
from sqlalchemy import text


class Inspector:
    def objects(self, conn, schema):
        return self._sqlserver(conn, schema)
        # return self._postgres(conn, schema)

    def _sqlserver(self, conn, schema):
        where = f"AND s.name = '{schema}'" if schema else ""
        return conn.execute(text(f"SELECT name FROM sys.objects {where}"))

    def _postgres(self, conn, schema):
        return conn.execute(text(f"SELECT proname FROM pg_proc WHERE nspname = '{schema}'"))

    def table(self, conn):
        name = self.prefix + "_runs"
        return conn.execute(text(f"SELECT * FROM {name}"))


def search(request, conn):
    term = request.args["q"]
    return conn.execute(f"SELECT * FROM products WHERE name LIKE '%{term}%'")


def create(session, settings):
    session.execute(text(f"CREATE SCHEMA IF NOT EXISTS {settings.schema_name}"))


def drop(session):
    session.execute(text(f"DROP TABLE {os.environ.get('TABLE', 'runs')}"))
)");
  ScanResult result = testing::scan(project.path(), {"code.sql-string-formatting"});
  std::map<uint32_t, Finding> by_line;
  for (const auto& finding : result.findings) by_line.emplace(finding.location.line, finding);
  ASSERT_EQ(by_line.size(), 6u);
  EXPECT_EQ(by_line.at(12).severity, Severity::high);  // a parameter, through a local
  EXPECT_NE(by_line.at(12).message.find("parameter of _sqlserver()"), std::string::npos) << by_line.at(12).message;
  EXPECT_EQ(by_line.at(15).severity, Severity::low);   // unreachable
  EXPECT_NE(by_line.at(15).message.find("unreachable"), std::string::npos) << by_line.at(15).message;
  EXPECT_EQ(by_line.at(19).severity, Severity::low);   // a local built from the object's own attribute
  EXPECT_EQ(by_line.at(24).severity, Severity::high);  // request data
  EXPECT_NE(by_line.at(24).message.find("request data"), std::string::npos) << by_line.at(24).message;
  EXPECT_EQ(by_line.at(28).severity, Severity::low);   // settings
  EXPECT_EQ(by_line.at(32).severity, Severity::low);   // the environment (deployment configuration)
}

// A method's parameter formatted into a query of a class the project builds with a connection
// string it is handed: whoever supplies the value also holds the database's credentials, medium.
TEST(RuleEngine, SqlFromTheCallerOfAConnectionItSuppliesIsMedium) {
  testing::TempDir project;
  project.write("inspector.py", R"(from sqlalchemy import create_engine, text


class CatalogInspector:
    def __init__(self, connection_string):
        self.conn = create_engine(connection_string).connect()

    def tables(self, schema):
        return self.conn.execute(text(f"SELECT name FROM sys.tables WHERE schema = '{schema}'"))


class Reports:
    def rows(self, conn, table):
        return conn.execute(text(f"SELECT * FROM {table}"))
)");
  project.write("service.py", R"(from inspector import CatalogInspector


def describe(tool_context):
    return CatalogInspector(tool_context.connection_string).tables(tool_context.schema)
)");
  ScanResult result = testing::scan(project.path(), {"code.sql-string-formatting"});
  std::map<uint32_t, Finding> by_line;
  for (const auto& finding : result.findings) by_line.emplace(finding.location.line, finding);
  ASSERT_EQ(by_line.size(), 2u);
  EXPECT_EQ(by_line.at(9).severity, Severity::medium);
  EXPECT_NE(by_line.at(9).message.find("connection string (service.py:5)"), std::string::npos) << by_line.at(9).message;
  EXPECT_EQ(by_line.at(14).severity, Severity::high);  // nothing hands Reports a connection
}

// A request without a timeout in a notebook run by hand is info; in a script it stays low.
TEST(RuleEngine, NetworkCallWithoutTimeoutInANotebookIsInfo) {
  testing::TempDir project;
  project.write("fetch.py", "import requests\nrows = requests.get(\"https://data.example.com/a.csv\")\n");
  project.write("explore.ipynb", R"({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
 "source": ["import requests\n", "rows = requests.get(\"https://data.example.com/b.csv\")\n"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5})");
  ScanResult result = testing::scan(project.path(), {"stride.network-call-without-timeout"});
  std::map<std::string, Severity> by_file;
  for (const auto& finding : result.findings) by_file[finding.location.file] = finding.severity;
  ASSERT_EQ(by_file.size(), 2u);
  EXPECT_EQ(by_file["fetch.py"], Severity::low);
  EXPECT_EQ(by_file["explore.ipynb"], Severity::info);
}

}  // namespace
}  // namespace mlaudit
