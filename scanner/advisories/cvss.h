#pragma once
// CVSS base scores from the vectors advisories carry (FIRST's CVSS v3.0 / v3.1 and v2
// specifications) and the qualitative rating each version defines. CVSS v4 vectors are
// not scored here: their score comes from a lookup table of the v4 specification, so an
// advisory with only a v4 vector takes the database's own rating when it has one.
#include <optional>
#include <string>
#include <string_view>

namespace mlaudit::cvss {

struct Score {
  double base = 0;        // 0.0 - 10.0
  std::string rating;     // "critical", "high", "medium", "low" or "none"
  std::string version;    // "3.1", "3.0" or "2.0"
};

// nullopt when the vector is malformed or of a version not scored here.
std::optional<Score> score(std::string_view vector);

// The CVSS v3 rating of a base score: none 0, low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9,
// critical 9.0-10.0.
std::string rating_v3(double base);

}  // namespace mlaudit::cvss
