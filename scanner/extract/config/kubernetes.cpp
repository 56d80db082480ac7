#include <algorithm>
#include <array>

#include "extract/config/config_values.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"

namespace mlaudit {
namespace {

// The pod template of a workload, wherever its kind keeps it.
YAML::Node pod_spec_of(const YAML::Node& document, const std::string& kind) {
  YAML::Node spec = document["spec"];
  if (!spec) return {};
  if (kind == "Pod") return spec;
  if (kind == "CronJob") return spec["jobTemplate"]["spec"]["template"]["spec"];
  return spec["template"]["spec"];
}

std::optional<bool> bool_setting(const YAML::Node& container_context, const YAML::Node& pod_context, const char* key) {
  if (container_context && container_context[key]) return truthy(container_context[key]);
  if (pod_context && pod_context[key]) return truthy(pod_context[key]);
  return std::nullopt;
}

std::optional<std::string> string_setting(const YAML::Node& container_context, const YAML::Node& pod_context,
                                          const char* key) {
  if (container_context && container_context[key]) return scalar(container_context[key]);
  if (pod_context && pod_context[key]) return scalar(pod_context[key]);
  return std::nullopt;
}

void extract_workload(const YAML::Node& document, const std::string& kind, const std::string& file, FactSink& sink) {
  YAML::Node pod = pod_spec_of(document, kind);
  if (!pod || !pod.IsMap()) return;
  std::string workload = scalar_or(document["metadata"]["name"], "");
  YAML::Node pod_security = pod["securityContext"];
  nlohmann::json host_paths = nlohmann::json::array();
  if (pod["volumes"] && pod["volumes"].IsSequence())
    for (const auto& volume : pod["volumes"])
      if (volume["hostPath"]) host_paths.push_back(scalar_or(volume["hostPath"]["path"], "?"));

  for (const char* group : {"containers", "initContainers"}) {
    YAML::Node containers = pod[group];
    if (!containers || !containers.IsSequence()) continue;
    for (const auto& container : containers) {
      YAML::Node security = container["securityContext"];
      auto run_as_user = string_setting(security, pod_security, "runAsUser");
      auto run_as_non_root = bool_setting(security, pod_security, "runAsNonRoot");
      bool explicit_root = run_as_user && *run_as_user == "0";
      nlohmann::json ports = nlohmann::json::array();
      if (container["ports"] && container["ports"].IsSequence())
        for (const auto& port : container["ports"]) ports.push_back(scalar_or(port["containerPort"], "?"));
      std::string name = scalar_or(container["name"], "");
      sink.add(FactType::k8s_container, location_of(container, file),
               {{"workload", workload},
                {"kind", kind},
                {"container", name},
                {"image", scalar_or(container["image"], "")},
                {"privileged", security && truthy(security["privileged"])},
                {"allow_privilege_escalation", !security || !security["allowPrivilegeEscalation"] ||
                                                   truthy(security["allowPrivilegeEscalation"])},
                {"run_as_user", run_as_user ? nlohmann::json(*run_as_user) : nlohmann::json()},
                {"run_as_non_root", run_as_non_root.value_or(false)},
                {"runs_as_root", explicit_root || !run_as_non_root.value_or(false)},
                {"explicit_root", explicit_root},
                {"read_only_root_filesystem", security && truthy(security["readOnlyRootFilesystem"])},
                {"host_paths", host_paths},
                {"host_network", truthy(pod["hostNetwork"])},
                {"host_pid", truthy(pod["hostPID"])},
                {"ports", ports},
                {"has_resource_limits", static_cast<bool>(container["resources"]["limits"])}});
      if (container["env"] && container["env"].IsSequence()) {
        for (const auto& variable : container["env"]) {
          if (!variable["value"]) continue;  // valueFrom: secretKeyRef and friends
          auto value = scalar(variable["value"]);
          if (!value) continue;
          sink.add(FactType::env_assignment, location_of(variable["value"], file),
                   env_assignment_props("kubernetes", scalar_or(variable["name"], ""), *value, workload + "/" + name));
        }
      }
    }
  }
}

void extract_service(const YAML::Node& document, const std::string& file, FactSink& sink) {
  YAML::Node spec = document["spec"];
  std::string type = scalar_or(spec["type"], "ClusterIP");
  nlohmann::json ports = nlohmann::json::array();
  if (spec["ports"] && spec["ports"].IsSequence())
    for (const auto& port : spec["ports"]) ports.push_back(scalar_or(port["port"], "?"));
  nlohmann::json annotations = nlohmann::json::object();
  if (document["metadata"]["annotations"] && document["metadata"]["annotations"].IsMap())
    for (const auto& entry : document["metadata"]["annotations"])
      annotations[entry.first.Scalar()] = scalar_or(entry.second, "");
  nlohmann::json selector = nlohmann::json::object();
  if (spec["selector"] && spec["selector"].IsMap())
    for (const auto& entry : spec["selector"]) selector[entry.first.Scalar()] = scalar_or(entry.second, "");
  bool restricted = spec["loadBalancerSourceRanges"] && spec["loadBalancerSourceRanges"].size() > 0;
  sink.add(FactType::k8s_service, location_of(spec["type"] ? spec["type"] : document, file),
           {{"name", scalar_or(document["metadata"]["name"], "")},
            {"type", type},
            {"externally_reachable", type == "LoadBalancer" || type == "NodePort"},
            {"source_ranges_restricted", restricted},
            {"ports", ports},
            {"selector", selector},
            {"annotations", annotations}});
}

}  // namespace

bool is_kubernetes_document(const YAML::Node& document) {
  return document.IsMap() && document["apiVersion"] && document["kind"];
}

void extract_kubernetes(const YAML::Node& document, const std::string& file, FactSink& sink) {
  std::string kind = scalar_or(document["kind"], "");
  static const std::array workloads = {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                       "Job", "CronJob", "ReplicationController"};
  if (std::find(workloads.begin(), workloads.end(), kind) != workloads.end()) extract_workload(document, kind, file, sink);
  if (kind == "Service") extract_service(document, file, sink);
}

}  // namespace mlaudit
