#pragma once
// What the scan tells the user about itself: files it skipped and problems it met.
// Both end up in SARIF toolExecutionNotifications and in the HTML report.
#include <string>

#include "facts/location.h"

namespace mlaudit {

enum class DiagnosticLevel { note, warning, error };

struct Diagnostic {
  DiagnosticLevel level = DiagnosticLevel::warning;
  std::string code;      // stable id, e.g. "parse-error", "unreadable", "suppression-without-reason"
  Location location;
  std::string message;   // names the problem in plain words
};

std::string_view to_string(DiagnosticLevel level);

}  // namespace mlaudit
