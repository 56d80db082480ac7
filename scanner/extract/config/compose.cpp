#include "extract/config/config_values.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// "8000", "8000:8000", "127.0.0.1:8000:8000", "8000:8000/tcp" -> host address and port.
std::pair<std::string, std::string> published_port(std::string_view text) {
  auto parts = split(text.substr(0, text.find('/')), ':');
  if (parts.size() == 1) return {"", ""};  // container port only: not published on a fixed host port
  if (parts.size() == 2) return {"0.0.0.0", std::string(parts[0])};
  return {std::string(parts[0]), std::string(parts[1])};
}

}  // namespace

bool is_compose_document(const YAML::Node& document, std::string_view file) {
  auto slash = file.rfind('/');
  std::string name = to_lower(slash == std::string_view::npos ? file : file.substr(slash + 1));
  bool named = name.starts_with("docker-compose") || name.starts_with("compose.") || name.starts_with("compose-");
  return document.IsMap() && document["services"] && document["services"].IsMap() &&
         (named || document["version"] || document["volumes"] || document["networks"]);
}

void extract_compose(const YAML::Node& document, const std::string& file, FactSink& sink) {
  for (const auto& entry : document["services"]) {
    std::string name = entry.first.Scalar();
    const YAML::Node& service = entry.second;
    if (!service.IsMap()) continue;
    nlohmann::json ports = nlohmann::json::array();
    if (service["ports"] && service["ports"].IsSequence()) {
      for (const auto& port : service["ports"]) {
        std::string host, number;
        if (port.IsScalar()) {
          std::tie(host, number) = published_port(port.Scalar());
        } else if (port.IsMap()) {
          number = scalar_or(port["published"], "");
          host = scalar_or(port["host_ip"], number.empty() ? "" : "0.0.0.0");
        }
        if (number.empty()) continue;
        ports.push_back(number);
        sink.add(FactType::network_bind, location_of(port, file),
                 {{"host", host}, {"effective_host", host}, {"all_interfaces", host == "0.0.0.0" || host == "::"},
                  {"port", number}, {"server", "compose:" + name}, {"debug", false}, {"public_share", false},
                  {"source", "compose"}});
      }
    }
    std::string command;
    if (service["command"]) {
      if (service["command"].IsScalar()) command = service["command"].Scalar();
      else if (service["command"].IsSequence())
        for (const auto& part : service["command"]) command += scalar_or(part, "") + " ";
    }
    sink.add(FactType::compose_service, location_of(entry.first, file),
             {{"name", name},
              {"image", scalar_or(service["image"], "")},
              {"build", service["build"] ? (service["build"].IsScalar() ? service["build"].Scalar()
                                                                         : scalar_or(service["build"]["context"], "."))
                                         : ""},
              {"command", std::string(trim(command))},
              {"ports", ports},
              {"privileged", truthy(service["privileged"])},
              {"user", scalar_or(service["user"], "")},
              {"network_mode", scalar_or(service["network_mode"], "")}});
    YAML::Node environment = service["environment"];
    if (environment && environment.IsMap()) {
      for (const auto& variable : environment) {
        auto value = scalar(variable.second);
        if (!value) continue;
        sink.add(FactType::env_assignment, location_of(variable.second, file),
                 env_assignment_props("compose", variable.first.Scalar(), *value, name));
      }
    } else if (environment && environment.IsSequence()) {
      for (const auto& item : environment) {
        auto text = scalar(item);
        if (!text) continue;
        auto equals = text->find('=');
        if (equals == std::string::npos) continue;  // "KEY" alone passes the host's value through
        sink.add(FactType::env_assignment, location_of(item, file),
                 env_assignment_props("compose", text->substr(0, equals), text->substr(equals + 1), name));
      }
    }
  }
}

}  // namespace mlaudit
