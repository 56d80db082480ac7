// extract/config: Kubernetes, compose, workflows, DVC, MLflow, conda, pyproject,
// requirements, Dockerfiles, .env files.
#include <gtest/gtest.h>

#include <algorithm>

#include "extract/config/dependency_spec.h"
#include "extract/config/helm_template.h"
#include "test_support.h"

namespace mlaudit {
namespace {

using testing::facts_of;
using testing::TempDir;

TEST(ConfigExtractors, KubernetesWorkloadsAndServices) {
  TempDir root;
  root.write("k8s.yaml", R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: retrain}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext: {runAsNonRoot: true}
          containers:
            - name: trainer
              image: trainer:1.0
              env:
                - {name: DB_PASSWORD, value: hunter2hunter2}
                - name: TOKEN
                  valueFrom: {secretKeyRef: {name: s, key: k}}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  type: NodePort
  ports: [{port: 80}]
)");
  auto extraction = testing::extract(root.path());
  auto containers = facts_of(extraction, FactType::k8s_container);
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0].props["kind"], "CronJob");
  EXPECT_FALSE(containers[0].props["runs_as_root"].get<bool>());
  EXPECT_FALSE(containers[0].props["privileged"].get<bool>());
  auto env = facts_of(extraction, FactType::env_assignment);
  ASSERT_EQ(env.size(), 1u);  // valueFrom is a reference, not a literal
  EXPECT_EQ(env[0].props["key"], "DB_PASSWORD");
  EXPECT_NE(env[0].props["value_masked"].get<std::string>().find("*"), std::string::npos);
  auto services = facts_of(extraction, FactType::k8s_service);
  ASSERT_EQ(services.size(), 1u);
  EXPECT_TRUE(services[0].props["externally_reachable"].get<bool>());
}

// Found by fuzz_yaml: a securityContext written as a scalar made yaml-cpp throw out of the
// extractor. It has no settings; the container is still reported, with the defaults.
TEST(ConfigExtractors, KubernetesSecurityContextThatIsNotAMapping) {
  TempDir root;
  root.write("k8s.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext: [runAsNonRoot]
      containers:
        - name: api
          image: api:1.0
          securityContext:
            privileged
)");
  auto extraction = testing::extract(root.path());
  auto containers = facts_of(extraction, FactType::k8s_container);
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_TRUE(containers[0].props["runs_as_root"].get<bool>());   // nothing says otherwise
  EXPECT_FALSE(containers[0].props["privileged"].get<bool>());
}

// Found by fuzz_yaml: a workflow whose `jobs` is a list (and any value of a shape a reader
// does not expect) is a warning naming the file, never an exception out of the scan.
TEST(ConfigExtractors, WorkflowOfAnUnexpectedShapeIsAWarning) {
  TempDir root;
  root.write(".github/workflows/ci.yml", "on: pull_request_target\njobs:\n- evaluate:\n    runs-on: ubuntu-latest\n");
  auto extraction = testing::extract(root.path());
  auto workflows = facts_of(extraction, FactType::workflow);
  ASSERT_EQ(workflows.size(), 1u);
  EXPECT_TRUE(workflows[0].props["pull_request_target"].get<bool>());
  EXPECT_TRUE(workflows[0].props["runs"].empty());
}

// A Helm chart template is read for its literal parts: `{{ }}` values are unknown (not
// findings, not parse errors), literal settings are facts with their own line numbers.
TEST(ConfigExtractors, HelmTemplatesReadForTheirLiteralParts) {
  TempDir root;
  root.write("chart/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
  root.write("chart/templates/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "demo.fullname" . }}
  labels:
    {{- include "demo.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      {{- with .Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      hostNetwork: true
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          securityContext:
            privileged: {{ .Values.privileged }}
        - name: sidecar
          image: sidecar:1.0
          securityContext:
            privileged: true
---
{{- if .Values.worker.enabled }}
apiVersion: batch/v1
kind: Job
metadata: {name: "{{ .Release.Name }}-migrate"}
spec:
  template:
    spec:
      containers:
        - name: migrate
          image: migrate:1.0
{{- end }}
)");
  root.write("chart/templates/_helpers.tpl", "{{- define \"demo.fullname\" -}}\n{{ .Release.Name }}\n{{- end }}\n");
  root.write("chart/templates/configmap.yaml", "{{- range $k, $v := .Values.config }}\n{{ $k }}: {{ $v | quote }}\n  bad: [\n{{- end }}\n");
  auto extraction = testing::extract(root.path());
  for (const auto& diagnostic : extraction.diagnostics) EXPECT_NE(diagnostic.code, "parse-error") << diagnostic.message;
  auto containers = facts_of(extraction, FactType::k8s_container);
  ASSERT_EQ(containers.size(), 3u);
  EXPECT_EQ(containers[0].location.line, 17u);
  EXPECT_FALSE(containers[0].props["privileged"].get<bool>());   // {{ .Values.privileged }}: unknown
  EXPECT_FALSE(containers[0].props["runs_as_root"].get<bool>()); // securityContext from the values: unknown
  EXPECT_TRUE(containers[0].props["host_network"].get<bool>());
  EXPECT_TRUE(containers[1].props["privileged"].get<bool>());    // literal in the template
  EXPECT_EQ(containers[1].location.line, 21u);
  EXPECT_EQ(containers[2].props["kind"], "Job");
  EXPECT_TRUE(containers[2].props["runs_as_root"].get<bool>());   // the template sets nothing
}

// The renderer keeps line numbers and survives templates cut anywhere.
TEST(ConfigExtractors, HelmRendererKeepsLinesOnBrokenTemplates) {
  EXPECT_EQ(render_literal_parts("a: {{ .Values.a }}\n  {{- if .x }}\nb: 1\n"), "a: $(helm)\n\nb: 1\n");
  EXPECT_EQ(render_literal_parts("{{/* a\ncomment */}}\nc: 2"), "\n\nc: 2");
  for (std::string_view cut : {"{{", "x{{", "{{ .a", "}}", "a: {{ b }", "{{{{{{", "\n{{\n"}) {
    std::string out = render_literal_parts(cut);
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), std::count(cut.begin(), cut.end(), '\n')) << cut;
  }
}

// KServe, Seldon and Kubeflow resources keep pod specs under their own keys.
TEST(ConfigExtractors, KubernetesCustomResourcesPodSpecs) {
  TempDir root;
  root.write("serving.yaml", R"(apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: iris}
spec:
  predictor:
    sklearn:
      storageUri: gs://models/iris
---
apiVersion: machinelearning.seldon.io/v1
kind: SeldonDeployment
metadata: {name: income}
spec:
  predictors:
    - componentSpecs:
        - spec:
            hostNetwork: true
            containers:
              - {name: classifier, image: "seldonio/sklearnserver:1.17.1"}
---
apiVersion: mlops.seldon.io/v1alpha1
kind: Model
metadata: {name: claims}
spec:
  storageUri: gs://models/claims
  requirements: [sklearn]
)");
  auto extraction = testing::extract(root.path());
  auto containers = facts_of(extraction, FactType::k8s_container);
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0].props["kind"], "InferenceService");
  EXPECT_EQ(containers[0].props["container"], "kserve-container");
  EXPECT_EQ(containers[0].location.line, 7u);
  EXPECT_EQ(containers[1].props["workload"], "income");
  EXPECT_TRUE(containers[1].props["host_network"].get<bool>());
}

TEST(ConfigExtractors, ComposeWorkflowAndDvc) {
  TempDir root;
  root.write("docker-compose.yml", R"(services:
  web:
    build: .
    ports: ["127.0.0.1:8000:8000", "9000:9000"]
    environment:
      - API_KEY=${API_KEY}
      - DEBUG=1
)");
  root.write(".github/workflows/release.yml", R"(on: [push, pull_request_target]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
        with: {ref: "${{ github.head_ref }}"}
      - uses: docker/build-push-action@v5
      - uses: ./local-action
      - run: python train.py
)");
  root.write("dvc.yaml", "stages:\n  prep:\n    cmd: python prep.py\n    deps: [raw.csv]\n    outs: [{clean.csv: {cache: false}}]\n");
  root.write("dvc.lock", "schema: '2.0'\nstages:\n  prep:\n    outs:\n    - path: clean.csv\n      md5: abc\n");
  root.write("raw.csv.dvc", "outs:\n- md5: def\n  path: raw.csv\n");
  root.write(".dvc/config", "['remote \"origin\"']\n    url = https://user:pw@dvc.example.com/store\n");
  auto extraction = testing::extract(root.path());
  auto binds = facts_of(extraction, FactType::network_bind);
  ASSERT_EQ(binds.size(), 2u);
  EXPECT_FALSE(binds[0].props["all_interfaces"].get<bool>());
  EXPECT_TRUE(binds[1].props["all_interfaces"].get<bool>());
  auto env = facts_of(extraction, FactType::env_assignment);
  ASSERT_GE(env.size(), 2u);
  EXPECT_TRUE(env[0].props["reference"].get<bool>());
  auto actions = facts_of(extraction, FactType::workflow_action);
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_TRUE(actions[0].props["pinned"].get<bool>());
  EXPECT_FALSE(actions[1].props["pinned"].get<bool>());
  EXPECT_TRUE(actions[2].props["local"].get<bool>());
  auto workflows = facts_of(extraction, FactType::workflow);
  ASSERT_EQ(workflows.size(), 1u);
  EXPECT_TRUE(workflows[0].props["pull_request_target"].get<bool>());
  EXPECT_TRUE(workflows[0].props["checks_out_pr_head"].get<bool>());
  auto stages = facts_of(extraction, FactType::dvc_stage);
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_EQ(stages[0].props["outs"], nlohmann::ordered_json::array({"clean.csv"}));
  auto tracked = facts_of(extraction, FactType::dvc_tracked);
  ASSERT_EQ(tracked.size(), 2u);
  auto remotes = facts_of(extraction, FactType::dvc_remote);
  ASSERT_EQ(remotes.size(), 1u);
  EXPECT_EQ(remotes[0].props["url"], "https://***@dvc.example.com/store");  // credentials never kept
}

// GitHub's own actions on a release tag are info; a branch, or a third party's tag, stays low.
TEST(ConfigExtractors, WorkflowActionSeverityFollowsOwnerAndRef) {
  TempDir root;
  root.write(".github/workflows/ci.yml", R"(on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3.25.1
      - uses: actions/setup-python@main
      - uses: docker/build-push-action@v5
      - uses: actionsx/prettier@v3
)");
  auto actions = facts_of(testing::extract(root.path()), FactType::workflow_action);
  ASSERT_EQ(actions.size(), 5u);
  std::vector<std::string> severities;
  for (const auto& action : actions) severities.push_back(action.props["severity"].get<std::string>());
  EXPECT_EQ(severities, (std::vector<std::string>{"info", "info", "low", "low", "low"}));
  EXPECT_TRUE(actions[0].props["github_owned"].get<bool>());
  EXPECT_FALSE(actions[4].props["github_owned"].get<bool>());
}

TEST(ConfigExtractors, DependencyManifests) {
  TempDir root;
  root.write("requirements.txt", "torch==2.1.0 --hash=sha256:abc\nnumpy>=1.24 ; python_version > '3.8'\n"
                                 "-r base.txt\nPyYAML==5.3 \\\n    --hash=sha256:def\ngit+https://github.com/x/y.git\n");
  root.write("pyproject.toml", "[project]\nname = \"x\"\ndependencies = [\"requests>=2\", \"joblib==1.1.0\"]\n"
                               "[tool.poetry.dependencies]\npython = \"^3.10\"\nflask = \"2.3.2\"\nrich = \"^13\"\n");
  root.write("environment.yml", "name: e\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy=1.26.4\n"
                                "  - scipy\n  - pip:\n    - mlflow==2.2.0\n");
  auto dependencies = facts_of(testing::extract(root.path()), FactType::dependency);
  std::map<std::string, nlohmann::ordered_json> by_name;
  for (const auto& fact : dependencies) by_name[fact.props["name"]] = fact.props;
  EXPECT_EQ(by_name["torch"]["version"], "2.1.0");
  EXPECT_TRUE(by_name["torch"]["pinned"].get<bool>());
  EXPECT_FALSE(by_name["numpy"]["pinned"].get<bool>() && by_name["numpy"]["manifest"] == "requirements.txt");
  EXPECT_EQ(by_name["pyyaml"]["version"], "5.3");
  EXPECT_EQ(by_name["joblib"]["version"], "1.1.0");
  EXPECT_TRUE(by_name["flask"]["pinned"].get<bool>());
  EXPECT_FALSE(by_name["rich"]["pinned"].get<bool>());
  EXPECT_EQ(by_name["mlflow"]["version"], "2.2.0");
  EXPECT_FALSE(by_name["scipy"]["pinned"].get<bool>());
  EXPECT_EQ(by_name.count("y"), 0u);  // VCS URLs are not named packages
}

TEST(ConfigExtractors, LockFilesIncludesAndPoetryConstraints) {
  TempDir root;
  root.write("requirements.txt", "-r requirements-base.txt\n--constraint=constraints.txt\n-c ../shared/pins.txt\nTorch_Vision==0.14\n");
  root.write("poetry.lock", "[[package]]\nname = \"PyYAML\"\nversion = \"5.3\"\n\n[[package]]\nname = \"mine\"\nversion = \"1.0\"\n"
                            "[package.source]\ntype = \"git\"\nurl = \"https://example.com/mine.git\"\n");
  root.write("Dockerfile", "FROM python:3.11\nRUN pip3 install --index-url https://x/simple -r req.txt 'numpy<2' \\\n    scipy==1.8.0 $EXTRA\n");
  auto extraction = testing::extract(root.path());
  auto includes = facts_of(extraction, FactType::requirement_include);
  ASSERT_EQ(includes.size(), 3u);
  EXPECT_EQ(includes[0].props["kind"], "requirements");
  EXPECT_EQ(includes[0].props["target"], "requirements-base.txt");
  EXPECT_EQ(includes[1].props["kind"], "constraints");
  EXPECT_EQ(includes[1].props["target"], "constraints.txt");
  EXPECT_EQ(includes[2].props["target"], "../shared/pins.txt");   // named, never read: outside the scanned tree
  std::map<std::string, nlohmann::ordered_json> by_name;
  for (const auto& fact : facts_of(extraction, FactType::dependency)) by_name[fact.props["name"]] = fact.props;
  EXPECT_EQ(by_name["torch-vision"]["pep440"], "==0.14");          // PEP 503 names: runs of - _ . become one -
  EXPECT_TRUE(by_name["pyyaml"]["locked"].get<bool>());
  EXPECT_EQ(by_name["pyyaml"]["source"], "poetry.lock");
  EXPECT_EQ(by_name.count("mine"), 0u);                            // a git source has no PyPI version
  EXPECT_EQ(by_name["numpy"]["pep440"], "<2");
  EXPECT_EQ(by_name["numpy"]["source"], "dockerfile");
  EXPECT_EQ(by_name["scipy"]["version"], "1.8.0");
  EXPECT_EQ(by_name.count("req.txt"), 0u);
  // Poetry's constraint syntax in PEP 440 terms.
  EXPECT_EQ(poetry_to_pep440("^1.2.3"), ">=1.2.3,<2");
  EXPECT_EQ(poetry_to_pep440("^0.2.3"), ">=0.2.3,<0.3");
  EXPECT_EQ(poetry_to_pep440("^0.0.3"), ">=0.0.3,<0.0.4");
  EXPECT_EQ(poetry_to_pep440("~1.2.3"), ">=1.2.3,<1.3");
  EXPECT_EQ(poetry_to_pep440("~1"), ">=1,<2");
  EXPECT_EQ(poetry_to_pep440(">= 1.2, < 2.0"), ">=1.2,<2.0");
  EXPECT_EQ(poetry_to_pep440("1.2.3"), "==1.2.3");
  EXPECT_EQ(poetry_to_pep440("1.2.*"), "==1.2.*");
  EXPECT_EQ(poetry_to_pep440("*"), "");
  EXPECT_FALSE(poetry_to_pep440("^1.0 || ^2.0"));
}

TEST(ConfigExtractors, DockerfileInstructions) {
  TempDir root;
  root.write("Dockerfile", R"(# escape=\
FROM python:3.11 AS build
RUN pip install \
      torch==2.3.0
FROM build
ENV A=1 SECRET_KEY="s3cr3t-value-123"
ARG TOKEN=abcdefghijklmnop
USER app
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "service.api:app"]
)");
  auto extraction = testing::extract(root.path());
  auto images = facts_of(extraction, FactType::docker_base_image);
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images[0].props["tag"], "3.11");
  EXPECT_TRUE(images[1].props["references_stage"].get<bool>());
  EXPECT_FALSE(images[1].props["untagged"].get<bool>());
  auto summary = facts_of(extraction, FactType::dockerfile);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_FALSE(summary[0].props["runs_as_root"].get<bool>());
  EXPECT_EQ(summary[0].props["scripts"], nlohmann::ordered_json::array({"service/api.py"}));
  auto instructions = facts_of(extraction, FactType::docker_instruction);
  EXPECT_EQ(instructions[1].props["arguments"], "pip install torch==2.3.0");
  auto env = facts_of(extraction, FactType::env_assignment);
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[1].props["key"], "SECRET_KEY");
  EXPECT_TRUE(env[1].props["literal"].get<bool>());
  auto binds = facts_of(extraction, FactType::network_bind);
  ASSERT_EQ(binds.size(), 1u);
  EXPECT_EQ(binds[0].props["port"], "8000");
}

TEST(ConfigExtractors, BrokenFilesGiveDiagnosticsNotCrashes) {
  TempDir root;
  root.write("bad.yaml", "key: [unclosed\n  other: {\n");
  root.write("bad.toml", "[project\nname = \n");
  root.write("alias-bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n");
  root.write("ok.yaml", "tracking_uri: http://mlflow:5000\n");
  auto extraction = testing::extract(root.path());
  int parse_errors = 0;
  for (const auto& diagnostic : extraction.diagnostics)
    if (diagnostic.code == "parse-error") {
      ++parse_errors;
      EXPECT_GT(diagnostic.location.line, 0u) << diagnostic.message;
    }
  EXPECT_EQ(parse_errors, 2);
  EXPECT_EQ(facts_of(extraction, FactType::tracking_uri).size(), 1u);
}

TEST(ConfigExtractors, EnvFiles) {
  TempDir root;
  root.write(".env", "# comment\nexport MLFLOW_TRACKING_URI=http://mlflow.internal:5000\nDB_PASSWORD='pa55-w0rd-9'\nEMPTY=\n");
  auto extraction = testing::extract(root.path());
  auto env = facts_of(extraction, FactType::env_assignment);
  ASSERT_EQ(env.size(), 3u);
  EXPECT_TRUE(env[1].props["literal"].get<bool>());
  EXPECT_TRUE(env[2].props["placeholder"].get<bool>());
  ASSERT_EQ(facts_of(extraction, FactType::tracking_uri).size(), 1u);
}

}  // namespace
}  // namespace mlaudit
