// Severity from the evidence (issue 9): deserialization graded by where the loaded bytes come
// from, eval/exec and shell commands by what they are built from, and hygiene and flow
// findings one level lower in code that does not ship.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace mlaudit {
namespace {

struct Graded {
  Severity severity;
  std::string message;
};

std::map<std::pair<std::string, uint32_t>, Graded> graded(const ScanResult& result, const std::string& rule) {
  std::map<std::pair<std::string, uint32_t>, Graded> by_place;
  for (const auto& finding : result.findings)
    if (finding.rule->id == rule) by_place[{finding.location.file, finding.location.line}] = {finding.severity, finding.message};
  return by_place;
}

// A DVC pipeline: data_split.py writes X_train.pkl, train.py (a later stage) reads it back;
// serve.py reads a stage output outside the pipeline; predict.py reads a path nobody writes.
TEST(SeverityEvidence, PickleLoadsAreGradedByWhereTheBytesComeFrom) {
  testing::TempDir project;
  project.write("dvc.yaml", R"(stages:
  data_split:
    cmd: python stages/data_split.py
    deps: [data/raw.csv]
    outs: [data/X_train.pkl]
  train:
    cmd: python stages/train.py
    deps: [data/X_train.pkl]
    outs: [models/clf.joblib]
)");
  project.write("stages/data_split.py", R"(import pandas as pd
def split(data_dir, frame):
    frame.to_pickle(data_dir / 'X_train.pkl')
)");
  project.write("stages/train.py", R"(import pandas as pd
import joblib
def train(data_dir):
    X = pd.read_pickle(data_dir / 'X_train.pkl')
    joblib.dump(X, "scratch.joblib")
    again = joblib.load("scratch.joblib")
)");
  project.write("serve.py", R"(import joblib
model = joblib.load("models/clf.joblib")
)");
  project.write("predict.py", R"(import joblib, sys
model = joblib.load(sys.argv[1])
other = joblib.load("elsewhere/unknown.joblib")
)");
  project.write("cache.py", R"(import pickle, requests
class Cache:
    def set(self, key, value):
        self.client.set(key, pickle.dumps(value))
    def get(self, key):
        return pickle.loads(self.client.get(key))
remote = pickle.loads(requests.get("https://models.example.com/m.pkl").content)
)");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  ASSERT_EQ(findings.size(), 7u);
  const Graded& pipeline = findings[{"stages/train.py", 4}];
  EXPECT_EQ(pipeline.severity, Severity::low);
  EXPECT_NE(pipeline.message.find("written by stages/data_split.py (DVC stage data_split) earlier in the same pipeline (low)"),
            std::string::npos) << pipeline.message;
  const Graded& same_script = findings[{"stages/train.py", 6}];
  EXPECT_EQ(same_script.severity, Severity::low);
  EXPECT_NE(same_script.message.find("written by this script"), std::string::npos) << same_script.message;
  const Graded& stage_output = findings[{"serve.py", 2}];
  EXPECT_EQ(stage_output.severity, Severity::medium);
  EXPECT_NE(stage_output.message.find("output of DVC stage train"), std::string::npos) << stage_output.message;
  EXPECT_EQ((findings[{"predict.py", 2}].severity), Severity::high);
  EXPECT_NE((findings[{"predict.py", 2}].message.find("command-line argument")), std::string::npos);
  EXPECT_EQ((findings[{"predict.py", 3}].severity), Severity::high);
  EXPECT_NE((findings[{"predict.py", 3}].message.find("no step of the project writes `unknown.joblib`")), std::string::npos);
  const Graded& cache = findings[{"cache.py", 6}];
  EXPECT_EQ(cache.severity, Severity::medium);
  EXPECT_NE(cache.message.find("`pickle.dumps` at line 4"), std::string::npos) << cache.message;
  const Graded& download = findings[{"cache.py", 7}];
  EXPECT_EQ(download.severity, Severity::high);
  EXPECT_NE(download.message.find("downloaded from `https://models.example.com/m.pkl`"), std::string::npos) << download.message;
}

// A path the scan cannot resolve (`config.PIPELINE_PATH`) that the project saves to, written
// the same way: another function of the module saved it (the project's store, medium); the
// same function just wrote it (low); a bare parameter proves nothing (high stays).
TEST(SeverityEvidence, LoadsOfAPathTheProjectSavesToTheSameWayAreItsOwnArtifacts) {
  testing::TempDir project;
  project.write("pkg/data_management.py", R"(import joblib
from pkg.config import config
def save_pipeline(pipeline):
    joblib.dump(pipeline, config.PIPELINE_PATH)
def load_pipeline():
    return joblib.load(config.PIPELINE_PATH)
def roundtrip(pipeline):
    joblib.dump(pipeline, config.SCRATCH_PATH)
    return joblib.load(config.SCRATCH_PATH)
def load_any(path):
    joblib.dump({}, path)
    return joblib.load(path)
)");
  project.write("pkg/predict.py", R"(import joblib
from pkg.config import config
model = joblib.load(config.PIPELINE_PATH)
)");
  project.write("pkg/manager.py", R"(import joblib
from pkg.config import TRAINED_MODEL_DIR
def save(pipeline, save_file_name):
    joblib.dump(pipeline, TRAINED_MODEL_DIR / save_file_name)
def load(file_name):
    return joblib.load(TRAINED_MODEL_DIR / file_name)
def load_from(folder, file_name):
    return joblib.load(folder / file_name)
)");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  const Graded& library = findings[{"pkg/data_management.py", 6}];
  EXPECT_EQ(library.severity, Severity::medium);
  EXPECT_NE(library.message.find("saved by save_pipeline() (line 4)"), std::string::npos) << library.message;
  EXPECT_EQ((findings[{"pkg/data_management.py", 9}].severity), Severity::low);
  const Graded& elsewhere = findings[{"pkg/predict.py", 3}];
  EXPECT_EQ(elsewhere.severity, Severity::medium);
  EXPECT_NE(elsewhere.message.find("written by pkg/data_management.py (line 4)"), std::string::npos) << elsewhere.message;
  EXPECT_EQ((findings[{"pkg/data_management.py", 12}].severity), Severity::high);
  const Graded& folder = findings[{"pkg/manager.py", 6}];
  EXPECT_EQ(folder.severity, Severity::medium);
  EXPECT_NE(folder.message.find("`TRAINED_MODEL_DIR` is the folder the project saves to"), std::string::npos) << folder.message;
  EXPECT_EQ((findings[{"pkg/manager.py", 8}].severity), Severity::high);  // a parameter's folder proves nothing
}

// The path built into a local first (`save_path = TRAINED_MODEL_DIR / name`), with different
// names on each side: the load still meets the save on the folder, and the writer named is
// the one in the loading module when two modules save to a folder of that name.
TEST(SeverityEvidence, LoadsThroughALocalPathNameTheFolderItWasBuiltFrom) {
  testing::TempDir project;
  for (std::string package : {"first", "second"})
    project.write(package + "/data_manager.py", R"(import joblib
from )" + package + R"(.config import TRAINED_MODEL_DIR
def save_pipeline(pipeline, version):
    save_file_name = f"pipeline{version}.pkl"
    save_path = TRAINED_MODEL_DIR / save_file_name
    joblib.dump(pipeline, save_path)
def load_pipeline(*, file_name):
    file_path = TRAINED_MODEL_DIR / file_name
    return joblib.load(filename=file_path)
def load_given(folder, file_name):
    file_path = folder / file_name
    return joblib.load(file_path)
)");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  const Graded& second = findings[{"second/data_manager.py", 9}];
  EXPECT_EQ(second.severity, Severity::medium) << second.message;
  EXPECT_NE(second.message.find("`TRAINED_MODEL_DIR` is the folder the project saves to (second/data_manager.py, line 6)"),
            std::string::npos) << second.message;
  EXPECT_EQ((findings[{"first/data_manager.py", 9}].severity), Severity::medium);
  EXPECT_EQ((findings[{"second/data_manager.py", 12}].severity), Severity::high);  // a parameter's folder proves nothing
}

// Numbered notebooks in one folder are one sequence run in order: what 02 writes to a
// relative path, 05 reads back (low), and no hash record is asked for a file no one else
// touches between; a notebook in another folder, or an earlier one reading a later one's
// output, is not that.
TEST(SeverityEvidence, NotebooksOfOneFolderReadWhatEarlierOnesWrote) {
  testing::TempDir project;
  auto notebook = [](const std::vector<std::string>& lines) {  // one source line per JSON line, as Jupyter writes them
    nlohmann::json cell = {{"cell_type", "code"}, {"metadata", nlohmann::json::object()}, {"execution_count", 1},
                           {"outputs", nlohmann::json::array()}, {"source", lines}};
    return nlohmann::json{{"cells", {cell}}, {"metadata", nlohmann::json::object()}, {"nbformat", 4}, {"nbformat_minor", 5}}.dump(1);
  };
  project.write("research/02-feature-engineering.ipynb", notebook({"import joblib\n", "joblib.dump(scaler, 'minmax_scaler.joblib')\n"}));
  project.write("research/05-scoring.ipynb",
                notebook({"import joblib\n", "scaler = joblib.load('minmax_scaler.joblib')\n", "old = joblib.load('late.joblib')\n"}));
  project.write("research/07-late.ipynb", notebook({"import joblib\n", "joblib.dump(model, 'late.joblib')\n"}));
  project.write("other/01-reuse.ipynb", notebook({"import joblib\n", "scaler = joblib.load('minmax_scaler.joblib')\n"}));
  ScanResult result = testing::scan(project.path(), {"code.pickle-deserialization", "stride.model-without-integrity-record"});
  // By notebook and file loaded: the severity, and whether a missing hash record was folded in.
  std::map<std::string, std::pair<Severity, bool>> loads;
  for (const auto& finding : result.findings) {
    if (finding.rule->id != "code.pickle-deserialization") continue;
    bool unhashed = std::any_of(finding.related.begin(), finding.related.end(), [](const RelatedLocation& related) {
      return related.merged && related.message.find("no hash") != std::string::npos;
    });
    std::string loaded = finding.message.find("late.joblib") != std::string::npos ? "late" : "scaler";
    loads[finding.location.file + " " + loaded] = {finding.severity, unhashed};
  }
  for (const auto& finding : result.findings) EXPECT_NE(finding.rule->id, "stride.model-without-integrity-record");  // folded in
  ASSERT_EQ(loads.size(), 3u);
  EXPECT_EQ(loads["research/05-scoring.ipynb scaler"], std::make_pair(Severity::low, false));
  // late.joblib is written by a later notebook; other/'s copy of the scaler no notebook there writes.
  EXPECT_EQ(loads["research/05-scoring.ipynb late"], std::make_pair(Severity::medium, true));
  EXPECT_EQ(loads["other/01-reuse.ipynb scaler"], std::make_pair(Severity::medium, true));
}

// Paths the ML platform fills with the project's own registered model (Azure ML, SageMaker,
// Vertex AI, MLflow): the project's store, medium; any other environment variable is high.
TEST(SeverityEvidence, ModelsThePlatformDeploysFromTheProjectsRegistryAreItsOwnStore) {
  testing::TempDir project;
  project.write("score.py", R"(import os, joblib
from azureml.core.model import Model
def init():
    model_path = Model.get_model_path(model_name="sklearn_regression_model.pkl")
    model = joblib.load(model_path)
    deployed = joblib.load(os.path.join(os.getenv("AZUREML_MODEL_DIR"), "model.pkl"))
    sagemaker = joblib.load(os.path.join("/opt/ml/model", "model.joblib"))
    other = joblib.load(os.path.join(os.getenv("MODEL_FOLDER"), "model.pkl"))
)");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ((findings[{"score.py", 5}].severity), Severity::medium);
  EXPECT_NE((findings[{"score.py", 5}].message.find("own registry (`Model.get_model_path`)")), std::string::npos)
      << findings[{"score.py", 5}].message;
  EXPECT_EQ((findings[{"score.py", 6}].severity), Severity::medium);
  EXPECT_NE((findings[{"score.py", 6}].message.find("(`AZUREML_MODEL_DIR`)")), std::string::npos) << findings[{"score.py", 6}].message;
  EXPECT_EQ((findings[{"score.py", 7}].severity), Severity::medium);
  EXPECT_EQ((findings[{"score.py", 8}].severity), Severity::high);
}

// A model file committed beside the code that loads it is the project's own artifact
// (medium), and the repository's history holds its hash (no integrity-record finding); the
// same name with no file committed is loaded from wherever it comes from (high).
TEST(SeverityEvidence, AModelCommittedInTheRepositoryIsItsOwnArtifact) {
  testing::TempDir project;
  project.write("homework/model.bin", std::string("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.", 15));
  project.write("homework/batch.py", R"(import pickle
with open("model.bin", "rb") as f_in:
    dv, model = pickle.load(f_in)
with open("other.pkl", "rb") as f_in:
    other = pickle.load(f_in)
)");
  ScanResult result = testing::scan(project.path(), {"code.pickle-deserialization", "stride.model-without-integrity-record"});
  auto findings = graded(result, "code.pickle-deserialization");
  const Graded& committed = findings[{"homework/batch.py", 3}];
  EXPECT_EQ(committed.severity, Severity::medium) << committed.message;
  EXPECT_NE(committed.message.find("`homework/model.bin` is committed to the repository"), std::string::npos) << committed.message;
  EXPECT_EQ((findings[{"homework/batch.py", 5}].severity), Severity::high);
  std::vector<std::string> unhashed;
  for (const auto& finding : result.findings) {
    if (finding.rule->id == "stride.model-without-integrity-record") unhashed.push_back(finding.message);
    for (const auto& related : finding.related)
      if (related.merged) unhashed.push_back(related.message);
  }
  ASSERT_EQ(unhashed.size(), 1u);
  EXPECT_NE(unhashed[0].find("other.pkl"), std::string::npos) << unhashed[0];
}

// Training data no one versions: low when a pipeline script trains on it, info when only
// notebooks run by hand read it.
TEST(SeverityEvidence, UnversionedDataReadOnlyByNotebooksIsInfo) {
  testing::TempDir project;
  nlohmann::json cell = {{"cell_type", "code"}, {"metadata", nlohmann::json::object()}, {"execution_count", 1},
                         {"outputs", nlohmann::json::array()},
                         {"source", {"import pandas as pd\n", "df = pd.read_csv('../data/explore.csv')\n", "model.fit(df)\n"}}};
  project.write("notebooks/explore.ipynb",
                nlohmann::json{{"cells", {cell}}, {"metadata", nlohmann::json::object()}, {"nbformat", 4}, {"nbformat_minor", 5}}.dump(1));
  project.write("train.py", "import pandas as pd\ndf = pd.read_csv('/mnt/shared/train.csv')\nmodel.fit(df)\n");
  ScanResult result = testing::scan(project.path(), {"stride.unversioned-training-data"});
  std::map<std::string, Severity> by_message;
  for (const auto& finding : result.findings)
    by_message[finding.message.substr(0, finding.message.find(' '))] = finding.severity;
  EXPECT_EQ(by_message, (std::map<std::string, Severity>{{"data/explore.csv", Severity::info}, {"/mnt/shared/train.csv", Severity::low}}));
}

// A debug server on all interfaces: high (the Werkzeug console asks for a PIN); medium when
// debug is set only in the `__main__` entry point and the image serves the module with
// gunicorn, which never runs that block.
TEST(SeverityEvidence, DebugServersAreGradedByWhatTheImageRuns) {
  testing::TempDir project;
  const std::string server = R"(from flask import Flask
app = Flask(__name__)
@app.route("/predict", methods=["POST"])
def predict():
    return "ok"
if __name__ == "__main__":
    app.run(debug=True, host="0.0.0.0", port=9696)
)";
  project.write("gunicorn/predict.py", server);
  project.write("gunicorn/Dockerfile", "FROM python:3.11-slim\nCOPY predict.py .\nCMD [\"gunicorn\", \"--bind=0.0.0.0:9696\", \"predict:app\"]\n");
  project.write("script/predict.py", server.substr(0, server.find("9696")) + "8080)\n");  // not a copy: copies are one finding
  project.write("script/Dockerfile", "FROM python:3.11-slim\nCOPY predict.py .\nCMD [\"python\", \"predict.py\"]\n");
  auto findings = graded(testing::scan(project.path(), {"stride.debug-service-exposed"}), "stride.debug-service-exposed");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ((findings[{"gunicorn/predict.py", 7}].severity), Severity::medium);
  EXPECT_EQ((findings[{"script/predict.py", 7}].severity), Severity::high);
}

// An unauthenticated endpoint on all interfaces: high when it changes what the service keeps
// or calls a third-party API; medium for inference on the caller's input alone, also when
// the model runs in a function of the module the handler calls.
TEST(SeverityEvidence, ExposedEndpointsAreGradedByWhatACallerCanDoThroughThem) {
  testing::TempDir project;
  project.write("serve.py", R"(import pickle
from flask import Flask, request
with open("model.bin", "rb") as f_in:
    dv, model = pickle.load(f_in)
app = Flask("churn")
def predict_single(customer):
    return model.predict_proba(dv.transform([customer]))[0, 1]
@app.route("/predict", methods=["POST"])
def predict():
    return {"churn": float(predict_single(request.get_json()))}
@app.route("/feedback", methods=["POST"])
def feedback():
    with open("feedback.csv", "a") as out:
        out.write(str(request.get_json()))
    return {"churn": float(predict_single(request.get_json()))}
app.run(host="0.0.0.0", port=9696)
)");
  project.write("chat.py", R"(from flask import Flask, request
from openai import OpenAI
client = OpenAI()
app = Flask("chat")
@app.route("/answer", methods=["POST"])
def answer():
    topic = model.predict([request.json["q"]])
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": request.json["q"]}])
    return {"answer": reply.choices[0].message.content, "topic": topic}
app.run(host="0.0.0.0", port=8000)
)");
  auto findings = graded(testing::scan(project.path(), {"stride.exposed-endpoint-no-auth"}), "stride.exposed-endpoint-no-auth");
  EXPECT_EQ((findings[{"serve.py", 8}].severity), Severity::medium);
  EXPECT_EQ((findings[{"serve.py", 11}].severity), Severity::high);
  EXPECT_EQ((findings[{"chat.py", 5}].severity), Severity::high);
  EXPECT_EQ(findings.size(), 3u);

  // No rate limit: a score computed in the process is cheap to repeat (low); generation or a
  // third-party API called per request spends GPU time or the project's key (medium).
  project.write("generate.py", R"(from flask import Flask, request
app = Flask("gen")
@app.route("/infer", methods=["POST"])
def infer():
    return {"text": model.generate(request.json["prompt"], max_new_tokens=256)}
app.run(host="0.0.0.0", port=7000)
)");
  auto unlimited = graded(testing::scan(project.path(), {"stride.exposed-inference-no-rate-limit"}),
                          "stride.exposed-inference-no-rate-limit");
  EXPECT_EQ((unlimited[{"serve.py", 8}].severity), Severity::low);
  EXPECT_EQ((unlimited[{"chat.py", 5}].severity), Severity::medium);
  EXPECT_EQ((unlimited[{"generate.py", 3}].severity), Severity::medium);
}

// A published Redis or MongoDB port is high when the service is given no login (both answer
// anyone by default), medium when a password is set in its environment or command.
TEST(SeverityEvidence, PublishedDatabasesWithoutALoginAreHigh) {
  testing::TempDir project;
  project.write("docker-compose.yaml", R"(services:
  redis:
    image: redis:latest
    ports:
      - "6379:6379"
  guarded-redis:
    image: redis:7.2
    command: redis-server --requirepass ${REDIS_PASSWORD}
    ports:
      - "6380:6379"
  mongo:
    image: mongo:7
    ports:
      - "27017:27017"
  guarded-mongo:
    image: mongo:7
    environment:
      - MONGO_INITDB_ROOT_PASSWORD=${MONGO_PASSWORD}
    ports:
      - "27018:27017"
)");
  auto findings = graded(testing::scan(project.path(), {"config.compose-database-port-published"}),
                         "config.compose-database-port-published");
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ((findings[{"docker-compose.yaml", 5}].severity), Severity::high);
  EXPECT_EQ((findings[{"docker-compose.yaml", 10}].severity), Severity::medium);
  EXPECT_EQ((findings[{"docker-compose.yaml", 14}].severity), Severity::high);
  EXPECT_EQ((findings[{"docker-compose.yaml", 20}].severity), Severity::medium);
}

// Keras' ModelCheckpoint names one file per saved epoch from a pattern: a model loaded under a
// name the pattern produces is one the project trained (medium; low in the training script
// itself); a name no pattern or step produces stays high.
TEST(SeverityEvidence, KerasCheckpointsNamedByAPatternAreTheProjectsOwn) {
  testing::TempDir project;
  project.write("train.py", R"(from tensorflow import keras
checkpoint = keras.callbacks.ModelCheckpoint("xception_v4_{epoch:02d}_{val_accuracy:.3f}.h5", save_best_only=True)
model.fit(train_ds, callbacks=[checkpoint])
best = keras.models.load_model("xception_v4_08_0.894.h5")
)");
  project.write("convert.py", R"(from tensorflow import keras
model = keras.models.load_model("xception_v4_08_0.894.h5")
other = keras.models.load_model("resnet_v2_08_0.894.h5")
)");
  auto findings = graded(testing::scan(project.path(), {"code.keras-unsafe-load"}), "code.keras-unsafe-load");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ((findings[{"train.py", 4}].severity), Severity::low);
  EXPECT_EQ((findings[{"convert.py", 2}].severity), Severity::medium);
  const std::string& message = findings[{"convert.py", 2}].message;
  EXPECT_NE(message.find("named like the checkpoints train.py saves (line 2)"), std::string::npos) << message;
  EXPECT_EQ((findings[{"convert.py", 3}].severity), Severity::high);
}

// A SageMaker Processing step reads what its pipeline mounts under /opt/ml/processing/: the
// training step's model archive unpacked there, or a model file there, is an earlier step's
// output (low); the same load with nothing mounted stays high.
TEST(SeverityEvidence, SageMakerProcessingInputsComeFromThePipeline) {
  testing::TempDir project;
  project.write("pipelines/evaluate.py", R"(import pickle, tarfile, joblib
model_path = "/opt/ml/processing/model/model.tar.gz"
with tarfile.open(model_path) as tar:
    tar.extractall(path=".")
model = pickle.load(open("xgboost-model", "rb"))
scaler = joblib.load("/opt/ml/processing/scaler/scaler.joblib")
)");
  project.write("tools/inspect.py", R"(import pickle
model = pickle.load(open("xgboost-model", "rb"))
)");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ((findings[{"pipelines/evaluate.py", 5}].severity), Severity::low);
  const std::string& unpacked = findings[{"pipelines/evaluate.py", 5}].message;
  EXPECT_NE(unpacked.find("unpacked from `/opt/ml/processing/model/model.tar.gz`"), std::string::npos) << unpacked;
  EXPECT_EQ((findings[{"pipelines/evaluate.py", 6}].severity), Severity::low);
  EXPECT_EQ((findings[{"tools/inspect.py", 2}].severity), Severity::high);
}

// A handle opened on what an MLflow client downloaded is an artifact of the project's own
// tracking server (medium); a handle on a path nothing produces stays high.
TEST(SeverityEvidence, DownloadedMlflowArtifactsAreTheProjectsStore) {
  testing::TempDir project;
  project.write("score.py", R"(import os, pickle
from mlflow.tracking import MlflowClient
client = MlflowClient(tracking_uri="http://127.0.0.1:5000")
def vectorizer(run_id):
    path = client.download_artifacts(run_id=run_id, path="dict_vectorizer.bin")
    with open(path, "rb") as handle:
        return pickle.load(handle)
def encoder():
    with open(os.environ["ENCODER_PATH"], "rb") as handle:
        return pickle.load(handle)
)");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ((findings[{"score.py", 7}].severity), Severity::medium);
  EXPECT_EQ((findings[{"score.py", 10}].severity), Severity::high);
}

// A product's documented default credential is a default login, not a leaked secret: medium
// where the service publishes a port, low on the compose network alone; one finding for every
// place the file repeats it. A password of the project's own stays high.
TEST(SeverityEvidence, DefaultCredentialsInComposeAreGradedByReach) {
  testing::TempDir project;
  project.write("docker-compose.yaml", R"(services:
  mlflow:
    build: ./mlflow
    environment:
      AWS_ACCESS_KEY_ID: minioadmin
      AWS_SECRET_ACCESS_KEY: minioadmin
    ports:
      - "5000:5000"
  minio:
    image: minio/minio
    environment:
      MINIO_ROOT_USER: minioadmin
      MINIO_ROOT_PASSWORD: minioadmin
    ports:
      - "9000:9000"
  postgres:
    image: postgres:13
    environment:
      POSTGRES_PASSWORD: airflow
  app:
    image: python:3.11
    environment:
      DB_PASSWORD: Qx7-Vv2m-Lk9p
    ports:
      - "127.0.0.1:8000:8000"
)");
  ScanResult result = testing::scan(project.path(), {"config.compose-literal-password"});
  auto findings = graded(result, "config.compose-literal-password");
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ((findings[{"docker-compose.yaml", 5}].severity), Severity::medium);   // MinIO's, published
  const std::string& merged = findings[{"docker-compose.yaml", 5}].message;
  EXPECT_NE(merged.find("MinIO's documented default credential"), std::string::npos) << merged;
  EXPECT_NE(merged.find("set 3 times"), std::string::npos) << merged;    // MINIO_ROOT_USER is no secret key
  EXPECT_EQ(merged.find("minioadmin"), std::string::npos) << merged;     // masked all the same
  EXPECT_EQ((findings[{"docker-compose.yaml", 19}].severity), Severity::low);    // Airflow's, not published
  EXPECT_EQ((findings[{"docker-compose.yaml", 23}].severity), Severity::high);   // the project's own
  for (const auto& finding : result.findings)
    if (finding.location.line == 5) EXPECT_EQ(finding.related.size(), 2u);
}

// Steps of one folder's workflow, through helper functions: preprocess_data.py dumps
// train.pkl with dump_pickle(...), train.py reads it back with load_pickle(...) (low, the
// message names the file and its writer); a service of the same folder loading it is medium.
TEST(SeverityEvidence, PicklesAStepOfTheSameFolderWritesAreLowForOtherSteps) {
  testing::TempDir project;
  project.write("homework/preprocess_data.py", R"(import os, pickle
def dump_pickle(obj, filename):
    with open(filename, "wb") as f_out:
        return pickle.dump(obj, f_out)
def run(dest_path, data):
    dump_pickle(data, os.path.join(dest_path, "train.pkl"))
)");
  const std::string loader = R"(import os, pickle
def load_pickle(filename):
    with open(filename, "rb") as f_in:
        return pickle.load(f_in)
def run(data_path):
    return load_pickle(os.path.join(data_path, "train.pkl"))
)";
  project.write("homework/train.py", loader);
  project.write("homework/serve.py", loader + "from flask import Flask\napp = Flask(__name__)\n@app.route('/p')\ndef p():\n    return str(run('.'))\n");
  auto findings = graded(testing::scan(project.path(), {"code.pickle-deserialization"}), "code.pickle-deserialization");
  const Graded& step = findings[{"homework/train.py", 4}];
  EXPECT_EQ(step.severity, Severity::low) << step.message;
  EXPECT_NE(step.message.find("`train.pkl` is written by homework/preprocess_data.py"), std::string::npos) << step.message;
  EXPECT_EQ((findings[{"homework/serve.py", 4}].severity), Severity::medium) << findings[{"homework/serve.py", 4}].message;
}

TEST(SeverityEvidence, TorchLoadOfACheckpointTheScriptSavesIsLow) {
  testing::TempDir project;
  project.write("train.py", R"(import torch, os
def resume(checkpoint_dir, model):
    state = torch.load(os.path.join(checkpoint_dir, "adapter_model.bin"))
    torch.save(model.state_dict(), os.path.join(checkpoint_dir, "adapter_model.bin"))
hub = torch.hub.load_state_dict_from_url("https://example.com/resnet.pth")
)");
  auto findings = graded(testing::scan(project.path(), {"code.torch-load-unsafe"}), "code.torch-load-unsafe");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ((findings[{"train.py", 3}].severity), Severity::low);
  EXPECT_EQ((findings[{"train.py", 5}].severity), Severity::high);
}

// The flow rule on remote models: a download is high, the project's own registry medium.
TEST(SeverityEvidence, RemoteModelLoadsAreHighFromTheInternetAndMediumFromTheProjectsRegistry) {
  testing::TempDir project;
  project.write("loader.py", R"(import mlflow, pickle, requests
mlflow.set_tracking_uri("https://mlflow.example.com")
model = pickle.loads(requests.get("https://models.example.com/latest.pkl", timeout=30).content)
registered = mlflow.sklearn.load_model("models:/churn/3")
)");
  auto findings = graded(testing::scan(project.path(), {"stride.remote-model-deserialization"}),
                         "stride.remote-model-deserialization");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ((findings[{"loader.py", 3}].severity), Severity::high);
  EXPECT_EQ((findings[{"loader.py", 4}].severity), Severity::medium);
  EXPECT_NE((findings[{"loader.py", 4}].message.find("(registry)")), std::string::npos) << findings[{"loader.py", 4}].message;
}

// Hosted model APIs: what the caller was given (a question, a document) is medium; a prompt
// made only of the project's own constants is low.
TEST(SeverityEvidence, PromptsToHostedModelsAreGradedByWhatTheyCarry) {
  testing::TempDir project;
  project.write("ask.py", R"(from openai import OpenAI
from anthropic import Anthropic
client = OpenAI()
def ask(question):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
def probe():
    return Anthropic().messages.create(model="claude-3", messages=[{"role": "user", "content": "Say OK"}], max_tokens=5)
)");
  auto findings = graded(testing::scan(project.path(), {"stride.data-sent-to-third-party"}), "stride.data-sent-to-third-party");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ((findings[{"ask.py", 5}].severity), Severity::medium);
  EXPECT_EQ((findings[{"ask.py", 7}].severity), Severity::low);
}

TEST(SeverityEvidence, CodeAndShellCommandsAreGradedByWhatBuildsThem) {
  testing::TempDir project;
  project.write("tools.py", R"(import os, subprocess, sys
from flask import request
TOOL = "nvidia-smi"
class Runner:
    def version(self):
        return subprocess.check_output(f"{self.binary} --version", shell=True)
    def run(self, command):
        subprocess.run(command, shell=True)
subprocess.run(TOOL, shell=True)
os.system("rm -rf " + os.environ["WORKDIR"])
result = eval(request.form["expression"])
total = eval(f"{self.left} + {self.right}")
)");
  ScanResult result = testing::scan(project.path(), {"code.shell-command-injection", "code.eval-exec"});
  auto shell = graded(result, "code.shell-command-injection");
  ASSERT_EQ(shell.size(), 3u);  // the constant TOOL is not reported
  EXPECT_EQ((shell[{"tools.py", 6}].severity), Severity::low);
  EXPECT_EQ((shell[{"tools.py", 8}].severity), Severity::high);
  EXPECT_EQ((shell[{"tools.py", 10}].severity), Severity::high);
  auto code = graded(result, "code.eval-exec");
  ASSERT_EQ(code.size(), 2u);
  EXPECT_EQ((code[{"tools.py", 11}].severity), Severity::high);
  EXPECT_EQ((code[{"tools.py", 12}].severity), Severity::low);
}

// Hygiene and flow rules drop one level in tests and examples and say so; secret rules do not.
// Event text pasted into a workflow script: high where an outsider writes it and the job
// holds secrets or a write token (issue_comment), medium on a fork's pull_request (read-only
// token, no secrets); the same text passed through env: is data, not script.
TEST(SeverityEvidence, WorkflowScriptInjectionIsGradedByItsTrigger) {
  testing::TempDir project;
  project.write(".github/workflows/bot.yml",
                "on: issue_comment\njobs:\n  reply:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: |\n          echo start\n          python bot.py \"${{ github.event.comment.body }}\"\n"
                "      - env:\n          BODY: ${{ github.event.comment.body }}\n        run: python bot.py \"$BODY\"\n");
  project.write(".github/workflows/ci.yml",
                "on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: echo ${{ github.event.pull_request.title }}\n");
  const std::string rule = "config.workflow-script-injection";
  auto findings = graded(testing::scan(project.path(), {rule}), rule);
  ASSERT_EQ(findings.size(), 2u);
  auto bot = findings[{".github/workflows/bot.yml", 8}];   // the script's own line, under `run: |`
  EXPECT_EQ(bot.severity, Severity::high) << bot.message;
  EXPECT_NE(bot.message.find("issue_comment"), std::string::npos) << bot.message;
  auto ci = findings[{".github/workflows/ci.yml", 6}];
  EXPECT_EQ(ci.severity, Severity::medium) << ci.message;
}

// A download piped into a shell: over HTTPS with certificate checks on, the named server
// decides what runs (medium); over plain HTTP or with checks off, anyone on the path (high).
TEST(SeverityEvidence, DownloadsPipedIntoAShellAreGradedByTheirTransport) {
  testing::TempDir project;
  project.write("Dockerfile",
                "FROM python:3.11-slim\n"
                "RUN curl -sSL https://sdk.cloud.google.com | bash\n"
                "RUN curl -sSL http://get.example.com/install.sh | bash\n"
                "RUN curl -ksSL https://get.example.com/install.sh | sh\n"
                "RUN wget --no-check-certificate -qO- https://get.example.com/install.sh | sh\n");
  const std::string rule = "config.dockerfile-curl-pipe-shell";
  auto findings = graded(testing::scan(project.path(), {rule}), rule);
  ASSERT_EQ(findings.size(), 4u);
  auto https = findings[{"Dockerfile", 2}], http = findings[{"Dockerfile", 3}];
  auto insecure = findings[{"Dockerfile", 4}], unchecked = findings[{"Dockerfile", 5}];
  EXPECT_EQ(https.severity, Severity::medium) << https.message;
  EXPECT_EQ(http.severity, Severity::high) << http.message;
  EXPECT_EQ(insecure.severity, Severity::high) << insecure.message;
  EXPECT_EQ(unchecked.severity, Severity::high) << unchecked.message;
}

TEST(SeverityEvidence, FindingsOutsideProductionCodeDropOneLevelExceptSecrets) {
  testing::TempDir project;
  const std::string code = R"(import subprocess, sys
subprocess.run(f"ls {sys.argv[1]}", shell=True)
API_KEY = "sk-proj-4fJq9XzR2mT7vLw8KbN3pYc6HdE1sUa5GiOoQ0rVtZxWyB"
)";
  // Each copy differs by its first line: identical files would be one finding with copies.
  project.write("app/run.py", "# app\n" + code);
  project.write("tests/test_run.py", "# test\n" + code);
  project.write("examples/demo.py", "# example\n" + code);
  ScanResult result = testing::scan(project.path(), {"code.shell-command-injection", "code.hardcoded-secret"});
  auto shell = graded(result, "code.shell-command-injection");
  ASSERT_EQ(shell.size(), 3u);
  EXPECT_EQ((shell[{"app/run.py", 3}].severity), Severity::high);
  EXPECT_EQ((shell[{"tests/test_run.py", 3}].severity), Severity::medium);
  EXPECT_NE((shell[{"tests/test_run.py", 3}].message.find("Lowered from high to medium: test code")), std::string::npos);
  EXPECT_EQ((shell[{"examples/demo.py", 3}].severity), Severity::medium);
  for (const auto& finding : result.findings) {
    if (finding.location.file == "tests/test_run.py" && finding.rule->id == "code.shell-command-injection")
      EXPECT_EQ(finding.evidence["severity_lowered"]["because"], "test code");
  }
  auto secrets = graded(result, "code.hardcoded-secret");
  ASSERT_FALSE(secrets.empty());
  std::set<Severity> levels;
  for (const auto& [place, finding] : secrets) levels.insert(finding.severity);
  EXPECT_EQ(levels.size(), 1u) << "a secret keeps its level in tests and examples";
}

}  // namespace
}  // namespace mlaudit
