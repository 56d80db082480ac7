#include <re2/re2.h>

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
  return document.IsMap() && at(document, {"services"}) && at(document, {"services"}).IsMap() &&
         (named || at(document, {"version"}) || at(document, {"volumes"}) || at(document, {"networks"}));
}

// Whether the service is given a login: a password or auth switch in its environment
// (POSTGRES_PASSWORD, MONGO_INITDB_ROOT_PASSWORD, REDIS_PASSWORD) or command (--requirepass).
bool sets_credentials(const YAML::Node& service, const std::string& command) {
  static const RE2 key(R"((?i)(PASSWORD|PASSWD|REQUIREPASS|_AUTH\b|AUTH_|SECRET))");
  static const RE2 flag(R"((?i)(--requirepass|--auth\b|--masterauth|requirepass\s))");
  if (RE2::PartialMatch(command, flag)) return true;
  const YAML::Node environment = at(service, {"environment"});
  if (!environment) return false;
  if (environment.IsMap()) {
    for (const auto& entry : environment)
      if (entry.first.IsScalar() && RE2::PartialMatch(entry.first.Scalar(), key)) return true;
  } else if (environment.IsSequence()) {
    for (const auto& item : environment)
      if (item.IsScalar() && RE2::PartialMatch(item.Scalar().substr(0, item.Scalar().find('=')), key)) return true;
  }
  return false;
}

void extract_compose(const YAML::Node& document, const std::string& file, FactSink& sink) {
  for (const auto& entry : at(document, {"services"})) {
    std::string name = entry.first.Scalar();
    const YAML::Node& service = entry.second;
    if (!service.IsMap()) continue;
    std::string image = scalar_or(at(service, {"image"}), "");
    std::string command;
    if (at(service, {"command"})) {
      if (at(service, {"command"}).IsScalar()) command = at(service, {"command"}).Scalar();
      else if (at(service, {"command"}).IsSequence())
        for (const auto& part : at(service, {"command"})) command += scalar_or(part, "") + " ";
    }
    bool credentials = sets_credentials(service, command);
    nlohmann::ordered_json ports = nlohmann::ordered_json::array();
    bool published_to_all = false;   // a port reachable from outside the host
    if (at(service, {"ports"}) && at(service, {"ports"}).IsSequence()) {
      for (const auto& port : at(service, {"ports"})) {
        std::string host, number;
        if (port.IsScalar()) {
          std::tie(host, number) = published_port(port.Scalar());
        } else if (port.IsMap()) {
          number = scalar_or(at(port, {"published"}), "");
          host = scalar_or(at(port, {"host_ip"}), number.empty() ? "" : "0.0.0.0");
        }
        if (number.empty()) continue;
        ports.push_back(number);
        published_to_all = published_to_all || host.empty() || host == "0.0.0.0" || host == "::";
        sink.add(FactType::network_bind, location_of(port, file),
                 {{"host", host}, {"effective_host", host}, {"all_interfaces", host == "0.0.0.0" || host == "::"},
                  {"port", number}, {"server", "compose:" + name}, {"debug", false}, {"public_share", false},
                  {"source", "compose"}, {"image", image}, {"credentials_configured", credentials}});
      }
    }
    sink.add(FactType::compose_service, location_of(entry.first, file),
             {{"name", name},
              {"image", image},
              {"build", at(service, {"build"}) ? (at(service, {"build"}).IsScalar() ? at(service, {"build"}).Scalar()
                                                                         : scalar_or(at(service, {"build", "context"}), "."))
                                         : ""},
              {"command", std::string(trim(command))},
              {"ports", ports},
              {"privileged", truthy(at(service, {"privileged"}))},
              {"user", scalar_or(at(service, {"user"}), "")},
              {"network_mode", scalar_or(at(service, {"network_mode"}), "")}});
    // A product's documented default (minioadmin) is one credential wherever the file repeats
    // it: one cause, so one merge key per product; any other value is its own.
    auto assignment = [&](std::string_view key, std::string_view value) {
      nlohmann::ordered_json props = env_assignment_props("compose", key, value, name);
      std::string product = default_credential_of(value);
      props["default_credential_of"] = product;
      props["service_published"] = published_to_all;
      props["credential"] = product.empty() ? name + "/" + std::string(key) : "default:" + product;
      return props;
    };
    YAML::Node environment = at(service, {"environment"});
    if (environment && environment.IsMap()) {
      for (const auto& variable : environment) {
        auto value = scalar(variable.second);
        if (!value) continue;
        sink.add(FactType::env_assignment, location_of(variable.second, file), assignment(variable.first.Scalar(), *value));
      }
    } else if (environment && environment.IsSequence()) {
      for (const auto& item : environment) {
        auto text = scalar(item);
        if (!text) continue;
        auto equals = text->find('=');
        if (equals == std::string::npos) continue;  // "KEY" alone passes the host's value through
        sink.add(FactType::env_assignment, location_of(item, file),
                 assignment(text->substr(0, equals), text->substr(equals + 1)));
      }
    }
  }
}

}  // namespace mlaudit
