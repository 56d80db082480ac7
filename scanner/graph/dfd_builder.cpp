#include "graph/dfd_builder.h"


#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "graph/host_scope.h"
#include "graph/personal_flow.h"
#include "util/glob.h"
#include "util/text.h"

namespace mlaudit {
namespace {

using Vertex = DataFlowDiagram::Vertex;

std::string text(const nlohmann::ordered_json& props, const char* key) {
  auto found = props.find(key);
  return found != props.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool flag(const nlohmann::ordered_json& props, const char* key) {
  auto found = props.find(key);
  return found != props.end() && found->is_boolean() && found->get<bool>();
}

std::string folder_of(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash + 1));
}

std::string base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// A web request that hands the server query parameters or a body (io facts' `sends`).
bool sends_request_data(const nlohmann::ordered_json& props) {
  auto sends = props.find("sends");
  return sends != props.end() && sends->is_array() && !sends->empty();
}

std::string host_of(std::string_view url) {
  auto start = url.find("://");
  if (start == std::string_view::npos) return std::string(url);
  start += 3;
  auto end = url.find_first_of("/?#", start);
  std::string host(url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return host;
}

std::string scheme_of(std::string_view url) {
  auto end = url.find("://");
  return end == std::string_view::npos ? std::string() : to_lower(url.substr(0, end));
}

bool is_encrypted_scheme(std::string_view scheme) {
  return scheme == "https" || scheme == "s3" || scheme == "s3a" || scheme == "gs" || scheme == "gcs" ||
         scheme == "abfss" || scheme == "wasbs" || scheme == "ftps" || scheme == "rediss" ||
         scheme == "mongodb+srv" || scheme == "az";
}

}  // namespace

std::vector<std::string> scripts_in_command(std::string_view command) {
  static const RE2 pattern(R"((?:^|[\s;&|])(?:python3?(?:\.\d+)?\s+(?:-[a-zA-Z]\s+)*)?([\w./\-]+\.(?:py|ipynb)))");
  std::vector<std::string> scripts;
  re2::StringPiece input(command.data(), command.size());
  std::string script;
  while (RE2::FindAndConsume(&input, pattern, &script)) scripts.push_back(script);
  static const RE2 module_pattern(R"(python3?\s+-m\s+([\w.]+))");
  input = re2::StringPiece(command.data(), command.size());
  while (RE2::FindAndConsume(&input, module_pattern, &script)) scripts.push_back(replace_all(script, ".", "/") + ".py");
  return scripts;
}

namespace {

class DfdBuilder {
 public:
  DfdBuilder(const std::vector<Fact>& facts, const FileIndex& files) : facts_(facts), file_index_(files) {
    for (const auto& file : files) {
      files_.insert(file.path);
      by_base_name_.emplace(base_name(file.path), file.path);
    }
  }

  DataFlowDiagram build() {
    index_project();
    for (const auto& fact : facts_)
      if (fact.type == FactType::route) add_endpoint(fact);
    for (const auto& fact : facts_)
      if (fact.type == FactType::io) add_io(fact);
    std::vector<std::string> servers;  // a server is part of the picture even without flows
    for (const auto& entry : binds_) servers.push_back(entry.first);
    std::sort(servers.begin(), servers.end());
    for (const auto& file : servers) script(file);
    add_containers();
    add_pipeline_stages();
    add_workflows();
    add_request_logs();
    add_personal_datasets();
    apply_declared_zones();
    derive_properties();
    propagate_personal_data(diagram_, facts_);
    add_probe_measures();
    return std::move(diagram_);
  }

 private:
  // Datasets that hold personal data are part of the picture even when no code reads them.
  void add_personal_datasets() {
    for (const auto& fact : facts_)
      if (fact.type == FactType::dataset && !fact.props.value("personal_categories", nlohmann::ordered_json::array()).empty())
        file_store(fact.location.file, "dataset", text(fact.props, "format"), Location{fact.location.file});
  }

  // Model stores take the measures of the probes run on their file (probe_result facts).
  void add_probe_measures() {
    for (const auto& fact : facts_) {
      if (fact.type != FactType::probe_result) continue;
      auto vertex = diagram_.find("store:file:" + fact.location.file);
      if (!vertex) continue;
      Element& element = diagram_.graph()[*vertex];
      for (const auto& [key, value] : fact.props.items())
        if (key != "report") element.props["probe_" + key] = value;
    }
  }

  // ---------------------------------------------------------------- project index
  // A call that fits a model (fit, partial_fit, train, trainer.train(), loss.backward(),
  // tune, learn, an optimiser) or one that only scores one (predict, evaluate, a metric, an
  // Evidently report). Names are matched loosely on purpose: a wrapper named train_model or
  // run_training counts as training.
  void classify_training_call(const std::string& file, const std::string& callee, const std::string& method) {
    static const RE2 trains(R"((?i)(fit|train|learn|backward|tune|optimi[sz]))");
    static const RE2 scores(R"((?i)^(predict|predict_proba|decision_function|evaluate|score)$)");
    if (RE2::PartialMatch(method, trains)) files_that_may_train_.insert(file);
    else if (RE2::FullMatch(method, scores) || callee.starts_with("sklearn.metrics.") || callee.starts_with("evidently."))
      files_that_score_.insert(file);
  }

  // Whether `name` (an import's first part) is one of the project's modules as Python finds
  // it from `file`: a module or package beside the file or at the project's root.
  bool imports_project_module(const std::string& file, const std::string& name) {
    if (package_folders_.empty())
      for (const auto& path : files_)
        if (path.ends_with(".py")) package_folders_.insert(folder_of(path));
    for (const std::string& folder : {folder_of(file), std::string()}) {   // "dir/" or "" (the root)
      std::string base = folder + name;
      if (files_.contains(base + ".py") || package_folders_.contains(base + "/")) return true;
    }
    return false;
  }

  // A script or notebook that scores and fits nothing, and calls none of the project's own
  // modules: what it reads is evaluation or monitoring data, not training data.
  bool scores_only(const Element& reader) const {
    if (reader.type != "script" && reader.type != "notebook") return false;
    const std::string file = reader.props.value("path", "");
    return files_that_score_.contains(file) && !files_that_may_train_.contains(file);
  }

  void index_project() {
    for (const auto& fact : facts_) {
      const auto& props = fact.props;
      const std::string& file = fact.location.file;
      switch (fact.type) {
        // An API Gateway route declared in CDK code is served by AWS, not by the stack's script.
        case FactType::route:
          if (text(props, "framework") != "aws-apigateway") files_with_routes_.insert(file);
          break;
        case FactType::view: views_[text(props, "name")] = flag(props, "auth"); break;
        case FactType::network_bind:
          if (text(props, "source") == "code") {
            binds_[file].push_back(&fact);
          }
          break;
        case FactType::log_call: files_that_log_.insert(file); break;
        case FactType::secret: secrets_per_file_[file]++; break;
        case FactType::call: {
          std::string callee = text(props, "callee");
          if (callee.starts_with("hashlib.") || callee == "hmac.compare_digest" || callee == "secrets.compare_digest" ||
              callee.ends_with(".verify_checksum") || callee.ends_with(".verify_signature"))
            files_verifying_hashes_.insert(file);
          if (callee == "mlflow.set_tracking_uri" && props["args"].size() > 0 && props["args"][0]["kind"] == "string")
            tracking_uri_by_file_[file] = props["args"][0]["value"].get<std::string>();
          classify_training_call(file, callee, text(props, "method"));
          break;
        }
        case FactType::import: {
          // Code of the project's own modules may train where this file cannot show it.
          std::string module = text(props, "module");
          if (module.starts_with(".") || imports_project_module(file, module.substr(0, module.find('.'))))
            files_that_may_train_.insert(file);
          break;
        }
        case FactType::tracking_uri:
          if (project_tracking_uri_.empty()) project_tracking_uri_ = text(props, "uri");
          break;
        case FactType::model_artifact:
        case FactType::dataset: artifacts_[file] = &fact; break;
        case FactType::dvc_tracked: dvc_hashed_.insert(normalize_path(text(props, "path"))); break;
        case FactType::integrity_check: {
          std::string& status = integrity_status_[normalize_path(text(props, "path"))];
          if (status != "mismatch") status = text(props, "status");  // one mismatch outweighs other records
          break;
        }
        case FactType::dvc_stage:
          for (const auto& out : props["outs"]) dvc_versioned_.insert(normalize_path(out.get<std::string>()));
          break;
        case FactType::dockerfile: dockerfiles_.push_back(&fact); break;
        case FactType::compose_service: compose_services_.push_back(&fact); break;
        case FactType::k8s_service:
          if (flag(props, "externally_reachable") && !flag(props, "source_ranges_restricted")) k8s_exposed_ = true;
          if (text(props, "type") == "LoadBalancer") declares_load_balancer_ = true;
          break;
        case FactType::k8s_container:
          if (text(props, "kind") == "InferenceService") inference_services_.insert(to_lower(text(props, "workload")));
          break;
        default: break;
      }
    }
    // foo.pkl.sha256 / foo.pkl.md5 next to an artifact records its hash
    for (const auto& file : file_index_)
      for (const char* suffix : {".sha256", ".sha256sum", ".md5"})
        if (file.path.ends_with(suffix)) sidecar_hashed_.insert(file.path.substr(0, file.path.size() - std::strlen(suffix)));
    // Which scripts run inside a container, and whether that container listens publicly.
    for (const Fact* dockerfile : dockerfiles_) {
      std::string folder = text(dockerfile->props, "folder");
      bool listens = !dockerfile->props["exposes"].empty();
      for (const auto& fact : facts_)
        if (fact.type == FactType::network_bind && fact.location.file == dockerfile->location.file) listens = true;
      for (const auto& compose : compose_services_)
        if (!compose->props["ports"].empty() && !text(compose->props, "build").empty() &&
            normalize_path(folder_of(compose->location.file) + text(compose->props, "build")) == normalize_path(folder))
          listens = true;
      for (const auto& script : dockerfile->props["scripts"]) {
        auto resolved = resolve_file(script.get<std::string>(), folder);
        if (!resolved.empty()) {
          containerized_[resolved] = dockerfile;
          if (listens || k8s_exposed_) publicly_served_.insert(resolved);
        }
      }
    }
  }

  // ------------------------------------------------------------------- resolving
  // The repository file a path in code refers to, or "" when no file matches.
  std::string resolve_file(std::string_view target, std::string_view from_folder) const {
    std::string path(target);
    if (path.starts_with("file://")) path = path.substr(7);
    for (const std::string& candidate : {normalize_path(std::string(from_folder) + path), normalize_path(path)})
      if (files_.contains(candidate)) return candidate;
    std::string name = base_name(path);
    if (name.empty() || name.find('{') != std::string::npos) return {};
    // Absolute or container paths ("/app/models/model.pkl"): the repository file sharing
    // the longest path suffix, if exactly one does.
    std::string normalized = normalize_path(path);
    std::string best;
    size_t best_length = 0;
    bool tie = false;
    auto [begin, end] = by_base_name_.equal_range(name);
    for (auto it = begin; it != end; ++it) {
      const std::string& candidate = it->second;
      size_t length = 0;
      while (length < candidate.size() && length < normalized.size() &&
             candidate[candidate.size() - 1 - length] == normalized[normalized.size() - 1 - length])
        ++length;
      if (length > best_length) {
        best = candidate, best_length = length, tie = false;
      } else if (length == best_length) {
        tie = true;
      }
    }
    return tie ? std::string() : best;
  }

  Vertex script(const std::string& file) {
    if (auto found = diagram_.find("process:" + file)) return *found;
    bool notebook = file.ends_with(".ipynb");
    bool serving = files_with_routes_.contains(file) || binds_.contains(file) || in_service_image(file);
    Element element{"process:" + file, ElementKind::process, notebook ? "notebook" : "script", file,
                    serving ? "serving" : "pipeline", Location{file, 1, 1}};
    element.props = {{"path", file},
                     {"serving", serving},
                     {"logs", files_that_log_.contains(file)},
                     {"verifies_hashes", files_verifying_hashes_.contains(file)},
                     {"secrets", secrets_per_file_.contains(file) ? secrets_per_file_.at(file) : 0},
                     {"containerized", containerized_.contains(file)},
                     {"container_runs_as_root",
                      containerized_.contains(file) && flag(containerized_.at(file)->props, "runs_as_root")}};
    bool debug = false, all_interfaces = false, debug_outside_main = false;
    if (auto binds = binds_.find(file); binds != binds_.end()) {
      for (const Fact* bind : binds->second) {
        debug = debug || flag(bind->props, "debug");
        debug_outside_main = debug_outside_main || (flag(bind->props, "debug") && !flag(bind->props, "main_block"));
        all_interfaces = all_interfaces || flag(bind->props, "all_interfaces") || flag(bind->props, "public_share");
      }
    }
    element.props["debug"] = debug;
    element.props["binds_all_interfaces"] = all_interfaces;
    // Debug set only where `python file.py` starts the server, while the file's image serves it
    // with an app server (gunicorn module:app) that never runs that block.
    static const RE2 app_server(R"((^|[\s/])(gunicorn|uvicorn|waitress-serve|hypercorn|daphne)(\s|$))");
    bool app_served = containerized_.contains(file) &&
                      RE2::PartialMatch(text(containerized_.at(file)->props, "command"), app_server);
    element.props["debug_only_in_development_entry"] = debug && !debug_outside_main && app_served;
    if (debug) element.location = first_bind_location(file);
    return diagram_.element(element);
  }

  Location first_bind_location(const std::string& file) const {
    auto binds = binds_.find(file);
    return binds == binds_.end() || binds->second.empty() ? Location{file, 1, 1} : binds->second.front()->location;
  }

  // Whether an endpoint in `file` can be reached from outside the host: true, false, or null.
  nlohmann::ordered_json exposure_of(const std::string& file) const {
    if (publicly_served_.contains(file)) return true;
    auto binds = binds_.find(file);
    if (binds != binds_.end()) {
      for (const Fact* bind : binds->second)
        if (flag(bind->props, "all_interfaces") || flag(bind->props, "public_share")) return true;
      return false;
    }
    if (in_service_image(file)) return true;
    return nullptr;
  }

  // Run by an image that serves (a port exposed, a server started); a script of a batch,
  // test, build or dev-container image is a pipeline step, not a service.
  bool in_service_image(const std::string& file) const {
    auto image = containerized_.find(file);
    if (image == containerized_.end()) return false;
    std::string role = text(image->second->props, "role");
    return role.empty() || role == "service";
  }

  Vertex client() {
    return diagram_.element({"external:client", ElementKind::external_entity, "client", "API client", "internet",
                             Location{}, {{"description", "Callers of the project's HTTP endpoints"}}});
  }

  void add_endpoint(const Fact& route) {
    const auto& props = route.props;
    const std::string& file = route.location.file;
    std::string methods;
    for (const auto& method : props["methods"]) methods += (methods.empty() ? "" : ",") + method.get<std::string>();
    std::string label = (methods.empty() ? std::string("ANY") : methods) + " " + text(props, "path");
    nlohmann::ordered_json authenticated = props["auth"];
    if (text(props, "framework") == "django" && authenticated.is_null()) {
      // Django views live in other files: use the view's own decorators or mixins.
      if (auto view = views_.find(text(props, "handler")); view != views_.end()) authenticated = view->second;
    }
    Element endpoint{"process:endpoint:" + file + ":" + label, ElementKind::process, "endpoint", label, "serving",
                     route.location};
    endpoint.props = {{"path", text(props, "path")},
                      {"methods", props["methods"]},
                      {"framework", text(props, "framework")},
                      {"handler", text(props, "handler")},
                      {"public_purpose", text(props, "public_purpose")},
                      {"file", file},
                      {"authenticated", authenticated},
                      {"auth_evidence", props.value("auth_evidence", nlohmann::ordered_json::array())},
                      {"rate_limited", flag(props, "rate_limited")},
                      {"logs_requests", flag(props, "logs_requests")},
                      {"decision", flag(props, "decision")},
                      {"generates", generates(props.value("decision_calls", nlohmann::ordered_json::array()))},
                      {"changes_state", flag(props, "changes_state")},
                      {"request_fields", props.value("request_fields", nlohmann::ordered_json::array())},
                      // API Gateway's edge and regional endpoints are public by default.
                      {"internet_exposed", text(props, "framework") == "aws-apigateway" ? nlohmann::ordered_json(true)
                                                                                         : exposure_of(file)}};
    Vertex vertex = diagram_.element(endpoint);
    endpoints_by_handler_[file + "#" + text(props, "handler")] = vertex;
    Vertex host = script(file);
    diagram_.flow(host, vertex, {"in-process", route.location, {}, {{"kind", "in_process"}}});
    Vertex caller = client();
    nlohmann::ordered_json request = {{"kind", "request"},
                              {"protocol", "http"},
                              {"authenticated", authenticated},
                              {"internet_exposed", exposure_of(file)}};
    diagram_.flow(caller, vertex, {"HTTP request", route.location, {}, request});
    diagram_.flow(vertex, caller,
                  {flag(props, "decision") ? "prediction" : "HTTP response", route.location, {},
                   {{"kind", "response"}, {"protocol", "http"}, {"decision", flag(props, "decision")}}});
  }

  // A host on the project's own network, or one only configuration names ({base_url}):
  // not a third party, and plain HTTP to it is not an internet exposure.
  // The project's own deployment reached through its public name, which no third party
  // runs: a KServe InferenceService the project's manifests declare
  // (`<name>.<namespace>.<domain>`), or an AWS load balancer (`*.elb.amazonaws.com`) in a
  // project that declares a LoadBalancer Service. Empty when the host is not one.
  std::string own_deployment(std::string_view written) const {
    std::string host = bare_host(written);
    if (auto dot = host.find('.'); dot != std::string::npos && inference_services_.contains(host.substr(0, dot)))
      return "KServe InferenceService " + host.substr(0, dot);
    static const RE2 load_balancer(R"(\.elb\.([a-z0-9-]+\.)?amazonaws\.com$)");
    if (declares_load_balancer_ && RE2::PartialMatch(host, load_balancer)) return "AWS load balancer of a LoadBalancer Service";
    return "";
  }

  Vertex internal_service(const std::string& scheme, const std::string& host, const Location& location) {
    std::string name = host.empty() ? "configured host" : host;
    return diagram_.element({"internal:" + scheme + "://" + name, ElementKind::external_entity, "internal_service", name,
                             "internal", location, {{"host", host}, {"scheme", scheme}}});
  }

  // The store or external entity an io fact reads or writes.
  std::optional<Vertex> io_target(const Fact& io) {
    const auto& props = io.props;
    std::string kind = text(props, "target_kind");
    std::string target = text(props, "target");
    std::string format = text(props, "format");
    const std::string& file = io.location.file;
    if (kind == "file") {
      if (target.empty()) return std::nullopt;
      std::string resolved = resolve_file(target, folder_of(file));
      // Not in the repository: "./x" and "../x" are relative to the script's folder, bare
      // names to the project root (where scripts are usually started).
      bool explicit_relative = target.starts_with("./") || target.starts_with("../");
      std::string path = !resolved.empty() ? resolved
                         : explicit_relative ? normalize_path(folder_of(file) + target)
                                             : normalize_path(target);
      return file_store(path, text(props, "artifact"), format, io.location);
    }
    if (kind == "url") {
      if (target.empty()) return std::nullopt;
      std::string host = host_of(target);
      if (is_internal_or_unknown_host(host) || (flag(props, "target_partial") && target.starts_with("{")))
        return internal_service(scheme_of(target), host, io.location);
      if (std::string deployment = own_deployment(host); !deployment.empty())
        return diagram_.element({"own:" + scheme_of(target) + "://" + host, ElementKind::external_entity, "own_service", host,
                                 "cloud", io.location,
                                 {{"host", host}, {"scheme", scheme_of(target)}, {"deployed_as", deployment}}});
      bool api = format == "prompt" || text(props, "direction") == "write" || sends_request_data(props);
      return diagram_.element({"external:" + scheme_of(target) + "://" + host, ElementKind::external_entity,
                               api ? "third_party_api" : "remote_host", host, "third_party", io.location,
                               {{"host", host}, {"scheme", scheme_of(target)}}});
    }
    if (kind == "hub") {
      // A name that is a folder of the scanned tree (from_pretrained("models/chat")) is read
      // from the local disk, not downloaded.
      if (!target.empty() && format != "torch-hub")
        for (const std::string& folder : {normalize_path(folder_of(file) + target), normalize_path(target)})
          if (std::any_of(files_.begin(), files_.end(), [&](const std::string& path) { return path.starts_with(folder + "/"); }))
            return file_store(folder, text(props, "artifact"), format, io.location);
      bool torch_hub = format == "torch-hub";
      std::string hub = torch_hub ? "PyTorch Hub (GitHub)" : format == "dataset" ? "Hugging Face Hub (datasets)"
                                                                                   : "Hugging Face Hub";
      return diagram_.element({"external:hub:" + hub, ElementKind::external_entity, "model_hub", hub, "third_party",
                               io.location, {{"hub", hub}}});
    }
    if (kind == "bucket") {
      if (target.empty()) return std::nullopt;
      std::string bucket = scheme_of(target) + "://" + host_of(target);
      return diagram_.element({"store:bucket:" + bucket, ElementKind::data_store, "bucket", bucket, "cloud",
                               io.location, {{"scheme", scheme_of(target)}, {"remote", true}, {"encrypted_transport", true}}});
    }
    if (kind == "database") {
      std::string name = target.empty() ? "database" : target.find("://") != std::string::npos ? host_of(target) : target;
      bool remote = target.find("://") != std::string::npos && !target.starts_with("sqlite");
      std::string zone = !remote ? "storage" : is_internal_or_unknown_host(name) ? "internal" : "cloud";
      return diagram_.element({"store:database:" + name, ElementKind::data_store, "database", name, zone, io.location,
                               {{"remote", remote}, {"scheme", scheme_of(target)}}});
    }
    if (kind == "tracking" || kind == "registry") {
      std::string uri = target.starts_with("runs:/") || target.starts_with("models:/") || target == "mlflow" ||
                                target.empty()
                            ? tracking_uri_for(file)
                            : target;
      if (kind == "tracking" && !target.empty() && target != "mlflow" && target.find("://") != std::string::npos &&
          !target.starts_with("runs:/"))
        uri = target;  // e.g. wandb's API host
      std::string scheme = scheme_of(uri);
      std::string type = kind == "registry" ? "registry" : "tracking_server";
      std::string name = (kind == "registry" ? "Model registry " : "Tracking server ") + uri;
      // A tracking server on a compose service or private address is the project's own, not a recipient.
      std::string zone = scheme.empty() || scheme == "file"          ? "storage"
                         : is_internal_or_unknown_host(host_of(uri)) ? "internal"
                                                                     : "cloud";
      return diagram_.element({"store:" + type + ":" + uri, ElementKind::data_store, type, name, zone, io.location,
                               {{"uri", uri}, {"scheme", scheme}, {"remote", !scheme.empty() && scheme != "file"},
                                {"encrypted_transport", scheme.empty() || scheme == "file" || is_encrypted_scheme(scheme)}}});
    }
    return std::nullopt;
  }

  std::string tracking_uri_for(const std::string& file) const {
    if (auto found = tracking_uri_by_file_.find(file); found != tracking_uri_by_file_.end()) return found->second;
    return project_tracking_uri_.empty() ? "./mlruns (default local store)" : project_tracking_uri_;
  }

  Vertex file_store(const std::string& path, const std::string& artifact_hint, const std::string& format,
                    const Location& first_use) {
    std::string id = "store:file:" + path;
    if (auto found = diagram_.find(id)) return *found;
    std::string type = artifact_hint.empty() ? "file" : artifact_hint;
    nlohmann::ordered_json props = {{"path", path}, {"exists", files_.contains(path)}, {"format", format}};
    if (auto artifact = artifacts_.find(path); artifact != artifacts_.end()) {
      type = artifact->second->type == FactType::model_artifact ? "model" : "dataset";
      props["format"] = text(artifact->second->props, "format");
      props["sha256"] = artifact->second->props["sha256"];
      if (artifact->second->type == FactType::model_artifact) {
        props["pickle_based"] = flag(artifact->second->props, "pickle_based");
        // What loading it imports: flow rules join a dangerous global with the code that loads the file.
        props["pickle_globals"] = artifact->second->props.value("globals", nlohmann::ordered_json::array());
      }
      if (artifact->second->type == FactType::dataset) {
        props["columns"] = artifact->second->props["columns"];
        // Rows read by the profiler: all of them, or a lower bound of a larger file.
        props["rows_profiled"] = artifact->second->props.value("rows_profiled", nlohmann::ordered_json());
        props["all_rows_profiled"] = artifact->second->props.value("all_rows_profiled", false);
      }
    }
    if (type == "file" && (format == "csv" || format == "parquet" || format == "json")) type = "dataset";
    bool dvc_hashed = dvc_hashed_.contains(path) || std::any_of(dvc_hashed_.begin(), dvc_hashed_.end(), [&](const auto& tracked) {
      return path.starts_with(tracked + "/");
    });
    props["integrity_recorded"] = dvc_hashed || sidecar_hashed_.contains(path);
    // A file committed in the scanned tree (the walk leaves out what .gitignore ignores) is
    // versioned by the repository's history; DVC stage outputs are versioned by DVC, a
    // folder output with everything under it.
    bool dvc_output = dvc_versioned_.contains(path) || std::any_of(dvc_versioned_.begin(), dvc_versioned_.end(), [&](const auto& out) {
      return path.starts_with(out + "/");
    });
    bool committed = files_.contains(path);
    // SageMaker mounts a job's input channels and processing inputs under /opt/ml/ and records
    // the S3 URI each run read (lineage), so the copy inside the container is not the record.
    bool sagemaker_input = path.starts_with("/opt/ml/input/") || path.starts_with("/opt/ml/processing/");
    props["version_tracked"] = dvc_hashed || dvc_output || committed || sagemaker_input;
    props["versioned_by"] = dvc_hashed || dvc_output ? "dvc"
                            : committed             ? "repository"
                            : sagemaker_input       ? "SageMaker lineage"
                                                    : "";
    // A test, validation or scoring split is not what a model is trained on.
    static const RE2 evaluation_name(
        R"((?i)(^|[/_.-])([xy]_?)?(test|tests|testing|eval|evaluation|valid|validation|val|holdout|dev|scoring|submission)([_.-][^/]*)?$)");
    props["evaluation_split"] = RE2::PartialMatch(path, evaluation_name);
    // A path built from values the scan cannot see ({args.train_data_path}/train.csv, a
    // SageMaker channel or an argv folder): where it points, and whether that is versioned,
    // is unknown; SageMaker records each training job's input channel (lineage) anyway.
    props["path_resolved"] = path.find('{') == std::string::npos && path.find("${") == std::string::npos;
    auto checked = integrity_status_.find(path);
    props["integrity_status"] = checked == integrity_status_.end() ? "unchecked" : checked->second;
    Location location = files_.contains(path) ? Location{path} : first_use;
    std::string label = type == "log" ? "log " + path : path;
    return diagram_.element({id, ElementKind::data_store, type, label, "storage", location, props});
  }

  void add_io(const Fact& io) {
    const auto& props = io.props;
    const std::string& file = io.location.file;
    auto target = io_target(io);
    if (!target) return;
    Vertex process;
    auto endpoint = endpoints_by_handler_.find(file + "#" + text(props, "function"));
    process = endpoint != endpoints_by_handler_.end() ? endpoint->second : script(file);
    // A request that carries parameters or a body is drawn the way its data goes: outward.
    // A token request (OAuth / IAM: only the project's credential in the body) fetches a
    // token: a read, whatever its HTTP method.
    bool read = (text(props, "direction") == "read" || flag(props, "token_request")) && !sends_request_data(props);
    const Element& other = diagram_.graph()[*target];
    std::string scheme = other.props.contains("scheme") ? text(other.props, "scheme") : std::string();
    std::string protocol = scheme.empty() ? "file" : scheme;
    bool tls_verified = !props.contains("tls_verified") || flag(props, "tls_verified");
    nlohmann::ordered_json encrypted = nullptr;
    // Bytes handed over from an earlier download: that call's flow carries the transport.
    bool downloaded = flag(props, "downloaded");
    if (!scheme.empty() && !downloaded) encrypted = is_encrypted_scheme(scheme) && tls_verified;
    // A hub model named by an expression the scan cannot resolve is named as written
    // (`model_path`), so that messages never show an empty slot.
    nlohmann::ordered_json flow_target = props["target"];
    if (flow_target.is_null() && other.type == "model_hub" && !text(props, "target_text").empty())
      flow_target = text(props, "target_text");
    Flow flow{text(props, "via"), io.location, {},
              {{"kind", read ? "read" : "write"},
               {"via", text(props, "via")},
               {"format", text(props, "format")},
               {"target", flow_target},
               {"deserializes", props["deserializes"]},
               {"protocol", protocol},
               {"encrypted", encrypted},
               {"tls_verified", tls_verified},
               {"has_timeout", props.contains("has_timeout") ? props["has_timeout"] : nlohmann::ordered_json()},
               {"revision_pinned", props.contains("revision_pinned") ? props["revision_pinned"] : nlohmann::ordered_json()},
               {"sends_data", !read && other.kind == ElementKind::external_entity},
               {"downloaded", downloaded}}};
    // A prompt's data arguments, and whether they are all the project's own constants.
    if (props.contains("payload")) flow.props["payload"] = props["payload"];
    if (props.contains("payload_constant")) flow.props["payload_constant"] = props["payload_constant"];
    if (props.contains("load_source_kind")) flow.props["load_source_kind"] = props["load_source_kind"];
    Vertex from = read ? *target : process, to = read ? process : *target;
    // `with open(p) as f: pickle.load(f)` is one read: the loader names it better than open().
    auto& graph = diagram_.graph();
    for (auto [it, end] = boost::out_edges(from, graph); it != end; ++it) {
      if (boost::target(*it, graph) != to) continue;
      Flow& existing = graph[*it];
      if (flow.label == "builtins.open") return;
      if (existing.label == "builtins.open") {
        existing = std::move(flow);
        return;
      }
    }
    diagram_.flow(from, to, std::move(flow));
  }

  void add_containers() {
    for (const Fact* dockerfile : dockerfiles_) {
      const auto& props = dockerfile->props;
      std::string file = dockerfile->location.file;
      Element container{"process:container:" + file, ElementKind::process, "container", "container " + file, "serving",
                        dockerfile->location,
                        {{"dockerfile", file},
                         {"runs_as_root", flag(props, "runs_as_root")},
                         {"exposes", props["exposes"]},
                         {"command", text(props, "command")}}};
      Vertex vertex = diagram_.element(container);
      for (const auto& script_path : props["scripts"]) {
        auto resolved = resolve_file(script_path.get<std::string>(), text(props, "folder"));
        if (resolved.empty()) continue;
        diagram_.flow(vertex, script(resolved), {"runs", dockerfile->location, {}, {{"kind", "runs"}}});
      }
    }
  }

  void add_pipeline_stages() {
    for (const auto& fact : facts_) {
      if (fact.type != FactType::dvc_stage) continue;
      const auto& props = fact.props;
      Element stage{"process:stage:" + fact.location.file + ":" + text(props, "name"), ElementKind::process,
                    "pipeline_stage", "stage " + text(props, "name"), "pipeline", fact.location,
                    {{"command", text(props, "cmd")}}};
      Vertex vertex = diagram_.element(stage);
      std::string folder = text(props, "folder");
      for (const auto& script_path : scripts_in_command(text(props, "cmd"))) {
        auto resolved = resolve_file(script_path, folder);
        if (!resolved.empty()) diagram_.flow(vertex, script(resolved), {"runs", fact.location, {}, {{"kind", "runs"}}});
      }
      for (const auto& dependency : props["deps"]) {
        std::string path = normalize_path(dependency.get<std::string>());
        if (path.ends_with(".py")) continue;  // code dependencies are the scripts themselves
        diagram_.flow(file_store(path, "", "", fact.location), vertex,
                      {"dvc dependency", fact.location, {}, {{"kind", "read"}, {"protocol", "file"}}});
      }
      for (const auto& out : props["outs"]) {
        std::string path = normalize_path(out.get<std::string>());
        diagram_.flow(vertex, file_store(path, "", "", fact.location), {"dvc output", fact.location, {}, {{"kind", "write"}, {"protocol", "file"}}});
      }
    }
  }

  void add_workflows() {
    for (const auto& fact : facts_) {
      if (fact.type != FactType::workflow) continue;
      const auto& props = fact.props;
      Element workflow{"process:ci:" + fact.location.file, ElementKind::process, "ci_workflow",
                       "workflow " + text(props, "name"), "ci", fact.location,
                       {{"pull_request_target", flag(props, "pull_request_target")},
                        {"checks_out_pr_head", flag(props, "checks_out_pr_head")}}};
      Vertex vertex = diagram_.element(workflow);
      for (const auto& run : props["runs"])
        for (const auto& script_path : scripts_in_command(run.get<std::string>())) {
          auto resolved = resolve_file(script_path, "");
          if (!resolved.empty()) diagram_.flow(vertex, script(resolved), {"runs", fact.location, {}, {{"kind", "runs"}}});
        }
    }
  }

  // Serving processes that log requests write to the application log.
  void add_request_logs() {
    auto& graph = diagram_.graph();
    std::vector<Vertex> loggers;
    for (auto [it, end] = boost::vertices(graph); it != end; ++it)
      if (graph[*it].type == "endpoint" && flag(graph[*it].props, "logs_requests")) loggers.push_back(*it);
    if (loggers.empty()) return;
    Vertex logs = diagram_.element({"store:log:application", ElementKind::data_store, "log", "application logs", "storage",
                                    Location{}, {{"path", "stdout / log handlers"}}});
    for (Vertex endpoint : loggers)
      diagram_.flow(endpoint, logs, {"request log", graph[endpoint].location, {}, {{"kind", "write"}, {"protocol", "local"}}});
  }

  // Trust zones declared in .mlaudit.yml (trust_boundaries) override what the code
  // suggests; boundary crossings are derived afterwards.
  void apply_declared_zones() {
    auto& graph = diagram_.graph();
    for (const auto& fact : facts_) {
      if (fact.type != FactType::privacy_declaration || fact.props.value("scope", "") != "zone") continue;
      std::string zone = fact.props.value("zone", "");
      if (!diagram_.zone(zone)) continue;
      // Linear-time globs: the patterns come from the scanned tree's .mlaudit.yml.
      std::vector<Glob> patterns;
      for (const auto& pattern : fact.props.value("match", nlohmann::ordered_json::array()))
        if (pattern.is_string()) patterns.emplace_back(pattern.get<std::string>());
      for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
        Element& element = graph[*it];
        for (const auto& pattern : patterns) {
          bool matched = false;
          for (const std::string& key : {text(element.props, "path"), text(element.props, "host"), element.name})
            matched = matched || (!key.empty() && pattern.matches(key));
          if (!matched) continue;
          element.zone = zone;
          element.props["zone_declared"] = fact.location.file + ":" + std::to_string(fact.location.line);
          break;
        }
      }
    }
  }

  // Properties that depend on the whole diagram.
  // A handler whose model calls generate text or run a chain (`model.generate(...)`,
  // `chain.invoke(...)`, `llm.stream(...)`): GPU-heavy or billed per token, unlike a score.
  static bool generates(const nlohmann::ordered_json& decision_calls) {
    static const RE2 generation(R"((?i)\b(generate|generate_content|invoke|ainvoke|stream|astream|chat|completions?|complete|run_chain)\s*\()");
    for (const auto& call : decision_calls)
      if (call.is_string() && RE2::PartialMatch(call.get<std::string>(), generation)) return true;
    return false;
  }

  // Whether the code serving an endpoint sends requests to a third-party API (a hosted model
  // billed to the project's key, a partner service): a caller can spend or reach it.
  bool host_calls_third_party(DataFlowDiagram::Vertex endpoint) const {
    const auto& graph = diagram_.graph();
    auto talks_to_third_party = [&](DataFlowDiagram::Vertex process) {
      for (auto [out, out_end] = boost::out_edges(process, graph); out != out_end; ++out)
        if (graph[boost::target(*out, graph)].type == "third_party_api") return true;
      for (auto [in, in_end] = boost::in_edges(process, graph); in != in_end; ++in)
        if (graph[boost::source(*in, graph)].type == "third_party_api") return true;
      return false;
    };
    if (talks_to_third_party(endpoint)) return true;  // the handler's own calls
    for (auto [in, in_end] = boost::in_edges(endpoint, graph); in != in_end; ++in)
      if (graph[*in].props.value("kind", "") == "in_process" && talks_to_third_party(boost::source(*in, graph))) return true;
    return false;
  }

  void derive_properties() {
    auto& graph = diagram_.graph();
    for (auto [it, end] = boost::edges(graph); it != end; ++it) {
      const Element& from = graph[boost::source(*it, graph)];
      const Element& to = graph[boost::target(*it, graph)];
      Flow& flow = graph[*it];
      bool crosses = from.zone != to.zone;
      flow.props["crosses_boundary"] = crosses;
      // Boundaries that matter most: the public internet, third parties and cloud services.
      auto outside = [](const std::string& zone) { return zone == "internet" || zone == "third_party" || zone == "cloud"; };
      flow.props["crosses_external_boundary"] = crosses && (outside(from.zone) || outside(to.zone));
      if (crosses) flow.props["boundary"] = from.zone + " -> " + to.zone;
    }
    for (auto [it, end] = boost::vertices(graph); it != end; ++it) {
      Element& element = graph[*it];
      if (element.type == "endpoint") element.props["host_calls_third_party"] = host_calls_third_party(*it);
      if (element.kind == ElementKind::data_store) {
        bool read_by_training = false, written_by_serving = false, deserialized = false;
        bool reloaded_within_run = true;  // every code-running load reads what the same run wrote
        bool trained_outside_notebooks = false;  // a pipeline script (not only notebooks run by hand) reads it
        nlohmann::ordered_json loaded_by = nlohmann::ordered_json::array();
        for (auto [out, out_end] = boost::out_edges(*it, graph); out != out_end; ++out) {
          auto reader_vertex = boost::target(*out, graph);
          const Element& reader = graph[reader_vertex];
          // A step that reads back what it wrote itself (metrics.json uploaded after
          // json.dump) reads its own output, not training data.
          bool own_output = boost::edge(reader_vertex, *it, graph).second;
          if (reader.zone == "pipeline" && !own_output && !scores_only(reader)) {
            read_by_training = true;
            if (reader.type != "notebook") trained_outside_notebooks = true;
          }
          if (!graph[*out].props["deserializes"].is_null() && graph[*out].props.contains("deserializes")) {
            deserialized = true;
            std::string source_kind = graph[*out].props.value("load_source_kind", "");
            if (source_kind != "same_script" && source_kind != "pipeline") reloaded_within_run = false;
            if (std::find(loaded_by.begin(), loaded_by.end(), reader.name) == loaded_by.end()) loaded_by.push_back(reader.name);
          }
        }
        bool written_in_project = false;
        for (auto [in, in_end] = boost::in_edges(*it, graph); in != in_end; ++in) {
          bool write = graph[*in].props.value("kind", "") == "write";
          // A pipeline step's output; what a service writes (user feedback) is new data, not derived.
          const Element& writer = graph[boost::source(*in, graph)];
          if (write && writer.kind == ElementKind::process && writer.zone != "serving") written_in_project = true;
          if (write && graph[boost::source(*in, graph)].zone == "serving") written_by_serving = true;
        }
        // Written by a pipeline step of the project: derived data, reproduced from its inputs by that code.
        element.props["written_in_project"] = written_in_project;
        element.props["read_by_training"] = read_by_training;
        element.props["read_only_by_notebooks"] = read_by_training && !trained_outside_notebooks;
        element.props["written_by_serving"] = written_by_serving;
        element.props["deserialized_on_load"] = deserialized;
        element.props["reloaded_within_run"] = deserialized && reloaded_within_run;
        element.props["loaded_by"] = loaded_by;
      }
      if (element.type == "model_hub" || element.type == "remote_host" || element.type == "third_party_api") {
        nlohmann::ordered_json unpinned = nlohmann::ordered_json::array();
        nlohmann::ordered_json unpinned_places = nlohmann::ordered_json::array();  // each unpinned load
        for (auto [out, out_end] = boost::out_edges(*it, graph); out != out_end; ++out) {
          const auto& props = graph[*out].props;
          auto add = [&unpinned](const nlohmann::ordered_json& target) {
            if (std::find(unpinned.begin(), unpinned.end(), target) == unpinned.end()) unpinned.push_back(target);
          };
          if (props.value("revision_pinned", nlohmann::ordered_json()) == false) {
            add(text(props, "target"));
            const Location& at = graph[*out].location;
            if (!at.file.empty())
              unpinned_places.push_back({{"file", at.file}, {"line", at.line}, {"column", at.column},
                                         {"message", "also loads " + text(props, "target") + " without a pinned revision"},
                                         {"merged", true}});  // the same finding had it been one per load
          }
          if (props.contains("also_unpinned"))
            for (const auto& target : props["also_unpinned"]) add(target.is_string() ? target : nlohmann::ordered_json(""));
        }
        element.props["unpinned_models"] = unpinned;
        // The finding points at the first unpinned load (the hub's first use may be a pinned
        // one); the other unpinned loads are its related places.
        if (!unpinned_places.empty()) {
          std::sort(unpinned_places.begin(), unpinned_places.end(), [](const auto& a, const auto& b) {
            return std::tie(a["file"].template get_ref<const std::string&>(), a["line"]) <
                   std::tie(b["file"].template get_ref<const std::string&>(), b["line"]);
          });
          element.props["finding_location"] = unpinned_places.front();
          unpinned_places.erase(unpinned_places.begin());
          if (!unpinned_places.empty()) element.props["related_locations"] = unpinned_places;
        }
      }
      if (element.type == "client") {
        nlohmann::ordered_json unlogged = nlohmann::ordered_json::array();
        for (auto [out, out_end] = boost::out_edges(*it, graph); out != out_end; ++out) {
          const Element& endpoint = graph[boost::target(*out, graph)];
          if (flag(endpoint.props, "decision") && !flag(endpoint.props, "logs_requests")) unlogged.push_back(endpoint.name);
        }
        element.props["unlogged_decision_endpoints"] = unlogged;
      }
    }
  }

  const std::vector<Fact>& facts_;
  const FileIndex& file_index_;
  DataFlowDiagram diagram_;
  std::unordered_set<std::string> files_;
  std::unordered_multimap<std::string, std::string> by_base_name_;
  std::unordered_set<std::string> files_with_routes_, files_that_log_, files_verifying_hashes_;
  // Scripts and notebooks that score or monitor a model and fit nothing (a drift report over
  // reference and current data, a comparison of registered models on a test month).
  std::unordered_set<std::string> files_that_score_, files_that_may_train_, package_folders_;  // folders holding .py files
  std::unordered_map<std::string, bool> views_;
  std::unordered_map<std::string, std::vector<const Fact*>> binds_;
  std::unordered_map<std::string, int> secrets_per_file_;
  std::unordered_map<std::string, std::string> tracking_uri_by_file_;
  std::string project_tracking_uri_;
  std::unordered_map<std::string, const Fact*> artifacts_;
  std::unordered_set<std::string> dvc_hashed_, dvc_versioned_, sidecar_hashed_;
  std::unordered_map<std::string, std::string> integrity_status_;  // path -> verified / mismatch / absent / ...
  std::vector<const Fact*> dockerfiles_, compose_services_;
  std::unordered_map<std::string, const Fact*> containerized_;
  std::unordered_set<std::string> publicly_served_;
  bool k8s_exposed_ = false;
  bool declares_load_balancer_ = false;                  // a Kubernetes Service of type LoadBalancer
  std::unordered_set<std::string> inference_services_;   // KServe InferenceService names, lower case
  std::unordered_map<std::string, Vertex> endpoints_by_handler_;
};

}  // namespace

std::string normalize_path(std::string_view path) {
  bool absolute = path.starts_with("/");
  std::vector<std::string_view> parts;
  for (auto part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string normalized = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) normalized += '/';
    normalized += parts[i];
  }
  return normalized;
}

DataFlowDiagram build_data_flow_diagram(const std::vector<Fact>& facts, const FileIndex& files) {
  return DfdBuilder(facts, files).build();
}

}  // namespace mlaudit
