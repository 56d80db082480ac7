#include "facts/fact.h"

#include <algorithm>

namespace mlaudit {
namespace {

struct FactTypeInfo {
  FactType type;
  std::string_view name;
  std::vector<std::string_view> properties;  // the top-level keys of its props
};

// Every fact type with its name and the properties its facts carry: rule conditions may
// only name these (checked when rules load), and the tests check that facts carry no others.
const std::vector<FactTypeInfo>& fact_types() {
  static const std::vector<FactTypeInfo> types = {
      {FactType::import, "import", {"module", "name", "alias"}},
      {FactType::call, "call", {"callee", "resolved", "method", "args", "kwargs", "function", "text", "through", "load_source", "format_source"}},
      {FactType::assignment, "assignment", {"target", "value", "function"}},
      {FactType::string_literal, "string_literal", {"value", "scheme", "partial"}},
      {FactType::route, "route", {"framework", "path", "methods", "handler", "handler_reference", "public_purpose", "app", "auth", "auth_evidence", "rate_limited", "logs_requests", "decision", "decision_calls", "changes_state", "state_changes", "request_fields", "body_types", "handler_line"}},
      {FactType::view, "view", {"name", "kind", "auth"}},
      {FactType::io, "io", {"direction", "target_kind", "target", "target_partial", "target_text", "load_source_kind", "format", "artifact", "deserializes", "via", "function", "revision_pinned", "downloaded", "tls_verified", "has_timeout", "sends", "token_request", "payload", "payload_constant", "through"}},
      {FactType::column_ref, "column_ref", {"columns", "action", "receiver", "function"}},
      {FactType::feature_list, "feature_list", {"name", "columns"}},
      {FactType::log_call, "log_call", {"callee", "level", "sink", "names", "function"}},
      {FactType::network_bind, "network_bind", {"host", "host_partial", "effective_host", "all_interfaces", "port", "server", "debug", "public_share", "main_block", "source", "image", "credentials_configured"}},
      {FactType::secret, "secret", {"kind", "name", "masked", "fingerprint", "length", "generic"}},
      {FactType::dependency, "dependency", {"name", "specifier", "version", "pinned", "url", "constraint", "pep440", "locked", "source", "development", "ecosystem", "manifest", "extras"}},
      {FactType::requirement_include, "requirement_include", {"kind", "path", "target"}},
      {FactType::dockerfile, "dockerfile", {"final_user", "user_from_base_image", "runs_as_root", "user_line", "exposes", "command", "scripts", "folder", "stages", "healthcheck", "role", "role_reason"}},
      {FactType::docker_base_image, "docker_base_image", {"image", "name", "tag", "digest", "stage", "alias", "latest", "untagged", "scratch", "references_stage", "variable", "copied_from"}},
      {FactType::docker_instruction, "docker_instruction", {"instruction", "arguments", "stage"}},
      {FactType::shell_command, "shell_command", {"command", "source"}},
      {FactType::env_assignment, "env_assignment", {"context", "key", "literal", "value_masked", "value_length", "value_scheme", "placeholder", "reference", "owner", "build_arg", "default_credential_of", "service_published", "credential"}},
      {FactType::k8s_container, "k8s_container", {"workload", "kind", "container", "image", "privileged", "allow_privilege_escalation", "run_as_user", "run_as_non_root", "runs_as_root", "explicit_root", "read_only_root_filesystem", "host_paths", "host_network", "host_pid", "ports", "has_resource_limits"}},
      {FactType::k8s_service, "k8s_service", {"name", "type", "externally_reachable", "source_ranges_restricted", "ports", "selector", "annotations"}},
      {FactType::compose_service, "compose_service", {"name", "image", "build", "command", "ports", "privileged", "user", "network_mode"}},
      {FactType::workflow, "workflow", {"name", "triggers", "pull_request_target", "checks_out_pr_head", "permissions", "runs", "workflow_run"}},
      {FactType::workflow_expression, "workflow_expression", {"name", "expression", "context", "sink", "job", "triggers", "outsider_triggers", "trigger_note", "severity"}},
      {FactType::workflow_action, "workflow_action", {"uses", "action", "ref", "pinned", "local", "docker", "job", "github_owned", "severity"}},
      {FactType::dvc_stage, "dvc_stage", {"name", "cmd", "deps", "outs", "folder"}},
      {FactType::dvc_remote, "dvc_remote", {"name", "url", "scheme"}},
      {FactType::dvc_tracked, "dvc_tracked", {"path", "md5", "hash_scheme", "size", "is_directory", "stage"}},
      {FactType::mlflow_model, "mlflow_model", {"flavors", "loader_module", "serialization_format", "pickle_based", "run_id"}},
      {FactType::tracking_uri, "tracking_uri", {"uri", "scheme", "source", "partial"}},
      {FactType::config_url, "config_url", {"key", "url", "scheme"}},
      {FactType::dataset, "dataset", {"format", "columns", "sha256", "size", "delimiter", "encoding", "header", "rows_profiled", "all_rows_profiled", "personal_categories", "special_categories", "categories_without_data_subjects", "test_data_categories", "not_personal_reason", "look_alike_columns"}},
      {FactType::model_artifact, "model_artifact", {"format", "detail", "pickle_based", "size", "sha256", "pickles", "pickle_opcodes", "globals", "members", "fields", "model_types"}},
      {FactType::pickle_global, "pickle_global", {"global", "module", "name", "offset", "called", "use", "opcode", "depth", "nested", "occurrences", "member", "where", "format", "names", "stored"}},
      {FactType::model_issue, "model_issue", {"kind", "message", "member", "offset", "where", "origin", "signals", "op", "node", "key"}},
      {FactType::keras_layer, "keras_layer", {"kind", "class_name", "layer", "module", "registered_name", "code_bytes", "function", "member", "where"}},
      {FactType::onnx_operator, "onnx_operator", {"domain", "op_type", "operator", "count", "member", "where"}},
      {FactType::onnx_external_data, "onnx_external_data", {"tensor", "location", "escapes", "member"}},
      {FactType::lfs_pointer, "lfs_pointer", {"oid", "size", "member"}},
      {FactType::xml_doctype, "xml_doctype", {"entities", "external_entities", "nested_entities", "external_dtd", "names", "risk", "summary"}},
      {FactType::pmml_field, "pmml_field", {"name", "optype", "data_type", "values"}},
      {FactType::integrity_check, "integrity_check", {"path", "record", "expected_md5", "actual_md5", "recorded_size", "actual_size", "scheme", "status", "detail", "kept_in_git", "reading"}},
      {FactType::personal_data, "personal_data", {"dataset", "column", "category", "label", "article", "special", "identifier", "confidence", "evidence", "example", "checked", "matched", "source", "detail"}},
      {FactType::personal_field, "personal_field", {"name", "category", "label", "identifier", "article", "special", "context", "detail"}},
      {FactType::privacy_declaration, "privacy_declaration", {"scope", "target", "controller", "dpo", "purposes", "data_subjects", "recipients", "dpia", "human_review", "bias_examination", "security_measures", "lawful_basis", "purpose", "retention", "special_category_condition", "pseudonymised", "residency", "region", "transfer_mechanism", "processor_agreement", "match", "zone", "reason"}},
      {FactType::dpia_screening, "dpia_screening", {"criteria", "met_count", "met_labels", "met", "dpia", "dpia_declared", "categories", "severity", "severity_reason"}},
      {FactType::output_personal_data, "output_personal_data", {"category", "label", "article", "count", "example", "output_lines"}},
      {FactType::schema_class, "schema_class", {"name", "kind", "fields"}},
      {FactType::probe_result, "probe_result", {"model", "report", "evasion_ran", "clean_accuracy", "min_robust_accuracy", "weakest_attack", "weakest_eps", "robust_accuracy_threshold", "backdoor_ran", "backdoor_flagged", "backdoor_verdict", "backdoor_reason", "backdoor_target", "backdoor_max_index", "anomaly_threshold", "strip_flagged_rate", "poisoning_ran", "poisoning_suspects", "poisoning_methods", "poisoning_suspect_share", "poisoning_share_threshold", "membership_ran", "membership_attack", "membership_auc", "membership_tpr_at_1pct_fpr", "membership_auc_threshold"}},
      {FactType::iam_statement, "iam_statement", {"effect", "actions", "not_action", "resources", "not_resource", "conditioned", "scope", "source"}},
      {FactType::vulnerable_dependency, "vulnerable_dependency", {"name", "version", "range", "kind", "manifest", "scope", "scope_note", "via", "admitted", "vulnerable_versions", "count", "count_text", "advisory_ids", "advisory_labels", "reach_note", "headline", "fix", "fix_bound", "fix_text", "severity", "severity_reason", "snapshot", "advisories", "related_locations"}},
  };
  return types;
}

const FactTypeInfo* info_of(FactType type) {
  for (const auto& info : fact_types())
    if (info.type == type) return &info;
  return nullptr;
}

}  // namespace

std::string_view to_string(FactType type) {
  const FactTypeInfo* info = info_of(type);
  return info ? info->name : "unknown";
}

std::optional<FactType> parse_fact_type(std::string_view name) {
  for (const auto& info : fact_types())
    if (info.name == name) return info.type;
  return std::nullopt;
}

std::vector<std::string_view> declared_properties(FactType type) {
  const FactTypeInfo* info = info_of(type);
  return info ? info->properties : std::vector<std::string_view>{};
}

bool declares_property(FactType type, std::string_view property) {
  if (property == "$file" || property == "$type") return true;  // every fact's location and type
  const FactTypeInfo* info = info_of(type);
  return info && std::find(info->properties.begin(), info->properties.end(), property) != info->properties.end();
}

}  // namespace mlaudit
