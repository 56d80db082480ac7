#include "extract/config/yaml_flavours.h"
#include "extract/config/yaml_support.h"

namespace mlaudit {
namespace {

std::string base_name(std::string_view file) {
  auto slash = file.rfind('/');
  return std::string(slash == std::string_view::npos ? file : file.substr(slash + 1));
}

std::string folder_of(std::string_view file) {
  auto slash = file.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(file.substr(0, slash + 1));
}

// deps/outs entries are either "path" or {path: {options}} or {path: ..., md5: ...}.
std::vector<std::string> paths_of(const YAML::Node& list) {
  std::vector<std::string> paths;
  if (!list || !list.IsSequence()) return paths;
  for (const auto& item : list) {
    if (item.IsScalar()) paths.push_back(item.Scalar());
    else if (item.IsMap() && at(item, {"path"})) paths.push_back(scalar_or(at(item, {"path"}), ""));
    else if (item.IsMap() && item.size() == 1) paths.push_back(item.begin()->first.Scalar());
  }
  return paths;
}

void add_tracked(const YAML::Node& entry, const std::string& folder, const std::string& stage, const std::string& file,
                 FactSink& sink) {
  std::string path = scalar_or(at(entry, {"path"}), "");
  if (path.empty()) return;
  std::string md5 = scalar_or(entry["md5"], scalar_or(at(entry, {"hash"}), ""));
  sink.add(FactType::dvc_tracked, location_of(entry, file),
           {{"path", folder + path}, {"md5", md5}, {"stage", stage}, {"size", scalar_or(at(entry, {"size"}), "")},
            {"is_directory", md5.ends_with(".dir")},
            // DVC 3 writes `hash: md5` and hashes raw bytes; DVC 2 hashed text files after CRLF -> LF.
            {"hash_scheme", scalar_or(at(entry, {"hash"}), "") == "md5" ? "md5" : "md5-dos2unix"}});
}

}  // namespace

bool is_dvc_document(std::string_view file) {
  std::string name = base_name(file);
  return name == "dvc.yaml" || name == "dvc.yml" || name == "dvc.lock" || name.ends_with(".dvc");
}

void extract_dvc(const YAML::Node& document, const std::string& file, FactSink& sink) {
  std::string name = base_name(file);
  std::string folder = folder_of(file);
  if (!document.IsMap()) return;
  if (name.ends_with(".dvc")) {
    if (at(document, {"outs"}) && at(document, {"outs"}).IsSequence())
      for (const auto& out : at(document, {"outs"})) add_tracked(out, folder, "", file, sink);
    return;
  }
  YAML::Node stages = at(document, {"stages"});
  if (!stages || !stages.IsMap()) return;
  for (const auto& stage_entry : stages) {
    std::string stage = stage_entry.first.Scalar();
    const YAML::Node& body = stage_entry.second;
    if (!body.IsMap()) continue;
    if (name == "dvc.lock") {
      for (const char* group : {"deps", "outs"})
        if (body[group] && body[group].IsSequence())
          for (const auto& entry : body[group]) add_tracked(entry, folder, stage, file, sink);
      continue;
    }
    std::string command;
    if (at(body, {"cmd"}).IsScalar()) command = at(body, {"cmd"}).Scalar();
    else if (at(body, {"cmd"}).IsSequence())
      for (const auto& part : at(body, {"cmd"})) command += scalar_or(part, "") + "\n";
    nlohmann::ordered_json deps = nlohmann::ordered_json::array(), outs = nlohmann::ordered_json::array();
    for (const auto& path : paths_of(at(body, {"deps"}))) deps.push_back(folder + path);
    for (const char* group : {"outs", "metrics", "plots"})
      for (const auto& path : paths_of(body[group])) outs.push_back(folder + path);
    sink.add(FactType::dvc_stage, location_of(stage_entry.first, file),
             {{"name", stage}, {"cmd", command}, {"deps", deps}, {"outs", outs}, {"folder", folder}});
  }
}

}  // namespace mlaudit
