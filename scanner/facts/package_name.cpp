#include "facts/package_name.h"

#include <cctype>

#include "util/text.h"

namespace mlaudit {

// PEP 503: re.sub(r"[-_.]+", "-", name).lower().
std::string normalise_package_name(std::string_view name) {
  std::string normalised;
  for (char c : trim(name)) {
    if (c == '-' || c == '_' || c == '.') {
      if (normalised.empty() || normalised.back() != '-') normalised += '-';
      continue;
    }
    normalised += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return normalised;
}

}  // namespace mlaudit
