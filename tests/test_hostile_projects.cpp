// Every hostile project (tests/hostile/hostile_cases.cpp) is scanned by the real binary with
// limits, as a pipeline's gate would run it. Whatever the attack, the scan must end with exit
// 0 or 1, write every report as valid UTF-8 JSON/HTML, list the problem file with a reason,
// leave the tree as it found it, stay under 1 GB of memory, and (in the sanitizer build) make
// ASan and UBSan report nothing. One test per project, so none runs long.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <dirent.h>
#include <re2/re2.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "hostile/hostile_cases.h"
#include "test_support.h"
#include "util/utf8.h"

namespace mlaudit {
namespace {
namespace fs = std::filesystem;
using hostile::HostileCase;

struct ScanRun {
  int exit_code = -1;
  bool timed_out = false;
  double seconds = 0;
  long peak_rss_kb = 0;
  std::string stderr_text;
};

// Runs the binary in its own process group, killed after `timeout`; measures its peak RSS.
ScanRun run_binary(const std::vector<std::string>& arguments, const fs::path& stderr_file, std::chrono::seconds timeout) {
  ScanRun run;
  auto start = std::chrono::steady_clock::now();
  pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    int err = ::open(stderr_file.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  while (true) {
    pid_t done = ::wait4(child, &status, WNOHANG, &usage);
    if (done == child) break;
    if (std::chrono::steady_clock::now() - start > timeout) {
      ::kill(-child, SIGKILL);
      ::wait4(child, &status, 0, &usage);
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.peak_rss_kb = usage.ru_maxrss;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.stderr_text = testing::read_text(stderr_file);
  return run;
}

// What a scan could change: every entry's type, size, mode, and modification and change
// times (a write or a chmod moves them; reading does not). Links are not followed; folders
// are opened relative to their parent, so trees deeper than PATH_MAX are covered too.
void snapshot_at(int folder, const std::string& relative, std::map<std::string, std::string>& entries) {
  DIR* listing = ::fdopendir(::dup(folder));
  if (!listing) return;
  while (dirent* entry = ::readdir(listing)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat info {};
    if (::fstatat(folder, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    std::string path = relative + "/" + name;
    entries[path] = std::to_string(info.st_mode) + " " + std::to_string(info.st_size) + " " +
                    std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec) + " " +
                    std::to_string(info.st_ctim.tv_sec) + "." + std::to_string(info.st_ctim.tv_nsec);
    if (S_ISDIR(info.st_mode)) {
      int child = ::openat(folder, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      if (child >= 0) {
        snapshot_at(child, path, entries);
        ::close(child);
      }
    }
  }
  ::closedir(listing);
}

std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> entries;
  int folder = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
  if (folder >= 0) {
    snapshot_at(folder, "", entries);
    ::close(folder);
  }
  return entries;
}

bool sanitized_build() {
#ifdef MLAUDIT_SANITIZED
  return true;
#else
  return false;
#endif
}

// (path, reason) pairs the JSON report gives: skipped entries, diagnostics and findings.
std::vector<std::pair<std::string, std::string>> listings(const nlohmann::json& report) {
  std::vector<std::pair<std::string, std::string>> listed;
  for (const auto& entry : report["skipped"]) listed.emplace_back(entry["path"], entry["reason"]);
  for (const auto& entry : report["diagnostics"])
    listed.emplace_back(entry["location"]["file"], entry["code"].get<std::string>() + ": " + entry["message"].get<std::string>());
  for (const auto& entry : report["findings"])
    listed.emplace_back(entry["location"]["file"], entry["rule_id"].get<std::string>() + ": " + entry["message"].get<std::string>());
  return listed;
}

bool path_matches(const std::string& pattern, const std::string& path) {
  if (pattern.ends_with("*")) return path.starts_with(pattern.substr(0, pattern.size() - 1));
  return path == pattern;
}

class HostileProject : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileProject, ScanEndsWithReportsAndAReasonAndLeavesTheTreeAlone) {
  const HostileCase& item = *hostile::find_hostile_case(GetParam());
  testing::TempDir base;
  fs::path project = base.path() / "project", outside = base.path() / "outside", out = base.path() / "reports";
  fs::create_directories(project);
  fs::create_directories(outside);
  item.build(project, outside, false);
  auto project_before = snapshot(project), outside_before = snapshot(outside);

  ScanRun run = run_binary({testing::mlaudit_binary(), "scan", project.string(), "--format", "json,sarif,html,cyclonedx",
                        "--output", out.string(), "--quiet", "--no-probes", "--limit", "file_seconds=10"},
                       base.path() / "stderr.txt", std::chrono::seconds(55));
  RecordProperty("wall_seconds", std::to_string(run.seconds));
  RecordProperty("peak_rss_kb", std::to_string(run.peak_rss_kb));
  ASSERT_FALSE(run.timed_out) << item.name << ": the scan was still running after 55 s";
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << item.name << ": exit " << run.exit_code << "\n" << run.stderr_text;
  for (const char* marker : {"AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:"})
    EXPECT_EQ(run.stderr_text.find(marker), std::string::npos) << item.name << ": sanitizer report\n" << run.stderr_text;
  if (!sanitized_build()) {
    EXPECT_LT(run.peak_rss_kb, 1 << 20) << item.name << ": peak RSS " << run.peak_rss_kb << " KB";
  }

  // Every report is there and is valid UTF-8 (nlohmann's parser rejects anything else).
  nlohmann::json report;
  for (const char* name : {"mlaudit.json", "mlaudit.sarif", "mlaudit.cdx.json"}) {
    ASSERT_TRUE(fs::exists(out / name)) << item.name << ": no " << name << "\n" << run.stderr_text;
    nlohmann::json parsed;
    ASSERT_NO_THROW(parsed = nlohmann::json::parse(testing::read_text(out / name))) << item.name << ": " << name;
    if (std::string(name) == "mlaudit.json") report = std::move(parsed);
  }
  ASSERT_TRUE(fs::exists(out / "mlaudit.html"));
  EXPECT_TRUE(is_valid_utf8(testing::read_text(out / "mlaudit.html"))) << item.name << ": HTML is not UTF-8";

  // The problem file is listed, with a reason that says what happened to it.
  RE2::Options options;
  options.set_case_sensitive(false);
  RE2 reason(item.reason, options);
  bool listed = false;
  std::string seen;
  for (const auto& [path, text] : listings(report)) {
    if (!path_matches(item.problem_file, path)) continue;
    seen += "\n  " + text;
    listed = listed || RE2::PartialMatch(text, reason);
  }
  EXPECT_TRUE(listed) << item.name << ": " << item.problem_file << " not listed with a reason matching /" << item.reason
                      << "/; its entries:" << (seen.empty() ? " none" : seen);

  EXPECT_EQ(snapshot(project), project_before) << item.name << ": the scanned tree changed";
  EXPECT_EQ(snapshot(outside), outside_before) << item.name << ": the folder beside the tree changed";
  // Trees past PATH_MAX defeat std::filesystem::remove_all; rm copes.
  std::system(("rm -rf '" + project.string() + "'").c_str());
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& item : hostile::hostile_cases()) names.push_back(item.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, HostileProject, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace mlaudit
