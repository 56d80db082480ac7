#include <yaml-cpp/yaml.h>

#include "extract/config/config_extractors.h"
#include "extract/config/yaml_flavours.h"

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
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(file.content));
  } catch (const YAML::Exception& error) {
    Location location{path};
    if (error.mark.line >= 0) {
      location.line = static_cast<uint32_t>(error.mark.line + 1);
      location.column = static_cast<uint32_t>(error.mark.column + 1);
    }
    sink.diagnose(DiagnosticLevel::warning, "parse-error", location,
                  std::string(file.sniffed.kind == FileKind::json ? "invalid JSON: " : "invalid YAML: ") + error.msg);
    return;
  }
  for (const auto& document : documents) {
    if (!document || document.IsNull()) continue;
    if (is_pipfile_lock(path)) {
      extract_pipfile_lock(document, path, sink);
      continue;   // index URLs and hashes only besides the versions
    }
    if (is_dvc_document(path)) extract_dvc(document, path, sink);
    else if (is_mlflow_model(path)) extract_mlflow_model(document, path, sink);
    else if (is_github_workflow(document, path)) extract_github_workflow(document, path, sink);
    else if (is_kubernetes_document(document)) extract_kubernetes(document, path, sink);
    else if (is_compose_document(document, path)) extract_compose(document, path, sink);
    else if (is_conda_environment(document)) extract_conda_environment(document, path, sink);
    extract_config_urls(document, path, sink);
  }
}

}  // namespace mlaudit
