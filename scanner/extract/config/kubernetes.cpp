#include <algorithm>
#include <array>

#include "extract/config/config_values.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"

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

void extract_workload(const YAML::Node& document, const std::string& kind, const std::string& file, FactSink& sink) {
  YAML::Node pod = pod_spec_of(document, kind);
  if (!pod || !pod.IsMap()) return;
  std::string workload = scalar_or(at(document, {"metadata", "name"}), "");
  YAML::Node pod_security = at(pod, {"securityContext"});
  nlohmann::ordered_json host_paths = nlohmann::ordered_json::array();
  if (at(pod, {"volumes"}) && at(pod, {"volumes"}).IsSequence())
    for (const auto& volume : at(pod, {"volumes"}))
      if (at(volume, {"hostPath"})) host_paths.push_back(scalar_or(at(volume, {"hostPath", "path"}), "?"));

  for (const char* group : {"containers", "initContainers"}) {
    YAML::Node containers = at(pod, {group});
    if (!containers || !containers.IsSequence()) continue;
    for (const auto& container : containers) {
      YAML::Node security = at(container, {"securityContext"});
      auto run_as_user = string_setting(security, pod_security, "runAsUser");
      auto run_as_non_root = bool_setting(security, pod_security, "runAsNonRoot");
      bool explicit_root = run_as_user && *run_as_user == "0";
      nlohmann::ordered_json ports = nlohmann::ordered_json::array();
      if (at(container, {"ports"}) && at(container, {"ports"}).IsSequence())
        for (const auto& port : at(container, {"ports"})) ports.push_back(scalar_or(at(port, {"containerPort"}), "?"));
      std::string name = scalar_or(at(container, {"name"}), "");
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
                {"runs_as_root", explicit_root || !run_as_non_root.value_or(false)},
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

void extract_kubernetes(const YAML::Node& document, const std::string& file, FactSink& sink) {
  std::string kind = scalar_or(at(document, {"kind"}), "");
  static const std::array workloads = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                       "Job", "CronJob", "ReplicationController"};
  if (std::find(workloads.begin(), workloads.end(), kind) != workloads.end()) extract_workload(document, kind, file, sink);
  if (kind == "Service") extract_service(document, file, sink);
}

}  // namespace mlaudit
