#include "walk/ignore_rules.h"

#include "util/glob.h"
#include "util/text.h"

namespace mlaudit {

std::optional<IgnorePattern> IgnoreRules::parse_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Trailing spaces are ignored unless escaped with a backslash.
  while (!line.empty() && line.back() == ' ' && !(line.size() >= 2 && line[line.size() - 2] == '\\'))
    line.remove_suffix(1);
  if (line.empty() || line.front() == '#') return std::nullopt;
  IgnorePattern pattern;
  if (line.front() == '!') {
    pattern.negated = true;
    line.remove_prefix(1);
  } else if (line.starts_with("\\!") || line.starts_with("\\#")) {
    line.remove_prefix(1);
  }
  if (!line.empty() && line.back() == '/') {
    pattern.directory_only = true;
    line.remove_suffix(1);
  }
  if (line.empty()) return std::nullopt;
  if (line.front() == '/') {
    pattern.anchored = true;
    line.remove_prefix(1);
  }
  if (line.find('/') != std::string_view::npos) pattern.anchored = true;
  pattern.glob = std::string(line);
  return pattern;
}

void IgnoreRules::add_file(std::string_view content, std::string_view base, std::string_view origin_path) {
  uint32_t number = 0;
  for (auto line : split(content, '\n')) {
    ++number;
    auto pattern = parse_line(line);
    if (!pattern) continue;
    pattern->base = std::string(base);
    pattern->origin = std::string(origin_path) + ":" + std::to_string(number);
    patterns_.push_back(std::move(*pattern));
  }
}

void IgnoreRules::add_pattern(std::string_view text, std::string_view origin) {
  auto pattern = parse_line(text);
  if (!pattern) return;
  pattern->origin = std::string(origin);
  patterns_.push_back(std::move(*pattern));
}

const IgnorePattern* IgnoreRules::last_match(std::string_view path, bool is_directory) const {
  const IgnorePattern* decision = nullptr;
  for (const auto& pattern : patterns_) {
    if (pattern.directory_only && !is_directory) continue;
    std::string_view relative = path;
    if (!pattern.base.empty()) {
      if (!(path.starts_with(pattern.base) && path.size() > pattern.base.size() && path[pattern.base.size()] == '/'))
        continue;
      relative = path.substr(pattern.base.size() + 1);
    }
    bool matches;
    if (pattern.anchored) {
      matches = glob_match(pattern.glob, relative);
    } else {
      auto slash = relative.rfind('/');
      matches = glob_match(pattern.glob, slash == std::string_view::npos ? relative : relative.substr(slash + 1));
    }
    if (matches) decision = &pattern;
  }
  return decision;
}

std::optional<const IgnorePattern*> IgnoreRules::ignored_by(std::string_view path, bool is_directory) const {
  const IgnorePattern* decision = last_match(path, is_directory);
  if (decision == nullptr || decision->negated) return std::nullopt;
  return decision;
}

}  // namespace mlaudit
