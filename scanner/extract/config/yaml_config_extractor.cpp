#include "extract/config/config_extractors.h"
#include "extract/config/helm_template.h"
#include "extract/config/iam_policy.h"
#include "extract/config/yaml_flavours.h"
#include "util/yaml_reader.h"

namespace mlaudit {
namespace {

constexpr size_t kMaxConfigBytes = 4 << 20;  // bigger JSON is data, not configuration

}  // namespace

void YamlConfigExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  if (file.content.size() > kMaxConfigBytes) {
    sink.diagnose(DiagnosticLevel::note, "too-large-for-config", Location{path},
                  "larger than 4 MiB: not parsed as configuration (searched for secrets only)");
    return;
  }
  const ScanLimits& limits = file.settings.limits;
  const bool templated = is_helm_template(path, file.content);
  const std::string rendered = templated ? render_literal_parts(file.content) : std::string();
  YamlDocuments parsed = read_yaml(templated ? std::string_view(rendered) : file.content,
                                   {limits.nesting_depth, limits.yaml_nodes, file.deadline});
  if (const auto& stop = parsed.stop) {
    Location location{path, stop->line, stop->column};
    if (stop->kind == YamlStop::Kind::syntax && templated) {
      // Template logic can leave literal parts that are not YAML on their own (a key emitted
      // by a range loop, a block chosen by if/else): not the project's error, so no warning;
      // the documents before it were read.
    } else if (stop->kind == YamlStop::Kind::limit) {
      sink.limit_reached(location, "parsing stopped: " + stop->message, stop->limit, limit_value(limits, stop->limit));
    } else {
      sink.diagnose(DiagnosticLevel::warning, "parse-error", location,
                    std::string(file.sniffed.kind == FileKind::json ? "invalid JSON: " : "invalid YAML: ") + stop->message +
                        (parsed.documents.empty() ? "" : "; the " + std::to_string(parsed.documents.size()) +
                                                             " complete document(s) before it were analysed"));
    }
  }
  const std::vector<YAML::Node>& documents = parsed.documents;
  for (const auto& document : documents) {
    if (!document || document.IsNull()) continue;
    // A readers' assumption about a value's shape (a scalar where a list is, a list of jobs)
    // that a hostile or odd file breaks ends that document's reading with a warning, never
    // the scan; what was read before stays.
    try {
      if (is_pipfile_lock(path)) {
        extract_pipfile_lock(document, path, sink);
        continue;   // index URLs and hashes only besides the versions
      }
      if (is_dvc_document(path)) extract_dvc(document, path, sink);
      else if (is_mlflow_model(path)) extract_mlflow_model(document, path, sink);
      else if (is_github_workflow(document, path)) extract_github_workflow(document, path, templated ? std::string_view(rendered) : file.content, sink);
      else if (is_kubernetes_document(document)) extract_kubernetes(document, path, sink, templated);
      else if (is_compose_document(document, path)) extract_compose(document, path, sink);
      else if (is_conda_environment(document)) extract_conda_environment(document, path, sink);
      extract_config_urls(document, path, sink);
      extract_iam_statements(document, path, sink);
    } catch (const YAML::Exception& error) {
      sink.diagnose(DiagnosticLevel::warning, "unexpected-structure",
                    Location{path, static_cast<uint32_t>(error.mark.line + 1), static_cast<uint32_t>(error.mark.column + 1)},
                    "a value does not have the shape this kind of file gives it (" + error.msg +
                        "); the rest of this document was not analysed");
    }
  }
}

}  // namespace mlaudit
