#include <algorithm>
#include <array>

#include "extract/config/config_values.h"
#include "extract/config/helm_template.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// The pod template of a workload, wherever its kind keeps it.
YAML::Node pod_spec_of(const YAML::Node& document, const std::string& kind) {
  YAML::Node spec = at(document, {"spec"});
  if (!spec) return {};
  if (kind == "Pod") return spec;
  if (kind == "CronJob") return at(spec, {"jobTemplate", "spec", "template", "spec"});
  return at(spec, {"template", "spec"});
}

// A name a Helm template computes (`{{ include "chart.fullname" . }}`) is shown as such.
std::string shown_name(std::string name) {
  return name.find(kHelmPlaceholder) == std::string::npos ? name : replace_all(name, kHelmPlaceholder, "{{…}}");
}

// In a Helm template: `key:` left empty (its body was a `toYaml .Values...` line) or set to
// an action's placeholder.
bool from_chart_values(const YAML::Node& owner, const char* key) {
  if (!owner.IsMap()) return false;
  YAML::Node value = at(owner, {key});
  if (!value) return false;
  return value.IsNull() || (value.IsScalar() && is_reference_value(value.Scalar()));
}

std::optional<bool> bool_setting(const YAML::Node& container_context, const YAML::Node& pod_context, const char* key) {
  // A securityContext that is not a mapping (a scalar, a list) has no settings: indexing it throws.
  if (container_context.IsMap() && container_context[key]) return truthy(container_context[key]);
  if (pod_context.IsMap() && pod_context[key]) return truthy(pod_context[key]);
  return std::nullopt;
}

std::optional<std::string> string_setting(const YAML::Node& container_context, const YAML::Node& pod_context,
                                          const char* key) {
  if (container_context.IsMap() && container_context[key]) return scalar(container_context[key]);
  if (pod_context.IsMap() && pod_context[key]) return scalar(pod_context[key]);
  return std::nullopt;
}

// One pod spec (a workload's template, or a pod spec nested in a custom resource): a fact
// per container. `extra` holds containers kept outside `containers`, such as KServe's
// model specs (predictor.sklearn, predictor.model), which are containers with more fields.
void extract_pod(const YAML::Node& pod, const std::string& kind, const std::string& workload, const std::string& file,
                 FactSink& sink, bool templated, const std::vector<YAML::Node>& extra = {}) {
  YAML::Node pod_security = at(pod, {"securityContext"});
  bool pod_security_unknown = templated && from_chart_values(pod, "securityContext");
  nlohmann::ordered_json host_paths = nlohmann::ordered_json::array();
  if (at(pod, {"volumes"}) && at(pod, {"volumes"}).IsSequence())
    for (const auto& volume : at(pod, {"volumes"}))
      if (at(volume, {"hostPath"})) host_paths.push_back(scalar_or(at(volume, {"hostPath", "path"}), "?"));

  std::vector<YAML::Node> all;
  for (const char* group : {"containers", "initContainers"}) {
    YAML::Node containers = at(pod, {group});
    if (!containers || !containers.IsSequence()) continue;
    for (const auto& container : containers) all.push_back(container);
  }
  size_t listed = all.size();
  all.insert(all.end(), extra.begin(), extra.end());
  for (size_t index = 0; index < all.size(); ++index) {
    const YAML::Node& container = all[index];
    YAML::Node security = at(container, {"securityContext"});
    auto run_as_user = string_setting(security, pod_security, "runAsUser");
    auto run_as_non_root = bool_setting(security, pod_security, "runAsNonRoot");
    bool explicit_root = run_as_user && *run_as_user == "0";
    // A chart that fills the securityContext from its values may set runAsNonRoot there.
    bool security_unknown = pod_security_unknown || (templated && from_chart_values(container, "securityContext"));
    nlohmann::ordered_json ports = nlohmann::ordered_json::array();
    if (at(container, {"ports"}) && at(container, {"ports"}).IsSequence())
      for (const auto& port : at(container, {"ports"})) ports.push_back(scalar_or(at(port, {"containerPort"}), "?"));
    // KServe runs a model spec as the container it names kserve-container
    std::string name = shown_name(scalar_or(at(container, {"name"}), index < listed ? "" : "kserve-container"));
    sink.add(FactType::k8s_container, location_of(container, file),
             {{"workload", workload},
              {"kind", kind},
              {"container", name},
              {"image", scalar_or(at(container, {"image"}), "")},
              {"privileged", security && truthy(at(security, {"privileged"}))},
              {"allow_privilege_escalation", !security || !at(security, {"allowPrivilegeEscalation"}) ||
                                                 truthy(at(security, {"allowPrivilegeEscalation"}))},
              {"run_as_user", run_as_user ? nlohmann::ordered_json(*run_as_user) : nlohmann::ordered_json()},
              {"run_as_non_root", run_as_non_root.value_or(false)},
              {"runs_as_root", explicit_root || (!run_as_non_root.value_or(false) && !security_unknown)},
              {"explicit_root", explicit_root},
              {"read_only_root_filesystem", security && truthy(at(security, {"readOnlyRootFilesystem"}))},
              {"host_paths", host_paths},
              {"host_network", truthy(at(pod, {"hostNetwork"}))},
              {"host_pid", truthy(at(pod, {"hostPID"}))},
              {"ports", ports},
              {"has_resource_limits", static_cast<bool>(at(container, {"resources", "limits"}))}});
    if (at(container, {"env"}) && at(container, {"env"}).IsSequence()) {
      for (const auto& variable : at(container, {"env"})) {
        if (!at(variable, {"value"})) continue;  // valueFrom: secretKeyRef and friends
        auto value = scalar(at(variable, {"value"}));
        if (!value) continue;
        sink.add(FactType::env_assignment, location_of(at(variable, {"value"}), file),
                 env_assignment_props("kubernetes", scalar_or(at(variable, {"name"}), ""), *value, workload + "/" + name));
      }
    }
  }
}

void extract_workload(const YAML::Node& document, const std::string& kind, const std::string& file, FactSink& sink,
                      bool templated) {
  YAML::Node pod = pod_spec_of(document, kind);
  if (!pod || !pod.IsMap()) return;
  extract_pod(pod, kind, shown_name(scalar_or(at(document, {"metadata", "name"}), "")), file, sink, templated);
}

// Custom resources (KServe InferenceService, Seldon SeldonDeployment, Kubeflow PyTorchJob /
// TFJob / Notebook, Ray, Knative...) keep pod specs at places their CRDs choose: any mapping
// under `spec` with a `containers` list is one. KServe components (predictor, transformer,
// explainer) are pod specs whose model-format entries are containers too.
void find_pod_specs(const YAML::Node& node, const std::string& key, const std::string& kind, const std::string& workload,
                    const std::string& file, FactSink& sink, bool templated, int depth) {
  if (depth > 12) return;
  if (node.IsSequence()) {
    for (const auto& item : node) find_pod_specs(item, key, kind, workload, file, sink, templated, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  bool kserve_component = key == "predictor" || key == "transformer" || key == "explainer";
  std::vector<YAML::Node> models;
  if (kserve_component)
    for (const auto& entry : node)
      if (entry.second.IsMap() && (at(entry.second, {"storageUri"}) || at(entry.second, {"modelFormat"}) ||
                                   at(entry.second, {"image"}) || at(entry.second, {"securityContext"})))
        models.push_back(entry.second);
  if ((at(node, {"containers"}) && at(node, {"containers"}).IsSequence()) || !models.empty()) {
    extract_pod(node, kind, workload, file, sink, templated, models);
    return;
  }
  for (const auto& entry : node)
    if (entry.first.IsScalar())
      find_pod_specs(entry.second, entry.first.Scalar(), kind, workload, file, sink, templated, depth + 1);
}

void extract_service(const YAML::Node& document, const std::string& file, FactSink& sink) {
  YAML::Node spec = at(document, {"spec"});
  std::string type = scalar_or(at(spec, {"type"}), "ClusterIP");
  nlohmann::ordered_json ports = nlohmann::ordered_json::array();
  if (at(spec, {"ports"}) && at(spec, {"ports"}).IsSequence())
    for (const auto& port : at(spec, {"ports"})) ports.push_back(scalar_or(at(port, {"port"}), "?"));
  nlohmann::ordered_json annotations = nlohmann::ordered_json::object();
  if (at(document, {"metadata", "annotations"}) && at(document, {"metadata", "annotations"}).IsMap())
    for (const auto& entry : at(document, {"metadata", "annotations"}))
      annotations[entry.first.Scalar()] = scalar_or(entry.second, "");
  nlohmann::ordered_json selector = nlohmann::ordered_json::object();
  if (at(spec, {"selector"}) && at(spec, {"selector"}).IsMap())
    for (const auto& entry : at(spec, {"selector"})) selector[entry.first.Scalar()] = scalar_or(entry.second, "");
  bool restricted = at(spec, {"loadBalancerSourceRanges"}) && at(spec, {"loadBalancerSourceRanges"}).size() > 0;
  sink.add(FactType::k8s_service, location_of(at(spec, {"type"}) ? at(spec, {"type"}) : document, file),
           {{"name", scalar_or(at(document, {"metadata", "name"}), "")},
            {"type", type},
            {"externally_reachable", type == "LoadBalancer" || type == "NodePort"},
            {"source_ranges_restricted", restricted},
            {"ports", ports},
            {"selector", selector},
            {"annotations", annotations}});
}

}  // namespace

bool is_kubernetes_document(const YAML::Node& document) {
  return document.IsMap() && at(document, {"apiVersion"}) && at(document, {"kind"});
}

void extract_kubernetes(const YAML::Node& document, const std::string& file, FactSink& sink, bool templated) {
  std::string kind = scalar_or(at(document, {"kind"}), "");
  static const std::array workloads = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                       "Job", "CronJob", "ReplicationController"};
  if (std::find(workloads.begin(), workloads.end(), kind) != workloads.end()) extract_workload(document, kind, file, sink, templated);
  else if (kind == "Service") extract_service(document, file, sink);
  else if (at(document, {"spec"}))
    find_pod_specs(at(document, {"spec"}), "spec", kind, shown_name(scalar_or(at(document, {"metadata", "name"}), "")), file, sink,
                   templated, 0);
}

}  // namespace mlaudit
