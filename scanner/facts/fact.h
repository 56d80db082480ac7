#pragma once
// Facts are the only thing extractors hand to the rest of the pipeline: typed records
// with properties (declared per type in fact.cpp) and the place they were found.
#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>
#include <vector>

#include "facts/location.h"

namespace mlaudit {

enum class FactType {
  import,            // module, name, alias
  call,              // callee, resolved, method, args[], kwargs{}, function
  assignment,        // target (resolved attribute or item), value
  string_literal,    // value, scheme (URL-like literals only)
  route,             // framework, path, methods[], handler, auth, rate_limited, logs_requests, decision
  view,              // a Django view: name, module, auth
  io,                // direction, target_kind, target, format, deserializes, via
  column_ref,        // columns[], action (select|drop|read), receiver
  feature_list,      // name, columns[]
  log_call,          // callee, level, names[]
  network_bind,      // host, port, source
  secret,            // kind, masked, fingerprint (never the value)
  dependency,        // name, specifier, pep440, version, pinned, locked, source, ecosystem, manifest
  requirement_include, // a requirements file's -r / -c line: kind (requirements|constraints), path, target
  dockerfile,        // final_user, runs_as_root, exposes[], command, base_images[]
  docker_base_image, // image, tag, digest, stage
  docker_instruction,// instruction, arguments
  shell_command,     // command, source (dockerfile|notebook): a shell command the project runs
  env_assignment,    // context, key, literal, value_masked, placeholder
  k8s_container,     // workload, kind, container, image, privileged, run_as_root, host_path
  k8s_service,       // name, type, ports[], annotations
  compose_service,   // name, image, ports[], privileged
  workflow,          // name, triggers[], pull_request_target, checks_out_pr_head
  workflow_action,   // uses, action, ref, pinned
  workflow_expression, // expression, context, sink, job, triggers[], outsider_trigger: untrusted text in a script
  dvc_stage,         // name, cmd, deps[], outs[]
  dvc_remote,        // name, url, scheme
  dvc_tracked,       // path, md5
  mlflow_model,      // flavors[], loader_module
  tracking_uri,      // uri, scheme, source
  config_url,        // key, url, scheme
  dataset,           // format, columns[], sha256, size
  model_artifact,    // format, pickle_based, sha256, size, pickles, globals[], members[]
  pickle_global,     // global, module, name, offset, called, opcode, depth, occurrences, member
  model_issue,       // kind, message, member, offset: malformed or suspicious model files
  keras_layer,       // class_name, name, module, registered_name, lambda, custom, member
  onnx_operator,     // domain, op_type, count: operators outside the standard domains
  onnx_external_data,// location, escapes_folder, tensor
  lfs_pointer,       // oid, size: a Git LFS pointer instead of the artifact
  xml_doctype,       // entities, external_entities, system_ids[]
  pmml_field,        // name, optype, data_type
  integrity_check,   // path, algorithm, expected, actual, status, source
  personal_data,     // a dataset column holding personal data: dataset, column, category, article, confidence, evidence
  personal_field,    // a name in code or a schema that denotes personal data: name, category, context
  privacy_declaration, // from .mlaudit.yml: scope (processing|dataset|recipient), target, declared values
  dpia_screening,    // the project's WP248 screening: criteria[], met, dpia
  output_personal_data, // personal values in a notebook's saved outputs: category, label, count, example (masked)
  schema_class,      // a data model class (pydantic, dataclass, TypedDict, ORM): name, kind, fields[]
  probe_result,      // a declared probe's measures on a model (derive/probe_results.cpp) and its whole report
  iam_statement,     // an IAM policy statement: effect, actions[], resources[], conditioned, scope, source
  vulnerable_dependency, // a package@version or range with matching advisories (advisories/dependency_audit.cpp)
};

std::string_view to_string(FactType type);
std::optional<FactType> parse_fact_type(std::string_view name);

// The properties facts of `type` carry (fact.cpp lists them): what rule conditions may name.
std::vector<std::string_view> declared_properties(FactType type);
// Also true for "$file" and "$type", which every fact has.
bool declares_property(FactType type, std::string_view property);

struct Fact {
  FactType type;
  Location location;
  nlohmann::ordered_json props = nlohmann::ordered_json::object();
};

}  // namespace mlaudit
