#include <re2/re2.h>

#include <filesystem>

#include "extract/config/config_extractors.h"
#include "extract/config/dependency_spec.h"
#include "util/text.h"

namespace mlaudit {
namespace {

// "-r base.txt", "-rbase.txt", "--requirement=base.txt", "-c constraints.txt", ...
std::optional<std::pair<std::string, std::string>> include_of(std::string_view line) {
  static const RE2 pattern(R"(^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|)(\S+)$)");
  std::string option, path;
  if (!RE2::FullMatch(line, pattern, &option, &path)) return std::nullopt;
  bool constraints = option == "-c" || option == "--constraint";
  return std::make_pair(std::string(constraints ? "constraints" : "requirements"), path);
}

// The included file's path relative to the scan root ('/'-separated); pip resolves it
// against the including file's folder.
std::string resolve_target(const std::string& including, const std::string& path) {
  std::filesystem::path base = std::filesystem::path(including).parent_path();
  return (base / path).lexically_normal().generic_string();
}

}  // namespace

void RequirementsExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  std::string base_name = to_lower(std::filesystem::path(path).filename().string());
  std::string source = base_name.starts_with("constraints") ? "constraints" : "requirements";
  const bool development = is_development_requirements_file(path);
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
    if (auto hash = requirement.find(" #"); hash != std::string::npos) requirement.resize(hash);
    auto trimmed = std::string(trim(requirement));
    auto column = static_cast<uint32_t>(line.find_first_not_of(" \t") + 1);
    if (auto include = include_of(trimmed)) {
      sink.add(FactType::requirement_include, Location{path, pending_line, column},
               {{"kind", include->first}, {"path", include->second}, {"target", resolve_target(path, include->second)}});
      continue;
    }
    // --hash options travel on the same logical line; drop them before parsing.
    if (auto option = trimmed.find(" --"); option != std::string::npos) trimmed.resize(option);
    auto spec = parse_pip_requirement(trimmed, source);
    if (!spec) continue;
    spec->development = development;
    sink.add(FactType::dependency, Location{path, pending_line, column}, dependency_props(*spec, "pypi", path));
  }
}

}  // namespace mlaudit
