// Keras models: the layer configuration of a Keras v3 archive (config.json) or of a legacy
// HDF5 file (its `model_config` attribute). Lambda layers carry Python bytecode that
// load_model runs; layers from modules outside Keras need that module's code on load.
//
// HDF5 files are not opened with libhdf5: it is not built to withstand hostile files and
// we need one JSON attribute, which h5py stores as a contiguous string. We look for the
// configuration's opening `{"class_name":`, take the balanced JSON text that follows and
// let nlohmann::json parse it.
#include <algorithm>
#include <functional>

#include "extract/model/artifact_analyzer.h"

namespace mlaudit::model {
namespace {

// Every balanced {...} that opens with `opening` inside the object starting at `start`,
// found in one pass (JSON strings respected): nested configurations are seen without
// rescanning, so the search stays linear however many openings a file repeats.
struct BalancedObjects {
  std::vector<std::pair<size_t, size_t>> objects;  // (start, length), by start
  size_t scanned_to = 0;                           // where the pass stopped
};
BalancedObjects balanced_objects(std::string_view text, size_t start, size_t limit, std::string_view opening) {
  constexpr size_t kMaxDepth = 4096;
  constexpr size_t kMaxObjects = 10000;
  BalancedObjects found;
  std::vector<std::pair<size_t, bool>> open;  // position, opens with `opening`
  bool in_string = false;
  size_t i = start;
  for (; i < text.size() && i - start < limit; ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (open.size() >= kMaxDepth) break;
      open.emplace_back(i, text.substr(i).starts_with(opening));
    } else if (c == '}' && !open.empty()) {
      auto [position, candidate] = open.back();
      open.pop_back();
      if (candidate && found.objects.size() < kMaxObjects) found.objects.emplace_back(position, i - position + 1);
      if (open.empty()) {
        ++i;
        break;
      }
    } else if (c == '\0') {
      break;
    }
  }
  found.scanned_to = std::max(i, start + 1);
  std::sort(found.objects.begin(), found.objects.end());
  return found;
}

std::string string_at(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

void ArtifactAnalyzer::analyze_keras_config(std::string_view json, const std::string& member) {
  auto config = nlohmann::json::parse(json, nullptr, false);
  if (config.is_discarded()) return issue("keras-malformed", "the Keras model configuration is not valid JSON", member);
  size_t layers = 0;
  std::function<void(const nlohmann::json&, int)> visit = [&](const nlohmann::json& node, int depth) {
    if (depth > 64) return;
    if (node.is_array()) {
      for (const auto& child : node) visit(child, depth + 1);
      return;
    }
    if (!node.is_object()) return;
    std::string class_name = string_at(node, "class_name");
    auto layer_config = node.find("config");
    if (!class_name.empty() && layer_config != node.end() && layer_config->is_object()) {
      ++layers;
      std::string module = string_at(node, "module");
      std::string registered = string_at(node, "registered_name");
      std::string layer_name = string_at(*layer_config, "name");
      std::string kind;
      size_t code_bytes = 0;
      std::string function_text = "no function recorded";
      if (class_name == "Lambda") {
        kind = "lambda";
        // Keras 2: "function": [base64 marshal, defaults, closure]; Keras 3: {"class_name": "__lambda__", "config": {"code": ...}};
        // hand-written configurations also give Python source or a function's name as a plain string.
        if (auto function = layer_config->find("function"); function != layer_config->end()) {
          if (function->is_array() && !function->empty() && (*function)[0].is_string()) {
            code_bytes = (*function)[0].get_ref<const std::string&>().size();
            function_text = std::to_string(code_bytes) + " bytes of marshalled Python bytecode (base64)";
          } else if (function->is_object() && function->contains("config") && (*function)["config"].is_object()) {
            code_bytes = string_at((*function)["config"], "code").size();
            function_text = std::to_string(code_bytes) + " bytes of serialized Python code";
          } else if (function->is_string()) {
            const std::string& text = function->get_ref<const std::string&>();
            code_bytes = text.size();
            std::string excerpt = text.size() > 80 ? text.substr(0, 77) + "..." : text;
            bool source = text.find("lambda") != std::string::npos || text.find('(') != std::string::npos ||
                          string_at(*layer_config, "function_type") == "lambda";
            function_text = source ? "Python source `" + excerpt + "`" : "the function named `" + excerpt + "`";
          }
        }
      } else if ((!module.empty() && !module.starts_with("keras") && !module.starts_with("tensorflow") &&
                  module != "builtins") ||
                 registered.find('>') != std::string::npos) {
        kind = "custom";
      }
      if (!kind.empty() && class_name != "__lambda__") {
        nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
        props["kind"] = kind;
        props["class_name"] = class_name;
        props["layer"] = layer_name;
        props["module"] = module;
        props["registered_name"] = registered;
        props["code_bytes"] = code_bytes;
        props["function"] = kind == "lambda" ? function_text : std::string();
        props["member"] = member;
        props["where"] = member.empty() ? "layer `" + layer_name + "`" : member + ", layer `" + layer_name + "`";
        sink_.add(FactType::keras_layer, location(member, -1), std::move(props));
      }
    }
    for (const auto& [key, child] : node.items())
      if (child.is_structured()) visit(child, depth + 1);
  };
  visit(config, 0);
  summary_.detail = std::to_string(layers) + " Keras objects configured";
}

void ArtifactAnalyzer::analyze_hdf5(std::string_view bytes, const std::string& member) {
  static constexpr std::string_view opening = "{\"class_name\":";
  static constexpr size_t max_config_bytes = 64u << 20;
  static constexpr size_t max_parses = 64;  // JSON parses of candidate configurations per file
  bool found = false;
  size_t parses = 0;
  for (size_t at = bytes.find(opening); at != std::string_view::npos && parses < max_parses;) {
    BalancedObjects objects = balanced_objects(bytes, at, max_config_bytes, opening);
    size_t accepted_end = 0;
    for (const auto& [start, length] : objects.objects) {
      if (start < accepted_end) continue;  // inside a configuration already analysed
      if (++parses > max_parses) {
        issue("archive-limit", "more than " + std::to_string(max_parses) +
                                   " candidate Keras configurations: the rest of the file was not searched",
              member);
        break;
      }
      std::string_view text = bytes.substr(start, length);
      auto parsed = nlohmann::json::parse(text, nullptr, false);
      if (parsed.is_discarded() || !parsed.contains("config")) continue;
      found = true;
      analyze_keras_config(text, member);
      accepted_end = start + length;
    }
    at = bytes.find(opening, objects.scanned_to);
  }
  if (!found && summary_.detail.empty()) summary_.detail = "no Keras model configuration (weights only, or not a Keras file)";
}

}  // namespace mlaudit::model
