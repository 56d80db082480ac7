#include "extract/config/config_extractors.h"
#include "extract/config/dependency_spec.h"
#include "util/text.h"

namespace mlaudit {

void RequirementsExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  uint32_t number = 0;
  std::string pending;      // a requirement continued with a trailing backslash
  uint32_t pending_line = 0;
  for (auto line : split_lines(file.content)) {
    ++number;
    std::string_view text = line;
    if (pending.empty()) pending_line = number;
    if (!text.empty() && text.back() == '\\') {
      pending += std::string(text.substr(0, text.size() - 1)) + " ";
      continue;
    }
    pending += std::string(text);
    std::string requirement = std::move(pending);
    pending.clear();
    // --hash options travel on the same logical line; drop them before parsing.
    if (auto option = requirement.find(" --"); option != std::string::npos) requirement.resize(option);
    auto trimmed = trim(requirement);
    if (trimmed.starts_with("-r ") || trimmed.starts_with("--requirement") || trimmed.starts_with("-c ")) continue;
    auto spec = parse_pip_requirement(trimmed);
    if (!spec) continue;
    auto column = static_cast<uint32_t>(line.find_first_not_of(" \t") + 1);
    sink.add(FactType::dependency, Location{path, pending_line, column}, dependency_props(*spec, "pypi", path));
  }
}

}  // namespace mlaudit
