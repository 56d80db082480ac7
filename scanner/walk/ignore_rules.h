#pragma once
// gitignore-style patterns (.gitignore, .mlauditignore, config excludes) with git's
// precedence: later patterns and deeper files win, `!` re-includes, a trailing '/'
// matches folders only, a pattern with an inner '/' is anchored to its file's folder.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

struct IgnorePattern {
  std::string glob;         // without '!', leading '/' or trailing '/'
  bool negated = false;
  bool directory_only = false;
  bool anchored = false;
  std::string base;         // folder of the file that declared it, relative to the root ("" = root)
  std::string origin;       // "path/.gitignore:3" or "config exclude", for skip reasons
};

class IgnoreRules {
 public:
  // Adds the patterns of an ignore file found in folder `base` (relative to the root).
  void add_file(std::string_view content, std::string_view base, std::string_view origin_path);
  // Adds one pattern (e.g. from the config's exclude list), anchored at the root.
  void add_pattern(std::string_view pattern, std::string_view origin);

  // The last pattern that matches `relative_path` (it decides: a `!` pattern keeps the
  // path), or null when none does.
  const IgnorePattern* last_match(std::string_view relative_path, bool is_directory) const;
  // The pattern that decides `relative_path`, if it is ignored; nullopt if it is kept.
  std::optional<const IgnorePattern*> ignored_by(std::string_view relative_path, bool is_directory) const;

  bool empty() const { return patterns_.empty(); }
  // The walker adds a folder's ignore files on entry and drops them on exit.
  size_t size() const { return patterns_.size(); }
  void truncate(size_t count) { patterns_.resize(count); }

 private:
  static std::optional<IgnorePattern> parse_line(std::string_view line);
  std::vector<IgnorePattern> patterns_;
};

}  // namespace mlaudit
