#include "extract/config/config_values.h"
#include "extract/config/dependency_spec.h"
#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"
#include "util/text.h"

namespace mlaudit {

bool is_mlflow_model(std::string_view file) { return file == "MLmodel" || file.ends_with("/MLmodel"); }

void extract_mlflow_model(const YAML::Node& document, const std::string& file, FactSink& sink) {
  if (!document.IsMap()) return;
  nlohmann::ordered_json flavors = nlohmann::ordered_json::array();
  std::string loader, serialization;
  if (at(document, {"flavors"}) && at(document, {"flavors"}).IsMap()) {
    for (const auto& flavor : at(document, {"flavors"})) {
      flavors.push_back(flavor.first.Scalar());
      if (at(flavor.second, {"loader_module"})) loader = scalar_or(at(flavor.second, {"loader_module"}), "");
      if (at(flavor.second, {"serialization_format"}))
        serialization = scalar_or(at(flavor.second, {"serialization_format"}), "");
      if (at(flavor.second, {"pickled_model"}) && serialization.empty()) serialization = "pickle";
    }
  }
  sink.add(FactType::mlflow_model, location_of(at(document, {"flavors"}) ? at(document, {"flavors"}) : document, file),
           {{"flavors", flavors},
            {"loader_module", loader},
            {"serialization_format", serialization},
            {"pickle_based", serialization == "cloudpickle" || serialization == "pickle"},
            {"run_id", scalar_or(at(document, {"run_id"}), "")}});
}

bool is_conda_environment(const YAML::Node& document) {
  return document.IsMap() && at(document, {"dependencies"}) && at(document, {"dependencies"}).IsSequence() &&
         (at(document, {"name"}) || at(document, {"channels"}));
}

void extract_conda_environment(const YAML::Node& document, const std::string& file, FactSink& sink) {
  for (const auto& item : at(document, {"dependencies"})) {
    if (item.IsScalar()) {
      if (auto spec = parse_conda_requirement(item.Scalar()))
        sink.add(FactType::dependency, location_of(item, file), dependency_props(*spec, "conda", file));
    } else if (item.IsMap() && at(item, {"pip"}) && at(item, {"pip"}).IsSequence()) {
      for (const auto& pip : at(item, {"pip"}))
        if (auto spec = parse_pip_requirement(scalar_or(pip, ""), "conda"))
          sink.add(FactType::dependency, location_of(pip, file), dependency_props(*spec, "pypi", file));
    }
  }
}

void extract_config_urls(const YAML::Node& document, const std::string& file, FactSink& sink) {
  walk_scalars(document, [&](const std::string& path, const YAML::Node& node) {
    const std::string& value = node.Scalar();
    std::string scheme = url_scheme(value);
    if (scheme.empty()) return;
    std::string url = strip_userinfo(trim(value));
    std::string lowered = to_lower(path);
    sink.add(FactType::config_url, location_of(node, file),
             {{"key", path}, {"url", truncate_utf8(url, 300)}, {"scheme", scheme}});
    if (lowered.find("tracking_uri") != std::string::npos || lowered.find("mlflow") != std::string::npos)
      sink.add(FactType::tracking_uri, location_of(node, file),
               {{"uri", truncate_utf8(url, 300)}, {"scheme", scheme}, {"source", "config:" + path}});
  });
}

}  // namespace mlaudit
