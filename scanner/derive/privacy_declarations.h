#pragma once
// The privacy overlay of .mlaudit.yml (processing, datasets, recipients, trust boundaries)
// as privacy_declaration facts, located at the line that declares them, so the diagram,
// the rules and the privacy record read declarations like any other fact.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "facts/fact.h"

namespace mlaudit {

// One declaration of the project's privacy overlay: scope "processing" (target empty),
// "dataset" (a path), "recipient" (a host, bucket or service name) or "zone" (a trust
// boundary; target is the zone).
struct PrivacyDeclaration {
  std::string scope, target;
  nlohmann::ordered_json props;
  uint32_t line = 0;
};

// `config_file`: the configuration file as facts name it (relative to the scan root).
std::vector<Fact> declaration_facts(const std::string& config_file, std::span<const PrivacyDeclaration> declarations);

}  // namespace mlaudit
