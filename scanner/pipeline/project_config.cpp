#include "pipeline/project_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "probe_contract/attacks.h"
#include "ruleset/schema.h"
#include "util/embedded_files.h"
#include "util/file_io.h"
#include "util/yaml_reader.h"

namespace mlaudit {
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMaxConfigBytes = 1 << 20;

std::string file_type_name(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a folder";
    case fs::file_type::fifo: return "a named pipe (FIFO)";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    case fs::file_type::symlink: return "a symbolic link";
    default: return "not a regular file";
  }
}

bool inside(const fs::path& root, const fs::path& path) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> values;
  if (node)
    for (const auto& item : node) values.push_back(item.as<std::string>());
  return values;
}

uint32_t line_of(const YAML::Node& node) { return static_cast<uint32_t>(node.Mark().line + 1); }

// A declaration's settings as JSON: lists of strings, booleans and strings.
nlohmann::ordered_json declaration_props(const YAML::Node& node) {
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
}

// The schema of .mlaudit.yml: threat-models/mlaudit.schema.yml, with the `probes:` entries'
// keys that come from the probe's option table (probe_contract/probe_options.h).
Schema configuration_schema() {
  auto text = embedded_file("threat-models/mlaudit.schema.yml");
  if (!text) throw std::logic_error("threat-models/mlaudit.schema.yml is not embedded");
  YAML::Node root = YAML::Load(std::string(*text));
  YAML::Node properties = root["properties"]["probes"]["items"]["properties"];
  for (const auto& option : probe_options()) {
    if (option.config_key.empty()) continue;
    YAML::Node entry = option.constraints.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(std::string(option.constraints));
    std::visit(
        [&](auto member) {
          using Value = std::decay_t<decltype(ProbeSettings().*member)>;
          auto items = [&](const char* type) { entry["type"] = "array", entry["items"]["type"] = type; };
          if constexpr (std::is_same_v<Value, fs::path> || std::is_same_v<Value, std::optional<fs::path>>) entry["type"] = "string";
          else if constexpr (std::is_same_v<Value, std::vector<double>>) items("number");
          else if constexpr (std::is_same_v<Value, std::vector<int64_t>>) items("integer");
          else if constexpr (std::is_same_v<Value, std::vector<std::string>>) {   // the attacks
            entry["type"] = "array";
            for (const auto& name : accepted_attack_names()) entry["items"]["enum"].push_back(name);
          } else if constexpr (std::is_same_v<Value, bool>) entry["type"] = "boolean";
          else if constexpr (std::is_integral_v<Value>) entry["type"] = "integer";
          else if constexpr (!std::is_same_v<Value, std::string>) entry["type"] = "number";
        },
        option.field);
    entry["description"] = std::string(option.config_key == "attacks" ? attack_names_for_help() : option.help);
    properties[std::string(option.config_key)] = entry;
  }
  return Schema(root);
}

// The configuration's text comes from the scanned tree: parsed by the bounded reader.
YAML::Node parse_and_validate(std::string_view text, const fs::path& file) {
  static const Schema schema = configuration_schema();
  YamlDocuments parsed = read_yaml(text, YamlBudget{64, 100'000, Deadline::after_seconds(10)});
  if (parsed.stop)
    throw ConfigError(file.string() + ":" + std::to_string(parsed.stop->line) + ":" + std::to_string(parsed.stop->column) +
                      (parsed.stop->kind == YamlStop::Kind::limit ? ": too large or deep for a configuration: " : ": invalid YAML: ") +
                      parsed.stop->message);
  if (parsed.documents.size() > 1) throw ConfigError(file.string() + ": holds several YAML documents; a configuration is one");
  YAML::Node document = parsed.documents.empty() ? YAML::Node() : parsed.documents.front();
  if (!document || document.IsNull()) return document;  // an empty file is a valid, empty configuration
  auto problems = schema.validate(document);
  if (problems.empty()) return document;
  std::string message;
  for (const auto& problem : problems) message += (message.empty() ? "" : "\n") + problem.to_string(file.string());
  throw ConfigError(message);
}

void read_scan_settings(YAML::Node document, const fs::path& file, ProjectConfig& config) {
  config.excludes = strings(document["exclude"]);
  config.enable = strings(document["rules"]["enable"]);
  config.disable = strings(document["rules"]["disable"]);
  for (const auto& folder : strings(document["rules"]["folders"])) config.rule_folders.push_back(file.parent_path() / folder);
  if (auto severity = document["severity"])
    for (const auto& entry : severity)
      config.severity_overrides[entry.first.as<std::string>()] = *parse_severity(entry.second.as<std::string>());
  if (document["fail_on"]) config.fail_on = document["fail_on"].as<std::string>();
  if (document["max_file_size_mb"]) config.max_file_bytes = document["max_file_size_mb"].as<uint64_t>() << 20;
  if (document["data_sample_rows"]) config.data_sample_rows = document["data_sample_rows"].as<uint64_t>();
  if (document["advisories"]) config.advisories = file.parent_path() / document["advisories"].as<std::string>();
  if (auto limits = document["limits"])
    for (const auto& entry : limits) config.limits[entry.first.as<std::string>()] = entry.second.as<uint64_t>();
}

// processing, trust_boundaries, datasets and recipients, in that order.
void read_privacy_declarations(YAML::Node document, ProjectConfig& config) {
  for (const auto& entry : document)
    if (entry.first.as<std::string>() == "processing")
      config.privacy.push_back({"processing", "", declaration_props(entry.second), line_of(entry.first)});
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
      config.privacy.push_back({"zone", item["zone"].as<std::string>(), props, line_of(item)});
    }
  for (const char* scope : {"datasets", "recipients"})
    if (auto section = document[scope])
      for (const auto& entry : section)
        config.privacy.push_back({scope == std::string("datasets") ? "dataset" : "recipient", entry.first.as<std::string>(),
                                  declaration_props(entry.second), line_of(entry.first)});
}

// One entry of `probes:`; paths resolved against the configuration file's folder.
ProbeDeclaration read_probe_declaration(const YAML::Node& node, const fs::path& base) {
  ProbeDeclaration declaration;
  declaration.line = line_of(node);
  ProbeRequest& request = declaration.request;
  for (const auto& option : probe_options()) {
    if (option.config_key.empty()) continue;
    YAML::Node value = node[std::string(option.config_key)];
    if (!value) continue;
    std::visit(
        [&](auto member) {
          auto& field = request.*member;
          using Value = std::decay_t<decltype(field)>;
          if constexpr (std::is_same_v<Value, fs::path> || std::is_same_v<Value, std::optional<fs::path>>)
            field = base / value.as<std::string>();
          else if constexpr (std::is_same_v<Value, std::optional<double>>)
            field = value.as<double>();
          else
            field = value.as<Value>();
        },
        option.field);
  }
  if (node["clip"]) {
    auto clip = node["clip"].as<std::vector<double>>();
    if (clip.size() != 2) throw ConfigError(std::to_string(line_of(node["clip"])) + ": `clip` needs two numbers, [min, max]");
    request.clip_min = clip[0], request.clip_max = clip[1];
  }
  if (node["timeout_seconds"]) request.timeout_seconds = node["timeout_seconds"].as<unsigned>();
  if (node["memory_mb"]) request.memory_mb = node["memory_mb"].as<uint64_t>();
  if (auto thresholds = node["thresholds"]) {
    if (thresholds["robust_accuracy"]) declaration.thresholds.min_robust_accuracy = thresholds["robust_accuracy"].as<double>();
    if (thresholds["membership_auc"]) declaration.thresholds.max_membership_auc = thresholds["membership_auc"].as<double>();
    if (thresholds["anomaly_index"]) request.threshold = thresholds["anomaly_index"].as<double>();
    if (thresholds["suspect_share"]) declaration.thresholds.max_suspect_share = thresholds["suspect_share"].as<double>();
  }
  return declaration;
}

}  // namespace

std::optional<fs::path> find_tree_config(const fs::path& root, std::vector<Diagnostic>& diagnostics) {
  fs::path file = root / ".mlaudit.yml";
  std::error_code error;
  fs::file_status status = fs::symlink_status(file, error);
  if (error || !fs::exists(status)) return std::nullopt;
  auto unused = [&](const std::string& why) {
    diagnostics.push_back({DiagnosticLevel::warning, "config-not-read", Location{".mlaudit.yml"},
                           ".mlaudit.yml " + why + ": not read; the scan uses the default settings (pass --config to name a file)"});
    return std::nullopt;
  };
  if (fs::is_regular_file(status)) return file;
  if (!fs::is_symlink(status)) return unused("is " + file_type_name(status.type()) + ", not a regular file");
  fs::path target = fs::canonical(file, error);
  if (error) return unused("is a symbolic link that cannot be resolved (" + error.message() + ")");
  if (!inside(root, target)) return unused("is a symbolic link to a file outside the scanned tree");
  fs::file_status target_status = fs::status(target, error);
  if (!fs::is_regular_file(target_status))
    return unused("is a symbolic link to " + file_type_name(target_status.type()) + ", not a regular file");
  return target;
}

void confine_rule_folders(ProjectConfig& config, const fs::path& root, std::vector<Diagnostic>& diagnostics) {
  std::erase_if(config.rule_folders, [&](const fs::path& folder) {
    std::error_code error;
    fs::path resolved = fs::weakly_canonical(folder, error);
    if (!error && inside(root, resolved)) return false;
    diagnostics.push_back({DiagnosticLevel::warning, "config-not-read", Location{".mlaudit.yml"},
                           "rules.folders entry `" + folder.lexically_relative(root).generic_string() +
                               "` leads outside the scanned tree: not loaded (name it with --rules to use it)"});
    return true;
  });
}

ProjectConfig load_project_config(const fs::path& file) {
  std::error_code error;
  fs::file_status status = fs::status(file, error);
  if (error || !fs::exists(status)) throw ConfigError(file.string() + ": configuration file not found");
  if (!fs::is_regular_file(status))
    throw ConfigError(file.string() + ": is " + file_type_name(status.type()) + ", not a regular file");
  auto content = read_whole_file(fs::canonical(file, error), kMaxConfigBytes);
  if (auto* problem = std::get_if<ReadError>(&content)) throw ConfigError(file.string() + ": " + problem->message);
  return parse_project_config(std::get<std::string>(content), file);
}

ProjectConfig parse_project_config(std::string_view text, const fs::path& file) {
  YAML::Node document = parse_and_validate(text, file);
  ProjectConfig config;
  config.source = file.string();
  if (!document || document.IsNull()) return config;
  // The schema checks the sections' shapes; a value it does not describe closely enough (a
  // mapping inside a list of names) is still a configuration error, never a crash.
  try {
    read_scan_settings(document, file, config);
    read_privacy_declarations(document, config);
    if (auto probes = document["probes"]) {
      try {
        for (const auto& node : probes) config.probes.push_back(read_probe_declaration(node, file.parent_path()));
      } catch (const ConfigError& error) {
        throw ConfigError(file.string() + ":" + error.what());  // the declaration knows its line, not the file
      }
    }
  } catch (const YAML::Exception& error) {
    throw ConfigError(file.string() + ":" + std::to_string(error.mark.line + 1) + ": a value has the wrong type (" +
                      error.msg + ")");
  }
  return config;
}

}  // namespace mlaudit
