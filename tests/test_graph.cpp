// graph/: the data-flow diagram built from the sample project's facts.
#include <gtest/gtest.h>

#include <map>

#include "graph/dfd_builder.h"
#include "reports/dot/dot_report.h"
#include "reports/json/graph_json.h"
#include "test_support.h"

namespace mlaudit {
namespace {

class VulnerableServiceGraph : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    extraction_ = new Extraction(testing::extract(testing::fixture("projects/vulnerable-service")));
    diagram_ = new DataFlowDiagram(build_data_flow_diagram(extraction_->facts, extraction_->file_index()));
  }
  static void TearDownTestSuite() {
    delete diagram_;
    delete extraction_;
  }
  const Element& element(const std::string& id) {
    auto vertex = diagram_->find(id);
    EXPECT_TRUE(vertex) << id;
    return diagram_->graph()[*vertex];
  }
  static Extraction* extraction_;
  static DataFlowDiagram* diagram_;
};
Extraction* VulnerableServiceGraph::extraction_ = nullptr;
DataFlowDiagram* VulnerableServiceGraph::diagram_ = nullptr;

TEST_F(VulnerableServiceGraph, ElementsOfEveryKind) {
  EXPECT_EQ(element("store:file:data/customers.csv").type, "dataset");
  EXPECT_EQ(element("store:file:models/model.pkl").type, "model");
  EXPECT_TRUE(element("store:file:models/model.pkl").props["exists"].get<bool>());
  EXPECT_TRUE(element("store:file:models/model.pkl").props["pickle_based"].get<bool>());
  EXPECT_EQ(element("process:src/train.py").zone, "pipeline");
  EXPECT_EQ(element("process:app/serve.py").zone, "serving");
  EXPECT_EQ(element("external:client").kind, ElementKind::external_entity);
  EXPECT_EQ(element("external:http://models.example.com").type, "remote_host");
  EXPECT_EQ(element("external:hub:Hugging Face Hub").type, "model_hub");
  EXPECT_EQ(element("process:container:Dockerfile").type, "container");
  EXPECT_EQ(element("process:stage:dvc.yaml:train").type, "pipeline_stage");
  EXPECT_EQ(element("process:ci:.github/workflows/train.yml").type, "ci_workflow");
}

TEST_F(VulnerableServiceGraph, EndpointsKnowTheirProtectionsAndExposure) {
  const Element& predict = element("process:endpoint:app/serve.py:POST /predict");
  EXPECT_EQ(predict.props["authenticated"], false);
  EXPECT_EQ(predict.props["internet_exposed"], true);  // app.run(host="0.0.0.0") and a published container
  EXPECT_EQ(predict.props["decision"], true);
  EXPECT_EQ(predict.props["rate_limited"], false);
}

TEST_F(VulnerableServiceGraph, DatasetReachesTheClientThroughTrainingAndTheModel) {
  auto from = diagram_->find("store:file:data/customers.csv");
  auto to = diagram_->find("external:client");
  ASSERT_TRUE(from && to);
  auto path = diagram_->shortest_path(*from, *to, 12);
  ASSERT_FALSE(path.empty());
  std::vector<std::string> steps{diagram_->graph()[*from].id};
  for (auto edge : path) steps.push_back(diagram_->graph()[boost::target(edge, diagram_->graph())].id);
  EXPECT_EQ(steps, (std::vector<std::string>{"store:file:data/customers.csv", "process:src/train.py",
                                             "store:file:models/model.pkl", "process:app/serve.py",
                                             "process:endpoint:app/serve.py:POST /predict", "external:client"}));
}

TEST_F(VulnerableServiceGraph, FeedbackWrittenByTheServiceIsReadForTraining) {
  const Element& feedback = element("store:file:data/feedback.csv");
  EXPECT_TRUE(feedback.props["written_by_serving"].get<bool>());
  EXPECT_TRUE(feedback.props["read_by_training"].get<bool>());
}

TEST_F(VulnerableServiceGraph, FlowsCarryTransportProperties) {
  const auto& graph = diagram_->graph();
  bool insecure_download = false;
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    const Element& from = graph[boost::source(*it, graph)];
    if (from.id == "external:http://models.example.com" && graph[*it].label == "requests.get") {
      insecure_download = true;
      EXPECT_EQ(graph[*it].props["encrypted"], false);
      EXPECT_EQ(graph[*it].props["crosses_boundary"], true);
      EXPECT_EQ(graph[*it].props["has_timeout"], false);
    }
  }
  EXPECT_TRUE(insecure_download);
}

TEST_F(VulnerableServiceGraph, ExportsAsDotAndJson) {
  DotGraph dot = to_dot(*diagram_);
  EXPECT_NE(dot.text.find("cluster_serving"), std::string::npos);
  EXPECT_NE(dot.text.find("shape=cylinder"), std::string::npos);
  std::string svg = render_svg(dot.text);
  EXPECT_TRUE(svg.starts_with("<svg")) << svg.substr(0, 80);
  nlohmann::ordered_json json = graph_json(*diagram_, dataset_lineage(*diagram_));
  EXPECT_EQ(json["elements"].size(), diagram_->element_count());
  EXPECT_EQ(json["flows"].size(), diagram_->flow_count());
  EXPECT_FALSE(json["lineage"].empty());
}

TEST(DfdBuilder, NormalisesPaths) {
  EXPECT_EQ(normalize_path("./a/../b//c.csv"), "b/c.csv");
  EXPECT_EQ(normalize_path("/app/./models/m.pkl"), "/app/models/m.pkl");
  EXPECT_EQ(normalize_path("../x"), "../x");
}

}  // namespace
}  // namespace mlaudit

namespace mlaudit {
namespace {

// .mlaudit.yml trust_boundaries move elements into the zone the project says they are in.
TEST(Graph, DeclaredTrustBoundariesOverrideZones) {
  testing::TempDir root;
  root.write("sync.py", "import requests\nrequests.post('https://crm.corp.example.com/import', json={}, timeout=5)\n");
  auto zone_of_crm = [&] {
    ScanResult result = testing::scan(root.path());
    const auto& graph = result.diagram.graph();
    for (auto [it, end] = boost::vertices(graph); it != end; ++it)
      if (graph[*it].name.find("crm.corp.example.com") != std::string::npos) {
        bool external = false;
        for (auto [in, in_end] = boost::in_edges(*it, graph); in != in_end; ++in)
          external = external || graph[*in].props.value("crosses_external_boundary", false);
        return std::make_pair(graph[*it].zone, external);
      }
    return std::make_pair(std::string("missing"), false);
  };
  auto [before, external_before] = zone_of_crm();
  EXPECT_EQ(before, "third_party");
  EXPECT_TRUE(external_before);
  root.write(".mlaudit.yml", "trust_boundaries:\n  - {match: \"*.corp.example.com\", zone: storage, reason: our own data centre}\n");
  auto [after, external_after] = zone_of_crm();
  EXPECT_EQ(after, "storage");
  EXPECT_FALSE(external_after);
}

// The project's own deployments reached through their public names are not third parties:
// a KServe InferenceService its manifests declare, an AWS load balancer where it declares a
// LoadBalancer Service. The same calls without those manifests go to third parties.
TEST(Graph, OwnDeploymentsByTheirPublicNamesAreNoThirdParty) {
  testing::TempDir root;
  root.write("client.py",
             "import requests\n"
             "requests.post('https://churn-model.default.kubeflow.example.com/v1/models/churn:predict', json={'x': 1}, timeout=5)\n"
             "requests.post('http://a1b2c3-1234.eu-west-1.elb.amazonaws.com/predict', json={'x': 1}, timeout=5)\n"
             "requests.post('https://api.partner.example.com/score', json={'x': 1}, timeout=5)\n");
  auto zones = [&] {
    std::map<std::string, std::string> by_host;  // host -> type/zone
    ScanResult result = testing::scan(root.path(), {"stride.data-sent-to-third-party"});
    const auto& graph = result.diagram.graph();
    for (auto [it, end] = boost::vertices(graph); it != end; ++it)
      if (graph[*it].kind == ElementKind::external_entity && graph[*it].props.contains("host"))
        by_host[graph[*it].props.value("host", "")] = graph[*it].type + "/" + graph[*it].zone;
    return std::make_pair(by_host, testing::findings_of(result, "stride.data-sent-to-third-party").size());
  };
  auto [before, sent_before] = zones();
  EXPECT_EQ(before["churn-model.default.kubeflow.example.com"], "third_party_api/third_party");
  EXPECT_EQ(before["a1b2c3-1234.eu-west-1.elb.amazonaws.com"], "third_party_api/third_party");
  EXPECT_EQ(sent_before, 3u);

  root.write("k8s/isvc.yaml", "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: churn-model\n"
                              "spec:\n  predictor:\n    sklearn:\n      storageUri: gs://acme-models/churn\n");
  root.write("k8s/gateway.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: gateway\nspec:\n  type: LoadBalancer\n"
                                 "  selector:\n    app: gateway\n  ports:\n  - port: 80\n");
  auto [after, sent_after] = zones();
  EXPECT_EQ(after["churn-model.default.kubeflow.example.com"], "own_service/cloud");
  EXPECT_EQ(after["a1b2c3-1234.eu-west-1.elb.amazonaws.com"], "own_service/cloud");
  EXPECT_EQ(after["api.partner.example.com"], "third_party_api/third_party");
  EXPECT_EQ(sent_after, 1u);
}

}  // namespace
}  // namespace mlaudit
