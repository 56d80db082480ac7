// The one list of extractors. Order matters only for the order of facts in a file.
#include "extract/config/config_extractors.h"
#include "extract/data/dataset_extractor.h"
#include "extract/extractor.h"
#include "extract/model/chat_template_extractor.h"
#include "extract/model/model_artifact_extractor.h"
#include "extract/notebook/notebook_extractor.h"
#include "extract/python/io_signatures.h"
#include "extract/python/python_extractor.h"
#include "extract/python/syntax_tree.h"
#include "extract/secrets/secrets_extractor.h"
#include "extract/xml/xml_extractor.h"

namespace mlaudit {

std::vector<std::unique_ptr<Extractor>> make_extractors() {
  std::vector<std::unique_ptr<Extractor>> extractors;
  extractors.push_back(std::make_unique<PythonExtractor>());
  extractors.push_back(std::make_unique<NotebookExtractor>());
  extractors.push_back(std::make_unique<YamlConfigExtractor>());
  extractors.push_back(std::make_unique<TomlConfigExtractor>());
  extractors.push_back(std::make_unique<IniConfigExtractor>());
  extractors.push_back(std::make_unique<DockerfileExtractor>());
  extractors.push_back(std::make_unique<RequirementsExtractor>());
  extractors.push_back(std::make_unique<SetupPyExtractor>());
  extractors.push_back(std::make_unique<EnvFileExtractor>());
  extractors.push_back(std::make_unique<ShellScriptExtractor>());
  extractors.push_back(std::make_unique<DatasetExtractor>());
  extractors.push_back(std::make_unique<ModelArtifactExtractor>());
  extractors.push_back(std::make_unique<ChatTemplateExtractor>());
  extractors.push_back(std::make_unique<XmlExtractor>());
  extractors.push_back(std::make_unique<SecretsExtractor>());
  return extractors;
}

}  // namespace mlaudit

namespace mlaudit {

void prepare_extractors() {
  python::IoCatalog::get();
  python::Grammar::get();
  prepare_secret_patterns();
}

}  // namespace mlaudit
