#include <re2/re2.h>

#include <nlohmann/json.hpp>

#include "extract/config/config_extractors.h"
#include "extract/config/config_values.h"
#include "extract/config/dependency_spec.h"
#include "extract/config/pip_install.h"
#include "util/text.h"

namespace mlaudit {
namespace {

struct Instruction {
  std::string keyword;    // upper case
  std::string arguments;  // continuation lines joined
  uint32_t line = 0;
  std::vector<std::pair<uint32_t, std::string_view>> physical;  // the source lines it spans
  bool cut = false;       // longer than limit line_bytes: the rest was dropped

  // The line where `text` appears (continuation lines included), else the first line.
  uint32_t line_of(std::string_view text) const { return place_of(text).line; }
  // Line and column of `text`: two packages of one `pip install` line are two places.
  Location place_of(std::string_view text, const std::string& file = {}) const {
    for (const auto& [number, source] : physical)
      if (auto at = source.find(text); at != std::string_view::npos) return Location{file, number, static_cast<uint32_t>(at + 1)};
    return Location{file, line, 1};
  }
};

// Appends to an instruction's arguments up to `max_bytes`; past it the text is dropped and
// the instruction marked cut. (Joining by copying the whole argument string per continuation
// line was quadratic: 100,000 continuation lines never finished.)
void append_bounded(Instruction& instruction, std::string_view separator, std::string_view text, size_t max_bytes) {
  if (instruction.arguments.size() + separator.size() + text.size() > max_bytes) {
    instruction.cut = true;
    return;
  }
  instruction.arguments += separator;
  instruction.arguments += text;
}

std::vector<Instruction> read_instructions(std::string_view content, size_t max_bytes) {
  constexpr size_t kMaxPhysicalLines = 10'000;  // lines remembered per instruction, for locations
  std::vector<Instruction> instructions;
  char escape = '\\';
  static const RE2 escape_directive(R"((?i)^#\s*escape\s*=\s*(\S))");
  std::string escape_text;
  Instruction current;
  bool continuing = false;
  std::string heredoc_end;
  uint32_t number = 0;
  for (auto raw : split_lines(content)) {
    ++number;
    std::string_view line = raw;
    if (!heredoc_end.empty()) {  // RUN <<EOF ... EOF: body belongs to the instruction
      if (trim(line) == heredoc_end) {
        heredoc_end.clear();
        instructions.push_back(std::move(current));
        current = {};
      } else {
        append_bounded(current, "\n", line, max_bytes);
      }
      continue;
    }
    auto stripped = trim(line);
    if ((continuing || !stripped.empty()) && current.physical.size() < kMaxPhysicalLines) current.physical.emplace_back(number, line);
    if (!continuing && instructions.empty() && RE2::PartialMatch(stripped, escape_directive, &escape_text))
      escape = escape_text[0];
    if (stripped.starts_with("#")) continue;
    if (!continuing) {
      if (stripped.empty()) continue;
      auto space = stripped.find_first_of(" \t");
      current = {to_lower(stripped.substr(0, space)), "", number, {{number, line}}};
      append_bounded(current, "", space == std::string_view::npos ? "" : trim(stripped.substr(space)), max_bytes);
      for (auto& c : current.keyword) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else {
      std::string& arguments = current.arguments;
      while (!arguments.empty() && std::isspace(static_cast<unsigned char>(arguments.back()))) arguments.pop_back();
      size_t lead = 0;
      while (lead < arguments.size() && std::isspace(static_cast<unsigned char>(arguments[lead]))) ++lead;
      arguments.erase(0, lead);
      append_bounded(current, " ", stripped, max_bytes);
    }
    // A cut instruction still ends where its last line does not continue.
    bool last_continues = !stripped.empty() && stripped.back() == escape;
    continuing = current.cut ? last_continues : !current.arguments.empty() && current.arguments.back() == escape;
    if (continuing) {
      if (!current.cut) current.arguments.pop_back();
      continue;
    }
    static const RE2 heredoc(R"(<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?)");
    std::string marker;
    if ((current.keyword == "RUN" || current.keyword == "COPY") && RE2::PartialMatch(current.arguments, heredoc, &marker)) {
      heredoc_end = marker;
      continue;
    }
    instructions.push_back(std::move(current));
    current = {};
  }
  if (continuing || !heredoc_end.empty()) instructions.push_back(std::move(current));
  return instructions;
}

// ["python", "app.py"] -> python app.py
std::string command_text(const std::string& arguments) {
  if (!arguments.starts_with("[")) return arguments;
  auto parsed = nlohmann::ordered_json::parse(arguments, nullptr, false);
  if (!parsed.is_array()) return arguments;
  std::string text;
  for (const auto& part : parsed)
    if (part.is_string()) text += (text.empty() ? "" : " ") + part.get<std::string>();
  return text;
}

// KEY=value pairs (or the legacy "KEY value" form) of ENV / ARG / LABEL.
std::vector<std::pair<std::string, std::string>> key_values(const std::string& arguments, bool legacy_allowed) {
  std::vector<std::pair<std::string, std::string>> pairs;
  static const RE2 pair(R"(([A-Za-z_][A-Za-z0-9_.\-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))");
  re2::StringPiece input(arguments);
  std::string key, value;
  bool found = false;
  while (RE2::FindAndConsume(&input, pair, &key, &value)) {
    found = true;
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
    pairs.emplace_back(key, value);
  }
  if (!found && legacy_allowed) {
    auto space = arguments.find(' ');
    if (space != std::string::npos) pairs.emplace_back(arguments.substr(0, space), std::string(trim(arguments.substr(space))));
    else pairs.emplace_back(arguments, "");
  }
  return pairs;
}

// "$TOKEN", "${TOKEN}", "${TOKEN:-default}" -> TOKEN; anything else (text around it) -> "".
std::string build_arg_reference(const std::string& value) {
  static const RE2 reference(R"(\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}))");
  std::string plain, braced;
  if (!RE2::FullMatch(value, reference, &plain, &braced)) return {};
  return plain.empty() ? braced : plain;
}

// The image reference of a FROM line or a COPY --from: name, tag, digest and how pinned it is.
// Base images documented to run as (or drop to) a user other than root when no USER is set:
// AWS Lambda runs every function as its own non-root user; the official database and broker
// images switch to their service user in the entrypoint; the others set USER themselves.
std::string non_root_user_of_image(std::string image) {
  image = to_lower(image);
  for (std::string_view registry : {"docker.io/library/", "docker.io/", "library/"})
    if (image.starts_with(registry)) image = image.substr(registry.size());
  std::string name = image.substr(0, image.find_first_of(":@"));
  std::string tag = image.find(':') == std::string::npos ? "" : image.substr(image.find(':') + 1);
  static const std::pair<std::string_view, std::string_view> by_name[] = {
      {"apache/airflow", "airflow"}, {"prom/prometheus", "nobody"}, {"prom/alertmanager", "nobody"},
      {"grafana/grafana", "grafana"}, {"grafana/grafana-oss", "grafana"}, {"nginxinc/nginx-unprivileged", "nginx"},
      {"postgres", "postgres"}, {"redis", "redis"}, {"mysql", "mysql"}, {"mariadb", "mysql"}, {"mongo", "mongodb"},
      {"rabbitmq", "rabbitmq"}, {"docker.elastic.co/elasticsearch/elasticsearch", "elasticsearch"}};
  for (const auto& [known, user] : by_name)
    if (name == known) return std::string(user);
  if (name.starts_with("public.ecr.aws/lambda/") || name.starts_with("amazon/aws-lambda-")) return "the Lambda sandbox user";
  if (name.starts_with("bitnami/")) return "1001";
  if (name.starts_with("jupyter/") || name.starts_with("quay.io/jupyter/")) return "jovyan";
  if (name.starts_with("gcr.io/distroless/") && tag.find("nonroot") != std::string::npos) return "nonroot";
  return {};
}

nlohmann::ordered_json image_props(const std::string& image, const std::string& alias, int stage, bool references_stage,
                                   bool copied_from) {
  std::string name = image, tag, digest;
  if (auto at = name.find('@'); at != std::string::npos) {
    digest = name.substr(at + 1);
    name = name.substr(0, at);
  }
  auto slash = name.rfind('/');
  if (auto colon = name.rfind(':'); colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  bool variable = image.find('$') != std::string::npos;
  nlohmann::ordered_json props = {
      {"image", image}, {"name", name}, {"tag", tag}, {"digest", digest}, {"stage", stage},
      {"alias", alias}, {"references_stage", references_stage}, {"scratch", to_lower(name) == "scratch"},
      {"variable", variable},
      {"untagged", tag.empty() && digest.empty() && !references_stage && !variable && to_lower(name) != "scratch"},
      {"latest", tag == "latest" && digest.empty()}};
  if (copied_from) props["copied_from"] = true;
  return props;
}

// What the image is for, from where the Dockerfile sits and what it runs: a dev container,
// a test or build image, a service (a port exposed, an app server launched) or a batch job
// (nothing listens). Root in a service is the exposed case; the others run what their user starts.
std::pair<std::string, std::string> image_role(const std::string& path, const nlohmann::ordered_json& exposes,
                                               const std::string& launch) {
  static const RE2 dev(R"((^|/)\.devcontainer/)");
  static const RE2 test(R"((?i)(^|/)(tests?|testing|e2e|ci)([_-][^/]*)?/|(^|/)[^/]*[_-]tests?/|Dockerfile[._-](test|ci|dev)\b)");
  static const RE2 build(R"((?i)(^|/)(build|builder)/|Dockerfile[._-](build|builder)\b)");
  static const RE2 server(
      R"((?i)\b(uvicorn|gunicorn|hypercorn|daphne|waitress-serve|flask\s+run|streamlit\s+run|gradio|nginx|httpd|apache2|caddy|runserver|mlflow\s+(server|ui|models\s+serve)|bentoml\s+serve|torchserve|tensorflow_model_server|tritonserver|jupyter|serve|server)\b|\s(--port|--bind|-p\s+\d+)|\b(serve|server|app|api|service)\.py\b)");
  if (RE2::PartialMatch(path, dev)) return {"dev container", "a VS Code dev container, not deployed"};
  if (RE2::PartialMatch(path, test)) return {"test", "a test image, not a deployed service"};
  if (RE2::PartialMatch(path, build)) return {"build", "a build image, not a deployed service"};
  // A training image may expose ports for its workers (torch.distributed's 29500, NCCL and
  // SSH ranges): named for training and starting no server, it is a batch job.
  static const RE2 training(R"((?i)(^|/)[^/]*(train|training|finetune|fine-tune|fine_tune|pretrain)[^/]*(/[^/]*Dockerfile[^/]*)?$)");
  if (RE2::PartialMatch(path, training) && !RE2::PartialMatch(launch, server))
    return {"batch", "a training image: its name says so and it starts no server" +
                         (exposes.empty() ? std::string() : " (its exposed ports are for the training workers)")};
  if (!exposes.empty())
    return {"service", "a service image: it exposes port " + exposes.front().get<std::string>()};
  if (RE2::PartialMatch(launch, server))
    return {"service", "a service image: it starts a server (`" + truncate_utf8(launch, 60) + "`)"};
  return {"batch", launch.empty() ? "nothing in the image listens: no EXPOSE and no command that starts a server"
                                  : "nothing in the image listens: no EXPOSE, and `" + truncate_utf8(launch, 60) +
                                        "` starts no server"};
}

}  // namespace

void DockerfileExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  const uint64_t max_bytes = file.settings.limits.line_bytes;
  auto instructions = read_instructions(file.content, max_bytes);
  if (instructions.empty()) return;
  for (const auto& instruction : instructions)
    if (instruction.cut)
      sink.limit_reached(Location{path, instruction.line, 1},
                         instruction.keyword + " instruction longer than " + std::to_string(max_bytes) +
                             " bytes (continuation lines or heredoc joined): the rest of it was dropped",
                         "line_bytes", max_bytes);

  std::vector<std::string> stage_names, build_args;
  std::string user, command, entrypoint;
  uint32_t final_from_line = 0, user_line = 0;
  nlohmann::ordered_json exposes = nlohmann::ordered_json::array(), scripts = nlohmann::ordered_json::array();
  bool healthcheck = false;
  int stage = -1;
  static const RE2 from_pattern(R"((?i)^(?:--platform=\S+\s+)?(\S+)(?:\s+as\s+(\S+))?)");
  static const RE2 script_pattern(R"((?:^|\s)(?:python3?|python3\.\d+)\s+(?:-u\s+)?([\w./\-]+\.py))");
  static const RE2 asgi_pattern(R"((?:uvicorn|gunicorn|hypercorn|waitress-serve)\b[^\n]*?\s([A-Za-z_][\w.]*):([A-Za-z_]\w*))");

  std::string base_user;  // the user the final stage's base image runs as, when it is known not to be root
  for (const auto& instruction : instructions) {
    Location location{path, instruction.line, 1};
    sink.add(FactType::docker_instruction, location,
             {{"instruction", instruction.keyword}, {"arguments", truncate_utf8(instruction.arguments, 600)},
              {"stage", stage}});
    const std::string& keyword = instruction.keyword;
    if (keyword == "FROM") {
      ++stage;
      build_args.clear();  // an ARG is in scope in the stage that declares it (or, before FROM, in FROM lines only)
      user.clear();
      healthcheck = false;
      final_from_line = instruction.line;
      std::string image, alias;
      RE2::PartialMatch(instruction.arguments, from_pattern, &image, &alias);
      base_user = non_root_user_of_image(image);
      bool references_stage = std::find(stage_names.begin(), stage_names.end(), to_lower(image)) != stage_names.end();
      if (!alias.empty()) stage_names.push_back(to_lower(alias));
      sink.add(FactType::docker_base_image, location, image_props(image, alias, stage, references_stage, false));
    } else if (keyword == "COPY" || keyword == "ADD") {
      // COPY --from=ghcr.io/astral-sh/uv:latest pulls an image like FROM does; --from=build
      // (a stage name) or --from=0 (a stage index) does not.
      static const RE2 copy_from(R"((?:^|\s)--from=(\S+))");
      std::string source;
      if (RE2::PartialMatch(instruction.arguments, copy_from, &source) &&
          std::find(stage_names.begin(), stage_names.end(), to_lower(source)) == stage_names.end() &&
          source.find_first_not_of("0123456789") != std::string::npos)
        sink.add(FactType::docker_base_image, location, image_props(source, "", stage, false, true));
    } else if (keyword == "USER") {
      user = std::string(trim(instruction.arguments));
      user_line = instruction.line;
    } else if (keyword == "EXPOSE") {
      for (auto port : split(instruction.arguments, ' '))
        if (!trim(port).empty()) exposes.push_back(std::string(trim(port)));
    } else if (keyword == "CMD") {
      command = command_text(instruction.arguments);
    } else if (keyword == "ENTRYPOINT") {
      entrypoint = command_text(instruction.arguments);
    } else if (keyword == "HEALTHCHECK") {
      healthcheck = to_lower(trim(instruction.arguments)) != "none";
    } else if (keyword == "ENV" || keyword == "ARG") {
      if (keyword == "ARG")  // ARG NAME and ARG NAME=default both declare NAME
        for (auto word : split(instruction.arguments, ' '))
          if (auto name = trim(word.substr(0, word.find('='))); !name.empty()) build_args.emplace_back(name);
      for (const auto& [key, value] : key_values(instruction.arguments, keyword == "ENV")) {
        if (keyword == "ARG" && value.empty()) continue;
        auto props = env_assignment_props(keyword == "ENV" ? "dockerfile-env" : "dockerfile-arg", key, value, path);
        // ENV TOKEN=$TOKEN copies a build argument into the image's configuration: whatever
        // `docker build --build-arg` passed is stored in the image and shown by docker inspect.
        if (keyword == "ENV")
          if (auto argument = build_arg_reference(value);
              !argument.empty() && std::find(build_args.begin(), build_args.end(), argument) != build_args.end())
            props["build_arg"] = argument;
        sink.add(FactType::env_assignment, Location{path, instruction.line_of(key), 1}, std::move(props));
      }
    }
    if (keyword == "RUN")
      sink.add(FactType::shell_command, location,
               {{"command", truncate_utf8(command_text(instruction.arguments), 600)}, {"source", "dockerfile"}});
    if (keyword == "RUN")
      for (const auto& requirement : pip_install_requirements(command_text(instruction.arguments)))
        if (auto spec = parse_pip_requirement(requirement, "dockerfile"))
          sink.add(FactType::dependency, instruction.place_of(requirement, path), dependency_props(*spec, "pypi", path));
    if (keyword == "RUN" || keyword == "CMD" || keyword == "ENTRYPOINT") {
      std::string text = command_text(instruction.arguments);
      re2::StringPiece input(text);
      std::string script;
      while (RE2::FindAndConsume(&input, script_pattern, &script)) scripts.push_back(script);
      std::string module, app;
      if (RE2::PartialMatch(text, asgi_pattern, &module, &app)) scripts.push_back(replace_all(module, ".", "/") + ".py");
    }
  }

  std::string launch = std::string(trim(entrypoint + " " + command));
  std::string lowered_user = to_lower(user.substr(0, user.find(':')));
  bool root = user.empty() ? base_user.empty() : lowered_user == "root" || lowered_user == "0";
  static const RE2 host_flag(R"((?:--host(?:=|\s+)|-b\s+|--bind(?:=|\s+)|--listen(?:=|\s+))(0\.0\.0\.0|\[::\]|::)(?::(\d+))?)");
  static const RE2 port_flag(R"(--port(?:=|\s+)(\d+))");
  std::string host, port;
  bool all_interfaces = RE2::PartialMatch(launch, host_flag, &host, &port);
  if (port.empty()) RE2::PartialMatch(launch, port_flag, &port);
  auto [role, role_reason] = image_role(path, exposes, launch);
  Location summary{path, final_from_line, 1};
  sink.add(FactType::dockerfile, summary,
           {{"final_user", user.empty() ? base_user : user},
            {"user_from_base_image", user.empty() && !base_user.empty()},
            {"user_line", user_line},
            {"runs_as_root", root},
            {"exposes", exposes},
            {"command", truncate_utf8(launch, 400)},
            {"scripts", scripts},
            {"healthcheck", healthcheck},
            {"stages", stage + 1},
            {"role", role},
            {"role_reason", role_reason},
            {"folder", path.find('/') == std::string::npos ? "" : path.substr(0, path.rfind('/') + 1)}});
  if (all_interfaces)
    sink.add(FactType::network_bind, summary,
             {{"host", host}, {"effective_host", host}, {"all_interfaces", true},
              {"port", port.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(port)}, {"server", "dockerfile"},
              {"debug", false}, {"public_share", false}, {"source", "dockerfile"}});
}

}  // namespace mlaudit
