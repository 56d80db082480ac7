// extract/python value travel: a value written in one place reaches the call that uses it
// through a default argument, a module constant defined anywhere in the module, a literal
// dict key or an attribute set in __init__; the call fact says where it came from.
#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"

namespace mlaudit {
namespace {

using testing::python_facts;

const Fact* call_on_line(const std::vector<Fact>& calls, const std::string& callee, uint32_t line) {
  for (const auto& fact : calls)
    if (fact.props["callee"] == callee && fact.location.line == line) return &fact;
  return nullptr;
}

TEST(ValueTravel, DefaultArgumentReachesTheCallAndIsNoLiteral) {
  auto calls = python_facts(R"(from transformers import AutoModel
def load(name="acme/model", trust_remote_code: bool = True, revision=None):
    return AutoModel.from_pretrained(name, trust_remote_code=trust_remote_code, revision=revision)
)", FactType::call);
  const Fact* load = call_on_line(calls, "transformers.AutoModel.from_pretrained", 3);
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(load->props["args"][0]["value"], "acme/model");
  // A caller may pass another value: the default is known but is no literal of this line.
  EXPECT_EQ(load->props["args"][0]["literal"], false);
  EXPECT_EQ(load->props["kwargs"]["trust_remote_code"]["value"], true);
  EXPECT_NE(load->props["kwargs"]["trust_remote_code"]["via"].get<std::string>().find(
                "default of parameter `trust_remote_code` of load() (line 2)"),
            std::string::npos);
  // None is no value worth carrying: the parameter stays unknown.
  EXPECT_FALSE(load->props["kwargs"]["revision"].contains("value"));
}

TEST(ValueTravel, ModuleConstantDefinedBelowTheFunctionIsSeen) {
  auto calls = python_facts(R"(import requests
def fetch():
    return requests.get(PARTNER_URL, verify=VERIFY)
PARTNER_URL = "http://partner.example.com/api"
VERIFY = False
TWICE = "a"
TWICE = "b"
def other():
    requests.get(TWICE)
)", FactType::call);
  const Fact* get = call_on_line(calls, "requests.get", 3);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->props["args"][0]["value"], "http://partner.example.com/api");
  EXPECT_EQ(get->props["args"][0]["literal"], true);  // one assignment, never overridden
  EXPECT_EQ(get->props["kwargs"]["verify"]["value"], false);
  EXPECT_EQ(get->props["kwargs"]["verify"]["via"], "module constant `VERIFY` (line 5)");
  // Assigned twice at module level: which one a call sees depends on when it runs.
  const Fact* twice = call_on_line(calls, "requests.get", 9);
  ASSERT_NE(twice, nullptr);
  EXPECT_EQ(twice->props["args"][0]["value"], "b");  // defined above: the walk has seen the last one
}

TEST(ValueTravel, ModuleConstantAssignedTwiceIsNotHoisted) {
  auto calls = python_facts(R"(import requests
def fetch():
    requests.get(URL)
URL = "http://a.example"
if flag:
    URL = "http://b.example"
)", FactType::call);
  const Fact* get = call_on_line(calls, "requests.get", 3);
  ASSERT_NE(get, nullptr);
  EXPECT_FALSE(get->props["args"][0].contains("value"));
}

TEST(ValueTravel, LiteralDictKeysResolve) {
  auto calls = python_facts(R"(import requests
CONFIG = {"url": "http://internal.example/api", "verify": False, **extra}
def fetch(cfg=CONFIG):
    requests.get(CONFIG["url"], verify=CONFIG["verify"])
    requests.get(CONFIG["missing"])
    local = {"u": "https://x.example"}
    requests.post(local["u"], verify=True)
)", FactType::call);
  const Fact* get = call_on_line(calls, "requests.get", 4);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->props["args"][0]["value"], "http://internal.example/api");
  EXPECT_EQ(get->props["kwargs"]["verify"]["value"], false);
  EXPECT_NE(get->props["kwargs"]["verify"]["via"].get<std::string>().find("key \"verify\" of a literal dict"),
            std::string::npos);
  const Fact* missing = call_on_line(calls, "requests.get", 5);
  ASSERT_NE(missing, nullptr);
  EXPECT_FALSE(missing->props["args"][0].contains("value"));
  const Fact* post = call_on_line(calls, "requests.post", 7);
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->props["args"][0]["value"], "https://x.example");
}

TEST(ValueTravel, AttributesSetInInitReachOtherMethods) {
  auto calls = python_facts(R"(import requests
class Client:
    def send(self, body):
        return requests.post(self.url, json=body, verify=self.verify)
    def __init__(self, url="http://scoring.example/v1"):
        self.url = url
        self.verify = False
        self.token = get_token()
        self.twice = "a"
        self.twice = "b"
    def other(self):
        requests.get(self.token)
        requests.get(self.twice)
class Unrelated:
    def send(self):
        requests.get(self.url)
)", FactType::call);
  const Fact* post = call_on_line(calls, "requests.post", 4);
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->props["args"][0]["value"], "http://scoring.example/v1");
  EXPECT_EQ(post->props["args"][0]["literal"], false);  // from __init__'s default
  EXPECT_EQ(post->props["kwargs"]["verify"]["value"], false);
  EXPECT_EQ(post->props["kwargs"]["verify"]["via"], "`self.verify` set in __init__ (line 7)");
  EXPECT_FALSE(call_on_line(calls, "requests.get", 12)->props["args"][0].contains("value"));
  EXPECT_FALSE(call_on_line(calls, "requests.get", 13)->props["args"][0].contains("value"));
  EXPECT_FALSE(call_on_line(calls, "requests.get", 16)->props["args"][0].contains("value"));
}

TEST(ValueTravel, DatasetReadThroughADefaultArgumentIsADatasetRead) {
  auto io = python_facts(R"(import pandas as pd
def load(path="data/applicants.csv"):
    return pd.read_csv(path)
)", FactType::io);
  bool found = false;
  for (const auto& fact : io)
    if (fact.props["via"] == "pandas.read_csv" && fact.props["target"] == "data/applicants.csv") found = true;
  EXPECT_TRUE(found);
}

TEST(ValueTravel, ConstantsImportedFromProjectModules) {
  testing::TempDir project;
  project.write("service/config.py", "DB_URL = \"postgresql://db.internal/app\"\nVERIFY = False\n"
                                      "SETTINGS = {\"url\": \"http://partner.example/api\"}\nTWICE = 1\nTWICE = 2\n");
  project.write("service/pkg/__init__.py", "");
  project.write("service/pkg/settings.py", "TRUST = True\n");
  project.write("service/app/client.py", R"(import requests
from config import VERIFY, SETTINGS, TWICE, missing
from pkg.settings import TRUST
from ..config import DB_URL as URL
from transformers import AutoModel
requests.get(SETTINGS["url"], verify=VERIFY)
AutoModel.from_pretrained("acme/x", trust_remote_code=TRUST)
requests.get(URL)
requests.get(TWICE)
)");
  // A symbolic link to a module outside the tree is not followed.
  testing::TempDir outside;
  outside.write("secret.py", "TOKEN = \"outside-the-tree\"\n");
  std::filesystem::create_symlink(outside.path() / "secret.py", project.path() / "service/app/linked.py");
  project.write("service/app/uses_link.py", "import requests\nfrom linked import TOKEN\nrequests.get(TOKEN)\n");

  auto calls = testing::facts_of(testing::extract(project.path()), FactType::call);
  auto call = [&](const std::string& file, const std::string& callee, uint32_t line) -> const Fact* {
    for (const auto& fact : calls)
      if (fact.location.file == file && fact.props["callee"] == callee && fact.location.line == line) return &fact;
    return nullptr;
  };
  const Fact* get = call("service/app/client.py", "requests.get", 6);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->props["args"][0]["value"], "http://partner.example/api");
  EXPECT_EQ(get->props["kwargs"]["verify"]["value"], false);
  EXPECT_EQ(get->props["kwargs"]["verify"]["via"], "constant `VERIFY` imported from service/config.py (line 2)");
  const Fact* load = call("service/app/client.py", "transformers.AutoModel.from_pretrained", 7);
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(load->props["kwargs"]["trust_remote_code"]["value"], true);
  EXPECT_EQ(call("service/app/client.py", "requests.get", 8)->props["args"][0]["value"], "postgresql://db.internal/app");
  // Assigned twice in config.py: stays the imported name.
  EXPECT_EQ(call("service/app/client.py", "requests.get", 9)->props["args"][0]["kind"], "name");
  EXPECT_EQ(call("service/app/client.py", "requests.get", 9)->props["args"][0]["value"], "config.TWICE");
  const Fact* linked = call("service/app/uses_link.py", "requests.get", 3);
  ASSERT_NE(linked, nullptr);
  EXPECT_EQ(linked->props["args"][0]["value"], "linked.TOKEN");
}

TEST(ValueTravel, KeysOfSettingsFilesTheCodeLoads) {
  testing::TempDir project;
  project.write("config/settings.yaml", "partner:\n  url: http://partner.example/api\n  verify: false\n"
                                         "model:\n  name: acme/encoder\n  trust_remote_code: true\n");
  project.write("app/recipe.json", R"({"hub": {"trust_remote_code": true, "revision": "main"}})");
  project.write("app/serve.py", R"(import json, yaml, requests
from omegaconf import OmegaConf
from transformers import AutoModel
with open("config/settings.yaml") as handle:
    settings = yaml.safe_load(handle)
requests.get(settings["partner"]["url"], verify=settings["partner"].get("verify", True))
recipe = json.load(open("recipe.json"))
AutoModel.from_pretrained("acme/x", trust_remote_code=recipe["hub"]["trust_remote_code"])
cfg = OmegaConf.load("config/settings.yaml")
AutoModel.from_pretrained(cfg.model.name, trust_remote_code=cfg.model.trust_remote_code)
outside = yaml.safe_load(open("../../etc/settings.yaml"))
requests.get(outside["url"])
)");
  auto calls = testing::facts_of(testing::extract(project.path()), FactType::call);
  auto call = [&](const std::string& callee, uint32_t line) -> const Fact* {
    for (const auto& fact : calls)
      if (fact.props["callee"] == callee && fact.location.line == line) return &fact;
    return nullptr;
  };
  const Fact* get = call("requests.get", 6);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->props["args"][0]["value"], "http://partner.example/api");
  EXPECT_EQ(get->props["kwargs"]["verify"]["value"], false);
  EXPECT_EQ(get->props["kwargs"]["verify"]["via"], "key `partner.verify` of config/settings.yaml (line 3)");
  const Fact* recipe_load = call("transformers.AutoModel.from_pretrained", 8);
  ASSERT_NE(recipe_load, nullptr);
  EXPECT_EQ(recipe_load->props["kwargs"]["trust_remote_code"]["value"], true);  // relative to app/
  const Fact* omegaconf_load = call("transformers.AutoModel.from_pretrained", 10);
  ASSERT_NE(omegaconf_load, nullptr);
  EXPECT_EQ(omegaconf_load->props["args"][0]["value"], "acme/encoder");
  EXPECT_EQ(omegaconf_load->props["kwargs"]["trust_remote_code"]["value"], true);
  const Fact* outside = call("requests.get", 12);
  ASSERT_NE(outside, nullptr);
  EXPECT_FALSE(outside->props["args"][0].contains("value"));
}

// TOML settings (tomllib / tomli with a handle, toml with a path) feed their keys the same way,
// with the key and line they came from.
TEST(ValueTravel, KeysOfTomlSettingsFiles) {
  testing::TempDir project;
  project.write("settings.toml", "[partner]\nurl = \"http://partner.example/api\"\nverify = false\n\n"
                                 "[model]\nname = \"acme/encoder\"\ntrust_remote_code = true\nlayers = [1, 2]\n");
  project.write("broken.toml", "[partner\nurl = \"http://x\"\n");
  project.write("serve.py", R"(import tomllib, toml, requests
from transformers import AutoModel
with open("settings.toml", "rb") as handle:
    settings = tomllib.load(handle)
requests.get(settings["partner"]["url"], verify=settings["partner"]["verify"])
cfg = toml.load("settings.toml")
AutoModel.from_pretrained(cfg["model"]["name"], trust_remote_code=cfg["model"]["trust_remote_code"])
broken = toml.load("broken.toml")
requests.get(broken["partner"]["url"])
)");
  auto calls = testing::facts_of(testing::extract(project.path()), FactType::call);
  const Fact* get = call_on_line(calls, "requests.get", 5);
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->props["args"][0]["value"], "http://partner.example/api");
  EXPECT_EQ(get->props["kwargs"]["verify"]["value"], false);
  EXPECT_EQ(get->props["kwargs"]["verify"]["via"], "key `partner.verify` of settings.toml (line 3)");
  const Fact* load = call_on_line(calls, "transformers.AutoModel.from_pretrained", 7);
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(load->props["args"][0]["value"], "acme/encoder");
  EXPECT_EQ(load->props["kwargs"]["trust_remote_code"]["value"], true);
  const Fact* broken = call_on_line(calls, "requests.get", 9);
  ASSERT_NE(broken, nullptr);
  EXPECT_FALSE(broken->props["args"][0].contains("value"));  // invalid TOML: nothing known
}

// A .env beside the code gives os.getenv / os.environ its value (overridable, never a
// credential); Hydra hands the decorated function its config file.
TEST(ValueTravel, DotEnvAndHydraConfigsFeedTheirKeys) {
  testing::TempDir project;
  project.write("app/.env", "# local settings\nPARTNER_URL=\"http://partner.example/api\"\nexport VERIFY_HOST=partner.example\n"
                            "PARTNER_API_KEY=sk-live-abcdef0123456789abcdef\n");
  project.write("app/client.py", R"(import os, requests
requests.get(os.getenv("PARTNER_URL"), timeout=5)
requests.get(os.environ["PARTNER_URL"], timeout=5)
requests.get("https://x.example", headers={"k": os.environ.get("PARTNER_API_KEY")}, timeout=5)
requests.get(os.getenv("MISSING", "http://fallback.example"), timeout=5)
)");
  project.write("conf/train.yaml", "model:\n  name: acme/encoder\n  trust_remote_code: true\n");
  project.write("train.py", R"(import hydra
from transformers import AutoModel
@hydra.main(config_path="conf", config_name="train", version_base=None)
def main(cfg):
    AutoModel.from_pretrained(cfg.model.name, trust_remote_code=cfg.model.trust_remote_code)
)");
  auto facts = testing::extract(project.path());
  auto calls = testing::facts_of(facts, FactType::call);
  auto call = [&](const std::string& callee, const std::string& file, uint32_t line) -> const Fact* {
    for (const auto& fact : calls)
      if (fact.props["callee"] == callee && fact.location.file == file && fact.location.line == line) return &fact;
    return nullptr;
  };
  for (uint32_t line : {2u, 3u}) {
    const Fact* get = call("requests.get", "app/client.py", line);
    ASSERT_NE(get, nullptr) << line;
    EXPECT_EQ(get->props["args"][0]["value"], "http://partner.example/api");
    EXPECT_EQ(get->props["args"][0]["literal"], false);  // the deployment may set another
    EXPECT_EQ(get->props["args"][0]["via"], "`PARTNER_URL` in app/.env (line 2)");
  }
  // A variable named like a credential is not read: its value never becomes a fact.
  std::string everything;
  for (const auto& fact : facts.facts) everything += fact.props.dump();
  EXPECT_EQ(everything.find("sk-live-abcdef"), std::string::npos);
  const Fact* fallback = call("requests.get", "app/client.py", 5);
  ASSERT_NE(fallback, nullptr);
  // Not in .env: the default is what a run without the variable gets, and the deployment may
  // set another (so it is no literal of the call).
  EXPECT_EQ(fallback->props["args"][0]["value"], "http://fallback.example");
  EXPECT_EQ(fallback->props["args"][0]["literal"], false);
  EXPECT_EQ(fallback->props["args"][0]["via"], "default of environment variable `MISSING` (line 5)");
  const Fact* load = call("transformers.AutoModel.from_pretrained", "train.py", 5);
  ASSERT_NE(load, nullptr);
  EXPECT_EQ(load->props["args"][0]["value"], "acme/encoder");
  EXPECT_EQ(load->props["kwargs"]["trust_remote_code"]["value"], true);
  EXPECT_EQ(load->props["kwargs"]["trust_remote_code"]["literal"], false);  // a command-line override may change it
}

// Hosted model APIs behind LangChain / llama-index objects: the call on the LLM object, or
// on a chain or agent built with it, is a prompt sent to the provider's host; a client
// given its own base URL talks to that host; a session stored in __init__ is still one.
TEST(ValueTravel, PromptsThroughFrameworkLlmObjectsReachTheProvider) {
  auto io = python_facts(R"(from langchain.llms import OpenAI
from langchain.agents import initialize_agent
from openai import OpenAI as Client
import requests
def ask(text, tools):
    llm = OpenAI(temperature=0.7)
    answer = llm(text)
    agent = initialize_agent(tools, llm)
    agent.run(text)
    local = Client(base_url="http://localhost:11434/v1")
    local.chat.completions.create(model="llama3", messages=[{"role": "user", "content": "hi"}])
class Partner:
    def __init__(self):
        self.session = requests.Session()
    def send(self, record):
        self.session.post("https://partner.example/api", json=record, timeout=5)
)", FactType::io);
  auto on_line = [&](uint32_t line) -> const Fact* {
    for (const auto& fact : io)
      if (fact.location.line == line) return &fact;
    return nullptr;
  };
  const Fact* direct = on_line(7);
  ASSERT_NE(direct, nullptr);
  EXPECT_EQ(direct->props["target"], "https://api.openai.com");
  EXPECT_EQ(direct->props["format"], "prompt");
  EXPECT_EQ(direct->props["payload"], "text");
  EXPECT_EQ(direct->props["payload_constant"], false);
  const Fact* agent = on_line(9);
  ASSERT_NE(agent, nullptr);
  EXPECT_EQ(agent->props["target"], "https://api.openai.com");
  EXPECT_NE(agent->props["via"].get<std::string>().find("langchain.llms.OpenAI"), std::string::npos);
  const Fact* local = on_line(11);
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->props["target"], "http://localhost:11434/v1");
  EXPECT_EQ(local->props["payload_constant"], true);
  const Fact* session = on_line(16);
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->props["via"], "requests.Session().post");
  EXPECT_EQ(on_line(6), nullptr);  // making the LLM object sends nothing
  EXPECT_EQ(on_line(8), nullptr);
}

// The bundled sample has one case of each travel: a default argument (revision="main" in
// src/train.py), an imported constant (TRUST_ENCODER_CODE from src/features.py) and a
// settings key (encoder.trust_remote_code in config/settings.yaml, read by app/serve.py).
TEST(ValueTravel, BundledSampleHasOneCaseOfEachTravel) {
  auto result = testing::scan(testing::fixture("projects/vulnerable-service"),
                              {"code.trust-remote-code", "stride.hub-model-unpinned"});
  bool imported = false, defaulted = false, settings_key = false;
  for (const auto& finding : result.findings) {
    const std::string& rule = finding.rule->id;
    if (rule == "code.trust-remote-code" && finding.location.file == "src/train.py") imported = true;
    if (rule == "stride.hub-model-unpinned" && finding.message.find("acme-research/complaint-encoder") != std::string::npos)
      defaulted = true;
    if (rule == "code.trust-remote-code" && finding.location.file == "app/serve.py") settings_key = true;
  }
  EXPECT_TRUE(imported);
  EXPECT_TRUE(defaulted);
  EXPECT_TRUE(settings_key);
}

TEST(ValueTravel, ArgumentsPassedThroughOneWrapper) {
  auto facts = testing::python_facts(R"(import requests
import pandas as pd
def fetch(url, verify=True, *, timeout=10):
    return requests.get(url, verify=verify, timeout=timeout)
def load(path):
    return pd.read_csv(path)
def outer(path):
    return load(path)
fetch("https://partner.example.com/x", verify=False)
fetch("https://partner.example.com/x", verify=False)
fetch("https://partner.example.com/y", True, 5)
frame = load("data/applicants.csv")
outer("data/other.csv")
)", FactType::call);
  int unverified = 0, verified = 0, reads = 0;
  for (const auto& fact : facts) {
    if (fact.props["callee"] == "requests.get" && fact.props.contains("through")) {
      EXPECT_EQ(fact.location.line, 4u);  // the sink's line; the fact says which call brought the values
      EXPECT_EQ(fact.props["function"], "fetch");
      if (fact.props["kwargs"]["verify"]["value"] == false) {
        ++unverified;
        EXPECT_EQ(fact.props["through"], "fetch() called at line 9");
        EXPECT_EQ(fact.props["kwargs"]["verify"]["via"], "argument `verify` of fetch() at line 9");
      } else {
        ++verified;
        // A positional argument past the `*` is no parameter: timeout keeps its default.
        EXPECT_EQ(fact.props["kwargs"]["timeout"]["value"], "10");
      }
    }
    if (fact.props["callee"] == "pandas.read_csv" && fact.props.contains("through")) {
      ++reads;
      EXPECT_EQ(fact.props["args"][0]["value"], "data/applicants.csv");
    }
  }
  EXPECT_EQ(unverified, 1);  // the same values through the same call: one fact
  EXPECT_EQ(verified, 1);
  EXPECT_EQ(reads, 1);  // outer() -> load() -> read_csv is two levels: not followed
}

TEST(ValueTravel, HostileShapesStayBounded) {
  // A dict too large to be settings, a chain of constants and thousands of parameters:
  // analysed without blowing the stack or the time.
  std::string source = "import requests\nBIG = {";
  for (int i = 0; i < 5000; ++i) source += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  source += "}\nrequests.get(BIG[\"k1\"])\nC0 = \"http://x.example\"\n";
  for (int i = 1; i < 400; ++i) source += "C" + std::to_string(i) + " = C" + std::to_string(i - 1) + "\n";
  source += "def f(";
  for (int i = 0; i < 3000; ++i) source += "p" + std::to_string(i) + "=C399, ";
  source += "):\n    requests.get(p2999)\n    requests.get(p1)\n";
  auto calls = python_facts(source, FactType::call);
  int gets = 0;
  for (const auto& fact : calls)
    if (fact.props["callee"] == "requests.get") ++gets;
  EXPECT_EQ(gets, 3);
}

// Calls nested in the receivers and arguments of calls (and clients nested in base_url=)
// are evaluated once per level, not again by the hosted-model bookkeeping: linear, not
// exponential, in the nesting.
TEST(ValueTravel, NestedCallChainsStayLinear) {
  std::string chain = "x", receivers = "x", clients = "\"http://h\"";
  for (int i = 0; i < 60; ++i) {  // 60 levels took 30 s when each level evaluated its receiver twice
    chain = "f(" + chain + ", y).m(z)";
    receivers = "f(" + receivers + ").m()";
    clients = "OpenAI(base_url=" + clients + ")";
  }
  auto start = std::chrono::steady_clock::now();
  auto calls = python_facts("from openai import OpenAI\na = g(" + chain + ")\nc = g(" + receivers + ")\nb = " + clients + "\n",
                            FactType::call);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(calls.empty());
  EXPECT_LT(seconds, 2.0);
}

}  // namespace
}  // namespace mlaudit
