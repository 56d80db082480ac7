#include "facts/package_name.h"

#include "util/text.h"

namespace mlaudit {

std::string normalise_package_name(std::string_view name) {
  std::string normalised = to_lower(trim(name));
  for (auto& c : normalised)
    if (c == '_' || c == '.') c = '-';
  return normalised;
}

}  // namespace mlaudit
