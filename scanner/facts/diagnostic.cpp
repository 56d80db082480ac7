#include "facts/diagnostic.h"

namespace mlaudit {

std::string_view to_string(DiagnosticLevel level) {
  switch (level) {
    case DiagnosticLevel::note: return "note";
    case DiagnosticLevel::warning: return "warning";
    case DiagnosticLevel::error: return "error";
  }
  return "warning";
}

}  // namespace mlaudit
