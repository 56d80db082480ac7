#include "extract/python/io_signatures.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

#include "util/embedded_files.h"

namespace mlaudit::python {
namespace {

constexpr std::string_view kCatalogPath = "scanner/extract/python/io_signatures.yml";

ArgumentSpec parse_spec(const YAML::Node& node) {
  ArgumentSpec spec;
  if (!node || !node.IsMap()) return spec;
  if (node["arg"]) spec.position = node["arg"].as<int>();
  if (auto keyword = node["kwarg"]) {
    if (keyword.IsSequence())
      for (const auto& k : keyword) spec.keywords.push_back(k.as<std::string>());
    else
      spec.keywords.push_back(keyword.as<std::string>());
  }
  if (node["handle"]) spec.handle = node["handle"].as<bool>();
  if (node["receiver_literal"]) spec.receiver_literal = node["receiver_literal"].as<int>();
  if (node["fixed"]) spec.fixed = node["fixed"].as<std::string>();
  if (node["downloaded"]) spec.downloaded = node["downloaded"].as<bool>();
  return spec;
}

std::optional<KeywordCondition> parse_condition(const YAML::Node& node) {
  if (!node) return std::nullopt;
  KeywordCondition condition;
  condition.keyword = node["kwarg"].as<std::string>();
  if (node["position"]) condition.position = node["position"].as<int>();
  auto equals = node["equals"];
  if (equals.IsScalar()) {
    const auto& text = equals.Scalar();
    if (text == "true") condition.equals = true;
    else if (text == "false") condition.equals = false;
    else condition.equals = text;
  }
  return condition;
}

}  // namespace

const IoCatalog& IoCatalog::get() {
  static const IoCatalog catalog = [] {
    IoCatalog built;
    auto text = embedded_file(kCatalogPath);
    if (!text) throw std::logic_error("io signature catalog is not embedded");
    YAML::Node root = YAML::Load(std::string(*text));
    for (const auto& entry : root["signatures"]) {
      IoSignature signature;
      auto string_of = [&](const char* key) { return entry[key] ? entry[key].as<std::string>() : std::string(); };
      signature.callee = string_of("callee");
      signature.method = string_of("method");
      signature.direction = string_of("direction");
      signature.scheme = string_of("scheme");
      signature.kind = string_of("kind");
      signature.format = string_of("format");
      signature.artifact = string_of("artifact");
      signature.deserializes = string_of("deserializes");
      if (entry["extensions"])
        for (const auto& extension : entry["extensions"]) signature.extensions.push_back(extension.as<std::string>());
      signature.target = parse_spec(entry["target"]);
      signature.bucket = parse_spec(entry["bucket"]);
      signature.key = parse_spec(entry["key"]);
      signature.safe_when = parse_condition(entry["safe_when"]);
      signature.only_when = parse_condition(entry["only_when"]);
      size_t index = built.signatures_.size();
      if (!signature.callee.empty()) built.by_callee_.emplace(signature.callee, index);
      if (!signature.method.empty()) built.by_method_.emplace(signature.method, index);
      built.signatures_.push_back(std::move(signature));
    }
    for (const auto& entry : root["hosted_model_clients"])
      built.hosted_models_.emplace(entry["client"].as<std::string>(), entry["host"].as<std::string>());
    for (const auto& method : root["model_calls"]) built.model_calls_.push_back(method.as<std::string>());
    for (const auto& method : root["chain_calls"]) built.chain_calls_.push_back(method.as<std::string>());
    return built;
  }();
  return catalog;
}

std::string IoCatalog::hosted_model_host(std::string_view client_class) const {
  auto found = hosted_models_.find(std::string(client_class));
  return found == hosted_models_.end() ? std::string() : found->second;
}

bool IoCatalog::is_model_call(std::string_view method) const {
  return std::find(model_calls_.begin(), model_calls_.end(), method) != model_calls_.end();
}

bool IoCatalog::is_chain_call(std::string_view method) const {
  return std::find(chain_calls_.begin(), chain_calls_.end(), method) != chain_calls_.end();
}

std::vector<const IoSignature*> IoCatalog::lookup(std::string_view callee, std::string_view method) const {
  std::vector<const IoSignature*> found;
  auto [begin, end] = by_callee_.equal_range(std::string(callee));
  for (auto it = begin; it != end; ++it) found.push_back(&signatures_[it->second]);
  if (!found.empty() || method.empty()) return found;
  auto [method_begin, method_end] = by_method_.equal_range(std::string(method));
  for (auto it = method_begin; it != method_end; ++it) found.push_back(&signatures_[it->second]);
  return found;
}

}  // namespace mlaudit::python
