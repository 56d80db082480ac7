#include "findings/baseline.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace mlaudit {

bool Baseline::contains(const std::string& fingerprint, const std::string& rule_id, const std::string& uri,
                        const std::string& line_hash) const {
  if (fingerprints.contains(fingerprint)) return true;
  return !line_hash.empty() && line_keys.contains(rule_id + "|" + uri + "|" + line_hash);
}

Baseline read_baseline(const std::filesystem::path& sarif_file) {
  std::ifstream stream(sarif_file);
  if (!stream) throw std::runtime_error(sarif_file.string() + ": cannot open baseline file");
  nlohmann::ordered_json sarif = nlohmann::ordered_json::parse(stream, nullptr, false);
  if (sarif.is_discarded() || !sarif.is_object() || !sarif.contains("runs") || !sarif["runs"].is_array())
    throw std::runtime_error(sarif_file.string() + ": not a SARIF file (no runs array)");
  Baseline baseline;
  for (const auto& run : sarif["runs"]) {
    for (const auto& result : run.value("results", nlohmann::ordered_json::array())) {
      const auto& fingerprints = result.value("partialFingerprints", nlohmann::ordered_json::object());
      if (fingerprints.contains(kFingerprintKey)) baseline.fingerprints.insert(fingerprints[kFingerprintKey].get<std::string>());
      if (fingerprints.contains("primaryLocationLineHash") && result.contains("locations") && !result["locations"].empty()) {
        std::string uri = result["locations"][0]["physicalLocation"]["artifactLocation"].value("uri", "");
        baseline.line_keys.insert(result.value("ruleId", "") + "|" + uri + "|" +
                                  fingerprints["primaryLocationLineHash"].get<std::string>());
      }
    }
  }
  return baseline;
}

}  // namespace mlaudit
