#include "facts/fact.h"

#include <array>
#include <utility>

namespace mlaudit {
namespace {

constexpr std::array<std::pair<FactType, std::string_view>, 46> kNames = {{
    {FactType::import, "import"},
    {FactType::call, "call"},
    {FactType::assignment, "assignment"},
    {FactType::string_literal, "string_literal"},
    {FactType::route, "route"},
    {FactType::view, "view"},
    {FactType::io, "io"},
    {FactType::column_ref, "column_ref"},
    {FactType::feature_list, "feature_list"},
    {FactType::log_call, "log_call"},
    {FactType::network_bind, "network_bind"},
    {FactType::secret, "secret"},
    {FactType::dependency, "dependency"},
    {FactType::dockerfile, "dockerfile"},
    {FactType::docker_base_image, "docker_base_image"},
    {FactType::docker_instruction, "docker_instruction"},
    {FactType::env_assignment, "env_assignment"},
    {FactType::k8s_container, "k8s_container"},
    {FactType::k8s_service, "k8s_service"},
    {FactType::compose_service, "compose_service"},
    {FactType::workflow, "workflow"},
    {FactType::workflow_action, "workflow_action"},
    {FactType::dvc_stage, "dvc_stage"},
    {FactType::dvc_remote, "dvc_remote"},
    {FactType::dvc_tracked, "dvc_tracked"},
    {FactType::mlflow_model, "mlflow_model"},
    {FactType::tracking_uri, "tracking_uri"},
    {FactType::config_url, "config_url"},
    {FactType::dataset, "dataset"},
    {FactType::model_artifact, "model_artifact"},
    {FactType::pickle_global, "pickle_global"},
    {FactType::model_issue, "model_issue"},
    {FactType::keras_layer, "keras_layer"},
    {FactType::onnx_operator, "onnx_operator"},
    {FactType::onnx_external_data, "onnx_external_data"},
    {FactType::lfs_pointer, "lfs_pointer"},
    {FactType::xml_doctype, "xml_doctype"},
    {FactType::pmml_field, "pmml_field"},
    {FactType::integrity_check, "integrity_check"},
    {FactType::personal_data, "personal_data"},
    {FactType::personal_field, "personal_field"},
    {FactType::privacy_declaration, "privacy_declaration"},
    {FactType::dpia_screening, "dpia_screening"},
    {FactType::output_personal_data, "output_personal_data"},
    {FactType::schema_class, "schema_class"},
    {FactType::probe_result, "probe_result"},
}};

}  // namespace

std::string_view to_string(FactType type) {
  for (const auto& [value, name] : kNames)
    if (value == type) return name;
  return "unknown";
}

std::optional<FactType> parse_fact_type(std::string_view name) {
  for (const auto& [value, known] : kNames)
    if (known == name) return value;
  return std::nullopt;
}

const std::vector<FactType>& all_fact_types() {
  static const std::vector<FactType> types = [] {
    std::vector<FactType> list;
    for (const auto& entry : kNames) list.push_back(entry.first);
    return list;
  }();
  return types;
}

}  // namespace mlaudit
