#pragma once
// A previous SARIF report used as a baseline: findings already in it are not new.
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_set>

namespace mlaudit {

inline constexpr const char* kFingerprintKey = "mlauditFingerprint/v1";

struct Baseline {
  std::unordered_set<std::string> fingerprints;   // mlaudit fingerprints
  std::unordered_set<std::string> line_keys;      // ruleId|uri|primaryLocationLineHash for other tools' files
  bool contains(const std::string& fingerprint, const std::string& rule_id, const std::string& uri,
                const std::string& line_hash) const;
};

// Reads the baseline; throws std::runtime_error naming the file and the problem.
Baseline read_baseline(const std::filesystem::path& sarif_file);

}  // namespace mlaudit
