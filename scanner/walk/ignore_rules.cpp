#include "walk/ignore_rules.h"

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

void IgnoreRules::add(IgnorePattern pattern, Dropped& dropped) {
  if (pattern.glob.size() > max_pattern_bytes_) {
    ++dropped.too_long;
    return;
  }
  if (patterns_.size() >= max_patterns_) {
    ++dropped.over_count;
    return;
  }
  pattern.matcher = Glob(pattern.glob);
  patterns_.push_back(std::move(pattern));
}

IgnoreRules::Dropped IgnoreRules::add_file(std::string_view content, std::string_view base, std::string_view origin_path) {
  Dropped dropped;
  uint32_t number = 0;
  for (auto line : split(content, '\n')) {
    ++number;
    auto pattern = parse_line(line);
    if (!pattern) continue;
    pattern->base = std::string(base);
    pattern->origin = std::string(origin_path) + ":" + std::to_string(number);
    add(std::move(*pattern), dropped);
  }
  return dropped;
}

IgnoreRules::Dropped IgnoreRules::add_pattern(std::string_view text, std::string_view origin) {
  Dropped dropped;
  auto pattern = parse_line(text);
  if (!pattern) return dropped;
  pattern->origin = std::string(origin);
  add(std::move(*pattern), dropped);
  return dropped;
}

const IgnorePattern* IgnoreRules::last_match(std::string_view path, bool is_directory) const {
  // The last pattern that matches decides: search from the end and stop at the first match.
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    const IgnorePattern& pattern = *it;
    if (pattern.directory_only && !is_directory) continue;
    std::string_view relative = path;
    if (!pattern.base.empty()) {
      if (!(path.starts_with(pattern.base) && path.size() > pattern.base.size() && path[pattern.base.size()] == '/'))
        continue;
      relative = path.substr(pattern.base.size() + 1);
    }
    if (!pattern.anchored) {
      auto slash = relative.rfind('/');
      if (slash != std::string_view::npos) relative = relative.substr(slash + 1);
    }
    if (pattern.matcher.matches(relative)) return &pattern;
  }
  return nullptr;
}

std::optional<const IgnorePattern*> IgnoreRules::ignored_by(std::string_view path, bool is_directory) const {
  const IgnorePattern* decision = last_match(path, is_directory);
  if (decision == nullptr || decision->negated) return std::nullopt;
  return decision;
}

}  // namespace mlaudit
