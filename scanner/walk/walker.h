#pragma once
// One pass over the tree to scan. Never follows symbolic links, never aborts on a bad
// entry: every file is either listed for scanning or listed as skipped with a reason.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "facts/diagnostic.h"

namespace mlaudit {

struct WalkOptions {
  std::vector<std::string> excludes;          // gitignore-style, relative to the root
  bool honour_gitignore = true;
  bool skip_hidden_folders = true;
  std::vector<std::string> skip_paths;        // exact relative paths to leave out (our own reports)
  size_t max_ignore_patterns = 10'000;        // patterns kept from ignore files and excludes
  size_t max_pattern_bytes = 1024;            // longer patterns are dropped (and reported)
};

struct WalkedFile {
  std::filesystem::path absolute;
  std::string relative;                       // '/' separated, relative to the root; valid UTF-8
  uint64_t size = 0;
  std::string raw_relative;                   // the name's bytes when they are not valid UTF-8
                                              // (`relative` then shows them as \xHH); else empty
};

struct SkippedEntry {
  std::string relative;                       // valid UTF-8, as WalkedFile::relative
  std::string reason;
  bool is_directory = false;
};

struct WalkResult {
  std::filesystem::path root;                 // canonical folder the relative paths start from
  std::vector<WalkedFile> files;              // in path order
  std::vector<SkippedEntry> skipped;
  std::vector<Diagnostic> errors;             // entries that could not be read

  // Whether the walk kept this project-relative file (not ignored, not excluded): a binary
  // search, as `files` is sorted by relative path.
  bool kept(std::string_view relative) const;
};

// `target` may be a folder or a single file. Throws std::runtime_error only when
// `target` itself does not exist or cannot be opened.
WalkResult walk_tree(const std::filesystem::path& target, const WalkOptions& options);

}  // namespace mlaudit
