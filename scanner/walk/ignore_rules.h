#pragma once
// gitignore-style patterns (.gitignore, .mlauditignore, config excludes) with git's
// precedence: later patterns and deeper files win, `!` re-includes, a trailing '/'
// matches folders only, a pattern with an inner '/' is anchored to its file's folder.
// The files come from the scanned tree: patterns are compiled once into linear-time
// matchers, and their number and length are capped.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/glob.h"

namespace mlaudit {

struct IgnorePattern {
  std::string glob;         // without '!', leading '/' or trailing '/'
  bool negated = false;
  bool directory_only = false;
  bool anchored = false;
  std::string base;         // folder of the file that declared it, relative to the root ("" = root)
  std::string origin;       // "path/.gitignore:3" or "config exclude", for skip reasons
  Glob matcher{""};
};

class IgnoreRules {
 public:
  IgnoreRules(size_t max_patterns = 10'000, size_t max_pattern_bytes = 1024)
      : max_patterns_(max_patterns), max_pattern_bytes_(max_pattern_bytes) {}

  // What adding patterns left out because of the caps (for a diagnostic).
  struct Dropped {
    size_t too_long = 0;   // patterns over max_pattern_bytes
    size_t over_count = 0; // patterns past max_patterns
  };
  // Adds the patterns of an ignore file found in folder `base` (relative to the root).
  Dropped add_file(std::string_view content, std::string_view base, std::string_view origin_path);
  // Adds one pattern (e.g. from the config's exclude list), anchored at the root.
  Dropped add_pattern(std::string_view pattern, std::string_view origin);

  // The last pattern that matches `relative_path` (it decides: a `!` pattern keeps the
  // path), or null when none does.
  const IgnorePattern* last_match(std::string_view relative_path, bool is_directory) const;
  // The pattern that decides `relative_path`, if it is ignored; nullopt if it is kept.
  std::optional<const IgnorePattern*> ignored_by(std::string_view relative_path, bool is_directory) const;

  bool empty() const { return patterns_.empty(); }
  // The walker adds a folder's ignore files on entry and drops them on exit.
  size_t size() const { return patterns_.size(); }
  void truncate(size_t count) { patterns_.resize(count, IgnorePattern{}); }

 private:
  static std::optional<IgnorePattern> parse_line(std::string_view line);
  void add(IgnorePattern pattern, Dropped& dropped);
  size_t max_patterns_, max_pattern_bytes_;
  std::vector<IgnorePattern> patterns_;
};

}  // namespace mlaudit
