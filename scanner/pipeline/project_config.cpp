#include "pipeline/project_config.h"

#include <yaml-cpp/yaml.h>

#include "ruleset/schema.h"

namespace mlaudit {
namespace fs = std::filesystem;

ProjectConfig load_project_config(const std::filesystem::path& file) {
  static const Schema schema = Schema::from_embedded("threat-models/mlaudit.schema.yml");
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) throw ConfigError(file.string() + ": configuration file not found");
  YAML::Node document;
  try {
    document = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& parse_error) {
    throw ConfigError(file.string() + ":" + std::to_string(parse_error.mark.line + 1) + ":" +
                      std::to_string(parse_error.mark.column + 1) + ": invalid YAML: " + parse_error.msg);
  }
  ProjectConfig config;
  config.source = file.string();
  if (!document || document.IsNull()) return config;  // an empty file is a valid, empty configuration
  auto problems = schema.validate(document);
  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem.to_string(file.string());
    throw ConfigError(message);
  }
  auto strings = [](const YAML::Node& node) {
    std::vector<std::string> values;
    if (node)
      for (const auto& item : node) values.push_back(item.as<std::string>());
    return values;
  };
  config.excludes = strings(document["exclude"]);
  config.enable = strings(document["rules"]["enable"]);
  config.disable = strings(document["rules"]["disable"]);
  for (const auto& folder : strings(document["rules"]["folders"]))
    config.rule_folders.push_back(file.parent_path() / folder);
  if (auto severity = document["severity"])
    for (const auto& entry : severity)
      config.severity_overrides[entry.first.as<std::string>()] = *parse_severity(entry.second.as<std::string>());
  if (document["fail_on"]) config.fail_on = document["fail_on"].as<std::string>();
  if (document["max_file_size_mb"]) config.max_file_bytes = document["max_file_size_mb"].as<uint64_t>() << 20;
  if (document["data_sample_rows"]) config.data_sample_rows = document["data_sample_rows"].as<uint64_t>();
  auto to_json = [](const YAML::Node& node) {
    nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
    for (const auto& entry : node) {
      const YAML::Node& value = entry.second;
      if (value.IsSequence()) {
        nlohmann::ordered_json items = nlohmann::ordered_json::array();
        for (const auto& item : value) items.push_back(item.as<std::string>());
        props[entry.first.as<std::string>()] = items;
      } else if (value.Tag() != "!" && (value.Scalar() == "true" || value.Scalar() == "false")) {
        props[entry.first.as<std::string>()] = value.as<bool>();
      } else {
        props[entry.first.as<std::string>()] = value.as<std::string>();
      }
    }
    return props;
  };
  for (const auto& entry : document)
    if (entry.first.as<std::string>() == "processing")
      config.privacy.push_back({"processing", "", to_json(entry.second), static_cast<uint32_t>(entry.first.Mark().line + 1)});
  if (auto zones = document["trust_boundaries"])
    for (const auto& item : zones) {
      nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
      nlohmann::ordered_json patterns = nlohmann::ordered_json::array();
      if (item["match"].IsSequence())
        for (const auto& pattern : item["match"]) patterns.push_back(pattern.as<std::string>());
      else
        patterns.push_back(item["match"].as<std::string>());
      props["match"] = patterns;
      props["zone"] = item["zone"].as<std::string>();
      if (item["reason"]) props["reason"] = item["reason"].as<std::string>();
      config.privacy.push_back({"zone", item["zone"].as<std::string>(), props, static_cast<uint32_t>(item.Mark().line + 1)});
    }
  for (const char* scope : {"datasets", "recipients"})
    if (auto section = document[scope])
      for (const auto& entry : section)
        config.privacy.push_back({scope == std::string("datasets") ? "dataset" : "recipient", entry.first.as<std::string>(),
                                  to_json(entry.second), static_cast<uint32_t>(entry.first.Mark().line + 1)});
  if (auto probes = document["probes"]) {
    fs::path base = fs::path(config.source).parent_path();
    auto path_at = [&](const YAML::Node& node, const char* key) -> std::optional<fs::path> {
      if (!node[key]) return std::nullopt;
      return base / node[key].as<std::string>();
    };
    for (const auto& node : probes) {
      ProbeDeclaration declaration;
      declaration.line = static_cast<uint32_t>(node.Mark().line + 1);
      ProbeRequest& request = declaration.request;
      request.model = *path_at(node, "model");
      request.data = *path_at(node, "data");
      request.labels = path_at(node, "labels");
      request.train = path_at(node, "train");
      request.train_labels = path_at(node, "train_labels");
      request.holdout = path_at(node, "holdout");
      request.holdout_labels = path_at(node, "holdout_labels");
      request.strip_inputs = path_at(node, "strip_inputs");
      if (node["attacks"]) request.attacks = node["attacks"].as<std::vector<std::string>>();
      if (node["eps"]) request.eps = node["eps"].as<std::vector<double>>();
      if (node["eps_l2"]) request.eps_l2 = node["eps_l2"].as<std::vector<double>>();
      if (node["input_shape"]) request.input_shape = node["input_shape"].as<std::vector<int64_t>>();
      if (node["mean"]) request.mean = node["mean"].as<std::vector<double>>();
      if (node["std"]) request.std = node["std"].as<std::vector<double>>();
      if (node["clip"]) {
        auto clip = node["clip"].as<std::vector<double>>();
        request.clip_min = clip.at(0), request.clip_max = clip.at(1);
      }
      if (node["steps"]) request.steps = node["steps"].as<int>();
      if (node["nc_steps"]) request.nc_steps = node["nc_steps"].as<int>();
      if (node["nc_restarts"]) request.nc_restarts = node["nc_restarts"].as<int>();
      if (node["max_samples"]) request.max_samples = node["max_samples"].as<int>();
      if (node["device"]) request.device = node["device"].as<std::string>();
      if (node["timeout_seconds"]) request.timeout_seconds = node["timeout_seconds"].as<unsigned>();
      if (node["memory_mb"]) request.memory_mb = node["memory_mb"].as<uint64_t>();
      if (auto thresholds = node["thresholds"]) {
        if (thresholds["robust_accuracy"]) declaration.thresholds.min_robust_accuracy = thresholds["robust_accuracy"].as<double>();
        if (thresholds["membership_auc"]) declaration.thresholds.max_membership_auc = thresholds["membership_auc"].as<double>();
        if (thresholds["anomaly_index"]) request.threshold = thresholds["anomaly_index"].as<double>();
        if (thresholds["suspect_share"]) declaration.thresholds.max_suspect_share = thresholds["suspect_share"].as<double>();
      }
      config.probes.push_back(std::move(declaration));
    }
  }
  return config;
}

}  // namespace mlaudit
