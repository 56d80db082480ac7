#pragma once
// A rule's verdict on one place in the project, with everything reports need.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "ruleset/rule.h"
#include "facts/location.h"

namespace mlaudit {

struct RelatedLocation {
  Location location;
  std::string message;
  bool merged = false;  // a finding of the same root cause folded into this one (a rule's `merge:`)
};

struct Suppression {
  std::string kind;           // "inSource" (a # mlaudit: ignore comment) or "external" (config)
  std::string justification;  // the reason written with it
  Location location;          // where the suppression is written
};

struct Finding {
  const Rule* rule = nullptr;
  Severity severity = Severity::medium;   // after severity overrides
  Location location;
  std::string message;
  std::vector<RelatedLocation> related;
  std::vector<RelatedLocation> path;      // ordered steps of a data-flow path (SARIF codeFlow)
  nlohmann::ordered_json evidence = nlohmann::ordered_json::object();
  std::string subject;                    // what matched beyond its location (element or path ids)
  std::vector<std::string> elements;      // ids of the DFD elements involved, for drawing
  std::string snippet;                    // source text of the primary region, secrets masked
  std::string fingerprint;                // mlaudit/v1: stable across line shifts
  std::string line_hash;                  // GitHub's primaryLocationLineHash
  std::optional<Suppression> suppression;
};

}  // namespace mlaudit
