// extract/python: imports, resolved calls, literal arguments, routes and protections,
// reads and writes, columns, logging, binds.
#include <gtest/gtest.h>

#include <map>

#include "test_support.h"

namespace mlaudit {
namespace {

using testing::python_facts;

const Fact* call_to(const std::vector<Fact>& calls, const std::string& callee) {
  for (const auto& fact : calls)
    if (fact.props["callee"] == callee) return &fact;
  return nullptr;
}

TEST(PythonExtractor, ImportsAndAliasesResolveCallees) {
  auto calls = python_facts(R"(import numpy as np
import os.path
from pickle import loads as unpickle
from sklearn.externals import joblib
import xml.etree.ElementTree as ET

np.load("a.npy", allow_pickle=True)
os.path.join("a", "b")
unpickle(blob)
joblib.load("m.joblib")
ET.parse("doc.xml")
eval(user_input)
)", FactType::call);
  for (const char* callee : {"numpy.load", "os.path.join", "pickle.loads", "sklearn.externals.joblib.load",
                             "xml.etree.ElementTree.parse", "builtins.eval"}) {
    const Fact* call = call_to(calls, callee);
    ASSERT_NE(call, nullptr) << callee;
    EXPECT_TRUE(call->props["resolved"].get<bool>()) << callee;
  }
  const Fact* load = call_to(calls, "numpy.load");
  EXPECT_EQ(load->location.line, 7u);
  EXPECT_EQ(load->props["kwargs"]["allow_pickle"]["value"], true);
  EXPECT_EQ(load->props["args"][0]["value"], "a.npy");
  EXPECT_EQ(call_to(calls, "builtins.eval")->props["args"][0]["literal"], false);
}

TEST(PythonExtractor, ObjectOriginsFollowAssignmentsAndChains) {
  auto calls = python_facts(R"(import sqlite3, requests
from flask import Flask
app = Flask(__name__)
connection = sqlite3.connect("db.sqlite")
cursor = connection.cursor()
cursor.execute(f"SELECT * FROM t WHERE id = {item}")
data = requests.get("https://example.com/x.json", timeout=5).json()
app.run(debug=True)
unknown_thing.execute("SELECT 1")
)", FactType::call);
  const Fact* execute = call_to(calls, "sqlite3.connect().cursor().execute");
  ASSERT_NE(execute, nullptr);
  EXPECT_EQ(execute->props["args"][0]["kind"], "fstring");
  EXPECT_NE(call_to(calls, "requests.get().json"), nullptr);
  const Fact* run = call_to(calls, "flask.Flask().run");
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->props["kwargs"]["debug"]["value"], true);
  const Fact* unresolved = call_to(calls, "unknown_thing.execute");
  ASSERT_NE(unresolved, nullptr);
  EXPECT_FALSE(unresolved->props["resolved"].get<bool>());
  EXPECT_EQ(unresolved->props["method"], "execute");
}

TEST(PythonExtractor, ArgumentKindsTellLiteralsFromBuiltStrings) {
  auto calls = python_facts(R"(import os
CMD = "ls -l"
os.system(CMD)
os.system("ls " + folder)
os.system("ls %s" % folder)
os.system("ls {}".format(folder))
os.system(f"ls {folder}")
)", FactType::call);
  std::vector<std::string> kinds;
  for (const auto& call : calls)
    if (call.props["callee"] == "os.system") kinds.push_back(call.props["args"][0]["kind"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"string", "formatted", "formatted", "formatted", "fstring"}));
}

TEST(PythonExtractor, ReadsAndWritesWithConstantPaths) {
  auto io = python_facts(R"(import os, pickle, joblib, torch
import pandas as pd
from pathlib import Path
DATA = Path("data") / "customers.csv"
MODEL = os.path.join("models", "model.pkl")
frame = pd.read_csv(DATA)
frame.to_parquet("data/clean.parquet")
with open(MODEL, "wb") as handle:
    pickle.dump(frame, handle)
model = pickle.load(open(MODEL, "rb"))
weights = torch.load("w.pt", weights_only=True)
net = torch.load("net.pt")
)", FactType::io);
  auto find = [&](const std::string& via, const std::string& direction) -> const Fact* {
    for (const auto& fact : io)
      if (fact.props["via"] == via && fact.props["direction"] == direction) return &fact;
    return nullptr;
  };
  ASSERT_NE(find("pandas.read_csv", "read"), nullptr);
  EXPECT_EQ(find("pandas.read_csv", "read")->props["target"], "data/customers.csv");
  EXPECT_EQ(find("pandas.read_csv", "read")->props["artifact"], "dataset");
  ASSERT_NE(find("pandas.DataFrame().to_parquet", "write") ? find("pandas.DataFrame().to_parquet", "write")
                                                           : find("pandas.read_csv().to_parquet", "write"),
            nullptr);
  ASSERT_NE(find("pickle.dump", "write"), nullptr);
  EXPECT_EQ(find("pickle.dump", "write")->props["target"], "models/model.pkl");
  ASSERT_NE(find("pickle.load", "read"), nullptr);
  EXPECT_EQ(find("pickle.load", "read")->props["deserializes"], "pickle");
  // open() handed straight to pickle.load is not a second read
  int opens = 0;
  for (const auto& fact : io)
    if (fact.props["via"] == "builtins.open" && fact.location.line == 10) ++opens;
  EXPECT_EQ(opens, 0);
  // weights_only=True disarms torch.load
  for (const auto& fact : io) {
    if (fact.props["via"] != "torch.load") continue;
    if (fact.props["target"] == "w.pt") EXPECT_TRUE(fact.props["deserializes"].is_null());
    if (fact.props["target"] == "net.pt") EXPECT_EQ(fact.props["deserializes"], "pickle");
  }
}

// Pickles named for data (a split, a frame, features) are datasets; others are models.
TEST(PythonExtractor, PicklesNamedForDataAreDatasets) {
  auto io = python_facts(R"(import joblib, pickle
X_train = joblib.load("data/X_train.pkl")
y_test = joblib.load("y_test.pkl")
train = pickle.load(open("output/train.pkl", "rb"))
features = pickle.load(open("features_df.pkl", "rb"))
model = joblib.load("models/trained_model.pkl")
dv = pickle.load(open("dv.pkl", "rb"))
with open("X.pkl", "wb") as file:
    pickle.dump(X, file)
)", FactType::io);
  std::map<std::string, std::string> artifact_by_target;
  for (const auto& fact : io)
    if (fact.props["target"].is_string()) artifact_by_target[fact.props["target"].get<std::string>()] = fact.props["artifact"];
  EXPECT_EQ(artifact_by_target, (std::map<std::string, std::string>{{"data/X_train.pkl", "dataset"},
                                                                    {"y_test.pkl", "dataset"},
                                                                    {"output/train.pkl", "dataset"},
                                                                    {"features_df.pkl", "dataset"},
                                                                    {"X.pkl", "dataset"},
                                                                    {"models/trained_model.pkl", "model"},
                                                                    {"dv.pkl", "model"}}));
}

// An unresolved target is named as written; a local name stands for the expression bound to
// it (`save_path = MODEL_DIR / name`), never for a marker of an unknown value ("env").
TEST(PythonExtractor, UnresolvedTargetsAreNamedAsWritten) {
  auto io = python_facts(R"(import os, joblib
from transformers import AutoModel
BASE_MODEL = os.environ.get("BASE_MODEL", None)
model = AutoModel.from_pretrained(BASE_MODEL)
def save(pipeline, name):
    save_path = MODEL_DIR / name
    joblib.dump(pipeline, save_path)
)", FactType::io);
  std::map<std::string, std::string> written;
  for (const auto& fact : io) written[fact.props.value("via", "")] = fact.props.value("target_text", "");
  EXPECT_EQ(written["transformers.AutoModel.from_pretrained"], "BASE_MODEL");
  EXPECT_EQ(written["joblib.dump"], "MODEL_DIR/name");
}

TEST(PythonExtractor, NetworkAndCloudTargets) {
  auto io = python_facts(R"(import boto3, requests, pickle
s3 = boto3.client("s3")
s3.download_file("ml-models", "churn/model.pkl", "/tmp/model.pkl")
r = requests.get("http://models.example.com/m.pkl", verify=False)
model = pickle.loads(requests.get("https://models.example.com/m.pkl", timeout=3).content)
requests.post("https://api.example.com/score", json=payload, timeout=3)
)", FactType::io);
  bool bucket = false, insecure = false, downloaded = false, post = false;
  for (const auto& fact : io) {
    const auto& props = fact.props;
    if (props["target_kind"] == "bucket") {
      bucket = true;
      EXPECT_EQ(props["target"], "s3://ml-models/churn/model.pkl");
    }
    if (props["via"] == "requests.get" && props["target"] == "http://models.example.com/m.pkl") {
      insecure = true;
      EXPECT_FALSE(props["tls_verified"].get<bool>());
      EXPECT_FALSE(props["has_timeout"].get<bool>());
    }
    if (props["via"] == "pickle.loads") {
      downloaded = true;
      EXPECT_EQ(props["target"], "https://models.example.com/m.pkl");
      EXPECT_EQ(props["deserializes"], "pickle");
    }
    if (props["via"] == "requests.post") {
      post = true;
      EXPECT_EQ(props["direction"], "write");
    }
  }
  EXPECT_TRUE(bucket && insecure && downloaded && post);
}

TEST(PythonExtractor, FlaskRoutesAndTheirProtections) {
  auto routes = python_facts(R"(from flask import Flask, request, abort
from flask_login import login_required
app = Flask(__name__)

@app.route("/open", methods=["POST"])
def open_route():
    return model.predict(request.json["x"])

@app.route("/private")
@login_required
def private():
    return "ok"

@app.get("/checked")
def checked():
    if request.headers.get("X-API-Key") != KEY:
        abort(401)
    return "ok"
)", FactType::route);
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].props["path"], "/open");
  EXPECT_EQ(routes[0].props["methods"], nlohmann::ordered_json::array({"POST"}));
  EXPECT_FALSE(routes[0].props["auth"].get<bool>());
  EXPECT_TRUE(routes[0].props["decision"].get<bool>());
  EXPECT_EQ(routes[0].location.line, 5u);
  EXPECT_TRUE(routes[1].props["auth"].get<bool>());
  EXPECT_TRUE(routes[2].props["auth"].get<bool>());
  EXPECT_EQ(routes[2].props["methods"], nlohmann::ordered_json::array({"GET"}));
}

TEST(PythonExtractor, AppWideHooksProtectEveryRoute) {
  auto routes = python_facts(R"(from flask import Flask, request, abort
from flask_limiter import Limiter
app = Flask(__name__)
limiter = Limiter(key_func=lambda: "x", app=app, default_limits=["10/minute"])

@app.route("/a")
def a():
    return "a"

@app.before_request
def require_token():
    if request.headers.get("Authorization") != EXPECTED:
        abort(403)
)", FactType::route);
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_TRUE(routes[0].props["auth"].get<bool>());
  EXPECT_TRUE(routes[0].props["rate_limited"].get<bool>());
}

TEST(PythonExtractor, FastApiDependenciesAndRateLimits) {
  auto routes = python_facts(R"(from fastapi import FastAPI, Depends, Security
app = FastAPI()

@app.post("/score")
@limiter.limit("5/minute")
def score(item: Item, user=Depends(get_current_user)):
    logger.info("scored %s for %s", item.x, user)  # a record: what was scored, for whom
    return clf.predict_proba(item.x)

@app.get("/public")
def public():
    return {}

@app.get("/router-protected", dependencies=[Depends(verify_api_key)])
def protected():
    return {}
)", FactType::route);
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].props["framework"], "fastapi");
  EXPECT_TRUE(routes[0].props["auth"].get<bool>());
  EXPECT_TRUE(routes[0].props["rate_limited"].get<bool>());
  EXPECT_TRUE(routes[0].props["logs_requests"].get<bool>());
  EXPECT_TRUE(routes[0].props["decision"].get<bool>());
  EXPECT_FALSE(routes[1].props["auth"].get<bool>());
  EXPECT_TRUE(routes[2].props["auth"].get<bool>());
}

TEST(PythonExtractor, DjangoUrlsAndViews) {
  testing::TempDir root;
  root.write("shop/urls.py", R"(from django.urls import path
from django.contrib.auth.decorators import login_required
from . import views
urlpatterns = [
    path("predict/", views.predict),
    path("admin-report/", login_required(views.report)),
]
)");
  root.write("shop/views.py", R"(from django.contrib.auth.decorators import login_required
def predict(request):
    return None

@login_required
def report(request):
    return None
)");
  auto extraction = testing::extract(root.path());
  auto routes = testing::facts_of(extraction, FactType::route);
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].props["handler"], "predict");
  EXPECT_TRUE(routes[0].props["auth"].is_null());  // decided from the view, in another file
  EXPECT_EQ(routes[1].props["auth"], true);
  auto views = testing::facts_of(extraction, FactType::view);
  ASSERT_EQ(views.size(), 2u);
  EXPECT_FALSE(views[0].props["auth"].get<bool>());
  EXPECT_TRUE(views[1].props["auth"].get<bool>());
}

TEST(PythonExtractor, LoggingNamesColumnsAndFeatureLists) {
  testing::TempDir root;
  root.write("m.py", R"(import logging
import pandas as pd
log = logging.getLogger(__name__)
FEATURE_COLUMNS = ["age", "income", "email"]
df = pd.read_csv("d.csv", usecols=["age", "income", "email", "label"])
X = df[FEATURE_COLUMNS]
y = df["label"]
clean = df.drop(columns=["email"])
log.info(f"user {user.email} scored {score}")
print("row", row["phone_number"])
)");
  auto extraction = testing::extract(root.path());
  auto features = testing::facts_of(extraction, FactType::feature_list);
  ASSERT_EQ(features.size(), 1u);
  EXPECT_EQ(features[0].props["columns"], nlohmann::ordered_json::array({"age", "income", "email"}));
  auto columns = testing::facts_of(extraction, FactType::column_ref);
  std::vector<std::string> actions;
  for (const auto& column : columns) actions.push_back(column.props["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"read", "select", "select", "drop", "select"}));
  EXPECT_EQ(columns[1].props["columns"], nlohmann::ordered_json::array({"age", "income", "email"}));
  auto logs = testing::facts_of(extraction, FactType::log_call);
  ASSERT_EQ(logs.size(), 2u);
  auto names = logs[0].props["names"];
  EXPECT_NE(std::find(names.begin(), names.end(), "user.email"), names.end());
  EXPECT_EQ(logs[1].props["sink"], "stdout");
  auto print_names = logs[1].props["names"];
  EXPECT_NE(std::find(print_names.begin(), print_names.end(), "phone_number"), print_names.end());
}

TEST(PythonExtractor, NetworkBinds) {
  auto binds = python_facts(R"(import uvicorn
from flask import Flask
app = Flask(__name__)
app.run(host="0.0.0.0", port=8080, debug=True)
uvicorn.run(api, host="127.0.0.1", port=8000)
demo.launch(share=True)
)", FactType::network_bind);
  ASSERT_GE(binds.size(), 2u);
  EXPECT_TRUE(binds[0].props["all_interfaces"].get<bool>());
  EXPECT_TRUE(binds[0].props["debug"].get<bool>());
  EXPECT_FALSE(binds[1].props["all_interfaces"].get<bool>());
}

// absl's and TensorFlow's app.run(main) run a command-line program: no server listens.
TEST(PythonExtractor, ProgramRunnersAreNoNetworkBinds) {
  auto binds = python_facts(R"(from absl import app
import tensorflow as tf
app.run(main)
tf.compat.v1.app.run(main)
)", FactType::network_bind);
  EXPECT_TRUE(binds.empty());
}

TEST(PythonExtractor, BrokenAndHostileSourceStillYieldsFacts) {
  testing::TempDir root;
  root.write("py2.py", "def broken(:\n    pass\nimport pickle\npickle.loads(data)\n");
  std::string deep = "x = " + std::string(3000, '(') + "1" + std::string(3000, ')') + "\nimport os\nos.system(cmd)\n";
  root.write("deep.py", deep);
  auto extraction = testing::extract(root.path());
  auto calls = testing::facts_of(extraction, FactType::call);
  EXPECT_NE(call_to(calls, "pickle.loads"), nullptr);
  bool syntax_note = false;
  for (const auto& diagnostic : extraction.diagnostics)
    if (diagnostic.code == "syntax-error" && diagnostic.location.file == "py2.py") syntax_note = true;
  EXPECT_TRUE(syntax_note);
}

}  // namespace
}  // namespace mlaudit
