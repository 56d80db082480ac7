#include "ruleset/severity.h"

namespace mlaudit {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "medium";
}

std::string_view to_string(Confidence confidence) {
  switch (confidence) {
    case Confidence::low: return "low";
    case Confidence::medium: return "medium";
    case Confidence::high: return "high";
  }
  return "medium";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity severity : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical})
    if (text == to_string(severity)) return severity;
  return std::nullopt;
}

std::optional<Confidence> parse_confidence(std::string_view text) {
  for (Confidence confidence : {Confidence::low, Confidence::medium, Confidence::high})
    if (text == to_string(confidence)) return confidence;
  return std::nullopt;
}

std::string_view sarif_level(Severity severity) {
  switch (severity) {
    case Severity::critical: case Severity::high: return "error";
    case Severity::medium: return "warning";
    default: return "note";
  }
}

std::string_view security_severity_score(Severity severity) {
  switch (severity) {
    case Severity::critical: return "9.5";
    case Severity::high: return "8.0";
    case Severity::medium: return "5.5";
    case Severity::low: return "2.0";
    case Severity::info: return "0.0";
  }
  return "5.5";
}

}  // namespace mlaudit
