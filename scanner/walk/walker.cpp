#include "walk/walker.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "util/file_io.h"
#include "util/scan_limits.h"
#include "util/utf8.h"
#include "walk/ignore_rules.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

// Hidden folders that hold things worth auditing (CI, DVC, dev containers).
constexpr std::array kHiddenFoldersKept = {".github", ".dvc", ".gitlab", ".circleci", ".devcontainer", ".buildkite"};
// Folders of third-party code or caches: scanning them is noise, not an audit of the project.
constexpr std::array kVendoredFolders = {"node_modules", "__pycache__", "site-packages", "dist-packages",
                                         "bower_components"};
// Folders of build output and bundled web apps: generated from sources the scan reads anyway.
constexpr std::array kBuildOutputFolders = {"dist", "out", "_next"};
// `build/` is tool output only in some projects; in others it holds hand-written sources (a
// build/Dockerfile, pipeline code). It is skipped when what it holds has the shape of a tool's
// output: these names among its entries, or compiled artefacts.
constexpr std::array kToolOutputNames = {"CMakeCache.txt", "CMakeFiles", "build.ninja", ".ninja_log",
                                         "compile_commands.json", "asset-manifest.json", ".buildinfo", "doctrees",
                                         "lib", "classes", "intermediates", "tmp"};
constexpr std::array kToolOutputPrefixes = {"lib.", "bdist.", "temp.", "scripts-"};  // setup.py build trees
constexpr std::array kCompiledExtensions = {".o", ".obj", ".so", ".a", ".dll", ".dylib", ".pyd", ".pyc", ".whl",
                                            ".egg", ".class", ".jar", ".exe", ".map"};
constexpr size_t kToolOutputEntriesLooked = 256;  // entries of a build/ folder looked at
constexpr std::array kIgnoreFiles = {".gitignore", ".mlauditignore"};
constexpr uint64_t kIgnoreFileLimit = 1 << 20;

class Walker {
 public:
  Walker(fs::path root, const WalkOptions& options)
      : root_(std::move(root)),
        options_(options),
        overrides_(options.max_ignore_patterns, options.max_pattern_bytes),
        rules_(options.max_ignore_patterns, options.max_pattern_bytes) {
    IgnoreRules::Dropped dropped;
    for (const auto& exclude : options.excludes) {
      auto more = overrides_.add_pattern(exclude, "exclude `" + exclude + "` in config");
      dropped.too_long += more.too_long, dropped.over_count += more.over_count;
    }
    report_dropped(dropped, "the configuration's exclude list");
  }

  WalkResult run() {
    result_.root = root_;
    visit_directory(root_, "");
    auto by_path = [](const auto& a, const auto& b) { return a.relative < b.relative; };
    std::sort(result_.files.begin(), result_.files.end(), by_path);
    std::sort(result_.skipped.begin(), result_.skipped.end(), by_path);
    return std::move(result_);
  }

 private:
  void report_error(const std::string& relative, const std::string& message) {
    result_.errors.push_back({DiagnosticLevel::warning, "unreadable", Location{relative}, message});
  }

  void skip(std::string relative, std::string reason, bool is_directory) {
    result_.skipped.push_back({std::move(relative), std::move(reason), is_directory});
  }

  // Patterns the caps left out change what is scanned: say so, naming the file and the limit.
  void report_dropped(const IgnoreRules::Dropped& dropped, const std::string& origin) {
    if (dropped.too_long)
      result_.errors.push_back({DiagnosticLevel::warning, "limit", Location{origin},
                                std::to_string(dropped.too_long) + " pattern(s) longer than " +
                                    std::to_string(options_.max_pattern_bytes) + " bytes not applied (" +
                                    limit_text("pattern_bytes", options_.max_pattern_bytes) + ")"});
    if (dropped.over_count)
      result_.errors.push_back({DiagnosticLevel::warning, "limit", Location{origin},
                                std::to_string(dropped.over_count) + " pattern(s) not applied: the scan already holds " +
                                    std::to_string(options_.max_ignore_patterns) + " ignore patterns (" +
                                    limit_text("ignore_patterns", options_.max_ignore_patterns) + ")"});
  }

  void load_ignore_files(const fs::path& directory, const std::string& relative) {
    if (!options_.honour_gitignore) return;
    for (const char* name : kIgnoreFiles) {
      fs::path file = directory / name;
      std::error_code error;
      if (!fs::is_regular_file(fs::symlink_status(file, error))) continue;
      auto content = read_file_prefix(file, kIgnoreFileLimit);
      std::string origin = relative.empty() ? name : relative + "/" + name;
      if (auto* text = std::get_if<std::string>(&content)) {
        report_dropped(rules_.add_file(*text, relative, origin), escape_invalid_utf8(origin));
      } else {
        report_error(escape_invalid_utf8(origin), "cannot read ignore file: " + std::get<ReadError>(content).message);
      }
    }
  }

  // Why a folder is left out by default, or empty if it is walked.
  std::string default_folder_skip(const fs::path& path, const std::string& name, const std::string& relative) const {
    if (name == ".git") return "version-control metadata";
    if (options_.skip_hidden_folders && name.starts_with(".") &&
        std::find(kHiddenFoldersKept.begin(), kHiddenFoldersKept.end(), name) == kHiddenFoldersKept.end())
      return "hidden folder (skipped by default)";
    if (std::find(kVendoredFolders.begin(), kVendoredFolders.end(), name) != kVendoredFolders.end())
      return "third-party or cache folder (skipped by default)";
    if (std::find(kBuildOutputFolders.begin(), kBuildOutputFolders.end(), name) != kBuildOutputFolders.end() &&
        !kept_by_config(relative, true))
      return "build output (skipped by default)";
    if (name == "build" && !kept_by_config(relative, true))
      if (auto shape = tool_output_shape(path); !shape.empty()) return "build output: " + shape + " (skipped by default)";
    std::error_code error;
    if (fs::exists(path / "pyvenv.cfg", error)) return "Python virtual environment (skipped by default)";
    return {};
  }

  // What makes a build/ folder a tool's output (an entry named like one, a compiled
  // artefact), or empty when it looks like sources and is walked.
  static std::string tool_output_shape(const fs::path& folder) {
    std::error_code error;
    fs::directory_iterator iterator(folder, fs::directory_options::none, error);
    size_t looked = 0;
    for (; !error && iterator != fs::directory_iterator() && looked < kToolOutputEntriesLooked;
         iterator.increment(error), ++looked) {
      std::string entry = iterator->path().filename().string();
      for (const char* name : kToolOutputNames)
        if (entry == name) return "it holds `" + entry + "`";
      for (const char* prefix : kToolOutputPrefixes)
        if (entry.starts_with(prefix)) return "it holds `" + entry + "`";
      for (const char* extension : kCompiledExtensions)
        if (entry.ends_with(extension) && entry.size() > std::strlen(extension))
          return "it holds compiled artefacts (`" + entry + "`)";
    }
    return {};
  }

  void visit_directory(const fs::path& directory, const std::string& relative) {
    size_t rules_before = rules_.size();
    load_ignore_files(directory, relative);

    std::error_code error;
    fs::directory_iterator iterator(directory, fs::directory_options::none, error);
    if (error) {
      report_error(relative.empty() ? "." : escape_invalid_utf8(relative), "cannot list folder: " + error.message());
      rules_.truncate(rules_before);
      return;
    }
    std::vector<fs::directory_entry> entries;
    for (; iterator != fs::directory_iterator(); iterator.increment(error)) {
      if (error) {
        report_error(relative.empty() ? "." : escape_invalid_utf8(relative), "cannot list folder: " + error.message());
        break;
      }
      entries.push_back(*iterator);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });

    for (const auto& entry : entries) visit_entry(entry, relative);
    rules_.truncate(rules_before);
  }

  void visit_entry(const fs::directory_entry& entry, const std::string& parent) {
    // `relative` keeps the name's bytes (ignore patterns match bytes, as git does);
    // what reaches a report is `shown`, valid UTF-8.
    std::string name = entry.path().filename().string();
    std::string relative = parent.empty() ? name : parent + "/" + name;
    std::string shown = escape_invalid_utf8(relative);
    if (shown != relative && is_valid_utf8(parent))  // once, where the bad name starts
      result_.errors.push_back({DiagnosticLevel::note, "name-not-utf8", Location{shown},
                                "the name is not valid UTF-8: reports show its bad bytes as \\xHH; its exact bytes, "
                                "percent-encoded: " + percent_encode_path(relative)});
    // One lstat gives the type and the size (a tree of 200,000 files pays for each call).
    struct stat info {};
    if (::lstat(entry.path().c_str(), &info) != 0) {
      report_error(shown, std::string("cannot stat: ") + std::strerror(errno));
      return;
    }
    fs::file_status status(type_of(info.st_mode));
    if (fs::is_symlink(status)) {
      skip(shown, symlink_skip_reason(entry.path()), false);
      return;
    }
    bool is_directory = fs::is_directory(status);
    if (is_directory) {
      if (auto reason = default_folder_skip(entry.path(), name, relative); !reason.empty()) {
        skip(shown, reason, true);
        return;
      }
    }
    if (const IgnorePattern* pattern = ignored_by(relative, is_directory)) {
      skip(shown, "ignored by " + escape_invalid_utf8(pattern->origin) + " (`" + escape_invalid_utf8(pattern->glob) + "`)",
           is_directory);
      return;
    }
    if (is_directory) {
      visit_directory(entry.path(), relative);
      return;
    }
    if (!fs::is_regular_file(status)) {
      skip(shown, special_file_reason(status.type()), false);
      return;
    }
    if (std::find(options_.skip_paths.begin(), options_.skip_paths.end(), relative) != options_.skip_paths.end()) {
      skip(shown, "report written by mlaudit", false);
      return;
    }
    if (name.ends_with(".min.js") && !kept_by_config(relative, false)) {
      skip(shown, "minified bundle (skipped by default)", false);
      return;
    }
    uint64_t size = static_cast<uint64_t>(info.st_size);
    result_.files.push_back({entry.path(), shown, size, shown == relative ? std::string() : relative});
  }

  // A `!pattern` among the configuration's excludes keeps what is skipped by default as
  // generated (a `build/` folder of hand-written code).
  bool kept_by_config(const std::string& relative, bool is_directory) const {
    const IgnorePattern* decision = overrides_.last_match(relative, is_directory);
    return decision != nullptr && decision->negated;
  }

  // Config excludes are overrides, as ripgrep's `ignore` crate orders its matchers: when one
  // of them matches (to exclude, or with `!` to keep), the ignore files have no say.
  const IgnorePattern* ignored_by(const std::string& relative, bool is_directory) const {
    const IgnorePattern* decision = overrides_.last_match(relative, is_directory);
    if (decision == nullptr) decision = rules_.last_match(relative, is_directory);
    return decision != nullptr && !decision->negated ? decision : nullptr;
  }

  static fs::file_type type_of(mode_t mode) {
    if (S_ISREG(mode)) return fs::file_type::regular;
    if (S_ISDIR(mode)) return fs::file_type::directory;
    if (S_ISLNK(mode)) return fs::file_type::symlink;
    if (S_ISFIFO(mode)) return fs::file_type::fifo;
    if (S_ISSOCK(mode)) return fs::file_type::socket;
    if (S_ISBLK(mode)) return fs::file_type::block;
    if (S_ISCHR(mode)) return fs::file_type::character;
    return fs::file_type::unknown;
  }

  static std::string special_file_reason(fs::file_type type) {
    switch (type) {
      case fs::file_type::fifo: return "named pipe (FIFO): not read, reading it could block the scan";
      case fs::file_type::socket: return "socket: not a file, not read";
      case fs::file_type::block:
      case fs::file_type::character: return "device file: not read";
      default: return "not a regular file: not read";
    }
  }

  // Links are never followed; the reason says where this one leads.
  std::string symlink_skip_reason(const fs::path& path) const {
    std::error_code error;
    fs::path written = fs::read_symlink(path, error);
    std::string target = error ? std::string("?") : escape_invalid_utf8(written.string());
    fs::path resolved = fs::canonical(path, error);
    if (error == std::errc::too_many_symbolic_link_levels)
      return "symbolic link loop (`" + target + "` leads back to itself): not followed";
    if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory)
      return "dangling symbolic link (its target `" + target + "` does not exist): not followed";
    if (error) return "symbolic link to `" + target + "` that cannot be resolved (" + error.message() + "): not followed";
    auto [root_end, target_it] = std::mismatch(root_.begin(), root_.end(), resolved.begin(), resolved.end());
    if (root_end == root_.end())
      return "symbolic link to `" + target + "` inside the root (not followed; the target is scanned at its own path)";
    return "symbolic link to `" + target + "` outside the scanned root (not followed)";
  }

  fs::path root_;
  const WalkOptions& options_;
  IgnoreRules overrides_;  // the config's excludes
  IgnoreRules rules_;      // .gitignore and .mlauditignore files, entered and left with their folders
  WalkResult result_;
};

}  // namespace

bool WalkResult::kept(std::string_view relative) const {
  auto found = std::lower_bound(files.begin(), files.end(), relative,
                                [](const WalkedFile& file, std::string_view path) { return file.relative < path; });
  return found != files.end() && found->relative == relative;
}

WalkResult walk_tree(const fs::path& target, const WalkOptions& options) {
  std::error_code error;
  fs::file_status status = fs::symlink_status(target, error);
  if (error || !fs::exists(status)) throw std::runtime_error(target.string() + ": no such file or folder");
  fs::path canonical = fs::canonical(target, error);
  if (error) throw std::runtime_error(target.string() + ": " + error.message());
  if (fs::is_directory(canonical)) return Walker(canonical, options).run();

  // A single file: its folder is the root, and only the file is scanned.
  WalkResult result;
  result.root = canonical.parent_path();
  uint64_t size = fs::file_size(canonical, error);
  if (error) throw std::runtime_error(target.string() + ": " + error.message());
  std::string name = canonical.filename().string();
  std::string shown = escape_invalid_utf8(name);
  result.files.push_back({canonical, shown, size, shown == name ? std::string() : name});
  return result;
}

}  // namespace mlaudit
