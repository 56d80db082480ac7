#include "walk/walker.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <system_error>

#include "util/file_io.h"
#include "walk/ignore_rules.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

// Hidden folders that hold things worth auditing (CI, DVC, dev containers).
constexpr std::array kHiddenFoldersKept = {".github", ".dvc", ".gitlab", ".circleci", ".devcontainer", ".buildkite"};
// Folders of third-party code or caches: scanning them is noise, not an audit of the project.
constexpr std::array kVendoredFolders = {"node_modules", "__pycache__", "site-packages", "dist-packages",
                                         "bower_components"};
constexpr std::array kIgnoreFiles = {".gitignore", ".mlauditignore"};
constexpr uint64_t kIgnoreFileLimit = 1 << 20;

class Walker {
 public:
  Walker(fs::path root, const WalkOptions& options) : root_(std::move(root)), options_(options) {
    for (const auto& exclude : options.excludes) overrides_.add_pattern(exclude, "exclude `" + exclude + "` in config");
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

  void load_ignore_files(const fs::path& directory, const std::string& relative) {
    if (!options_.honour_gitignore) return;
    for (const char* name : kIgnoreFiles) {
      fs::path file = directory / name;
      std::error_code error;
      if (!fs::is_regular_file(fs::symlink_status(file, error))) continue;
      auto content = read_file_prefix(file, kIgnoreFileLimit);
      std::string origin = relative.empty() ? name : relative + "/" + name;
      if (auto* text = std::get_if<std::string>(&content)) {
        rules_.add_file(*text, relative, origin);
      } else {
        report_error(origin, "cannot read ignore file: " + std::get<ReadError>(content).message);
      }
    }
  }

  // Why a folder is left out by default, or empty if it is walked.
  std::string default_folder_skip(const fs::path& path, const std::string& name) const {
    if (name == ".git") return "version-control metadata";
    if (options_.skip_hidden_folders && name.starts_with(".") &&
        std::find(kHiddenFoldersKept.begin(), kHiddenFoldersKept.end(), name) == kHiddenFoldersKept.end())
      return "hidden folder (skipped by default)";
    if (std::find(kVendoredFolders.begin(), kVendoredFolders.end(), name) != kVendoredFolders.end())
      return "third-party or cache folder (skipped by default)";
    std::error_code error;
    if (fs::exists(path / "pyvenv.cfg", error)) return "Python virtual environment (skipped by default)";
    return {};
  }

  void visit_directory(const fs::path& directory, const std::string& relative) {
    size_t rules_before = rules_.size();
    load_ignore_files(directory, relative);

    std::error_code error;
    fs::directory_iterator iterator(directory, fs::directory_options::none, error);
    if (error) {
      report_error(relative.empty() ? "." : relative, "cannot list folder: " + error.message());
      rules_.truncate(rules_before);
      return;
    }
    std::vector<fs::directory_entry> entries;
    for (; iterator != fs::directory_iterator(); iterator.increment(error)) {
      if (error) {
        report_error(relative.empty() ? "." : relative, "cannot list folder: " + error.message());
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
    std::string name = entry.path().filename().string();
    std::string relative = parent.empty() ? name : parent + "/" + name;
    std::error_code error;
    fs::file_status status = entry.symlink_status(error);
    if (error) {
      report_error(relative, "cannot stat: " + error.message());
      return;
    }
    if (fs::is_symlink(status)) {
      skip_symlink(entry.path(), relative);
      return;
    }
    bool is_directory = fs::is_directory(status);
    if (is_directory) {
      if (auto reason = default_folder_skip(entry.path(), name); !reason.empty()) {
        skip(relative, reason, true);
        return;
      }
    }
    if (const IgnorePattern* pattern = ignored_by(relative, is_directory)) {
      skip(relative, "ignored by " + pattern->origin + " (`" + pattern->glob + "`)", is_directory);
      return;
    }
    if (is_directory) {
      visit_directory(entry.path(), relative);
      return;
    }
    if (!fs::is_regular_file(status)) {
      skip(relative, "not a regular file (device, socket or pipe)", false);
      return;
    }
    if (std::find(options_.skip_paths.begin(), options_.skip_paths.end(), relative) != options_.skip_paths.end()) {
      skip(relative, "report written by mlaudit", false);
      return;
    }
    uint64_t size = entry.file_size(error);
    if (error) {
      report_error(relative, "cannot read size: " + error.message());
      return;
    }
    result_.files.push_back({entry.path(), relative, size});
  }

  // Config excludes are overrides, as ripgrep's `ignore` crate orders its matchers: when one
  // of them matches (to exclude, or with `!` to keep), the ignore files have no say.
  const IgnorePattern* ignored_by(const std::string& relative, bool is_directory) const {
    const IgnorePattern* decision = overrides_.last_match(relative, is_directory);
    if (decision == nullptr) decision = rules_.last_match(relative, is_directory);
    return decision != nullptr && !decision->negated ? decision : nullptr;
  }

  void skip_symlink(const fs::path& path, const std::string& relative) {
    std::error_code error;
    fs::path target = fs::weakly_canonical(path, error);
    auto [root_end, target_it] = std::mismatch(root_.begin(), root_.end(), target.begin(), target.end());
    bool inside = !error && root_end == root_.end();
    skip(relative,
         inside ? "symbolic link (not followed; its target inside the root is scanned at its own path)"
                : "symbolic link to a target outside the scanned root (not followed)",
         false);
  }

  fs::path root_;
  const WalkOptions& options_;
  IgnoreRules overrides_;  // the config's excludes
  IgnoreRules rules_;      // .gitignore and .mlauditignore files, entered and left with their folders
  WalkResult result_;
};

}  // namespace

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
  result.files.push_back({canonical, canonical.filename().string(), size});
  return result;
}

}  // namespace mlaudit
