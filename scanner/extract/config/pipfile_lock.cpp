// Pipfile.lock: the exact versions pipenv installs.
#include "extract/config/dependency_spec.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"

namespace mlaudit {

bool is_pipfile_lock(std::string_view file) { return file == "Pipfile.lock" || file.ends_with("/Pipfile.lock"); }

void extract_pipfile_lock(const YAML::Node& document, const std::string& file, FactSink& sink) {
  for (const char* section : {"default", "develop"}) {
    YAML::Node packages = at(document, {section});
    if (!packages.IsMap()) continue;
    for (const auto& entry : packages) {
      auto version = scalar(at(entry.second, {"version"}));
      if (!version || !version->starts_with("==")) continue;   // git / path entries carry no version
      DependencySpec spec = locked_dependency(entry.first.Scalar(), version->substr(2), "Pipfile.lock");
      spec.development = std::string_view(section) == "develop";
      sink.add(FactType::dependency, location_of(entry.first, file), dependency_props(spec, "pypi", file));
    }
  }
}

}  // namespace mlaudit
