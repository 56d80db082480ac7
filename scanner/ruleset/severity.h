#pragma once
#include <optional>
#include <string_view>

namespace mlaudit {

enum class Severity { info, low, medium, high, critical };
enum class Confidence { low, medium, high };

std::string_view to_string(Severity severity);
std::string_view to_string(Confidence confidence);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<Confidence> parse_confidence(std::string_view text);

// SARIF result level and GitHub security-severity score for a severity.
std::string_view sarif_level(Severity severity);
std::string_view security_severity_score(Severity severity);

}  // namespace mlaudit
