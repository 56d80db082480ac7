#include "test_support.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mlaudit::testing {
namespace fs = std::filesystem;

fs::path source_dir() { return MLAUDIT_SOURCE_DIR; }
fs::path fixture(const std::string& relative) { return source_dir() / "fixtures" / relative; }
fs::path shared_dir() {
  const char* override_dir = std::getenv("MLAUDIT_SHARED");
  return override_dir && *override_dir ? fs::path(override_dir) : fs::path(MLAUDIT_SHARED_DIR);
}

TempDir::TempDir() {
  std::random_device random;
  path_ = fs::temp_directory_path() / ("mlaudit-test-" + std::to_string(random()) + std::to_string(random()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code error;
  // Tests may leave unreadable entries behind; make them removable first.
  for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error))
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, error);
  fs::remove_all(path_, error);
}

fs::path TempDir::write(const std::string& relative, const std::string& content) const {
  fs::path file = path_ / relative;
  fs::create_directories(file.parent_path());
  std::ofstream stream(file, std::ios::binary);
  stream << content;
  return file;
}

Extraction extract(const fs::path& root) {
  WalkResult walk = walk_tree(root, {});
  ExtractionOptions options;
  options.jobs = 2;
  return extract_files(walk, options);
}

std::vector<Fact> facts_of(const Extraction& extraction, FactType type) {
  std::vector<Fact> found;
  for (const auto& fact : extraction.facts)
    if (fact.type == type) found.push_back(fact);
  return found;
}

std::vector<Fact> python_facts(const std::string& source, FactType type) {
  TempDir folder;
  folder.write("module.py", source);
  return facts_of(extract(folder.path()), type);
}

ScanResult scan(const fs::path& root, std::vector<std::string> enable) {
  ScanOptions options;
  options.target = root;
  options.enable = std::move(enable);
  options.jobs = 2;
  return run_scan(options);
}

std::vector<const Finding*> findings_of(const ScanResult& result, const std::string& rule_id) {
  std::vector<const Finding*> found;
  for (const auto& finding : result.findings)
    if (finding.rule->id == rule_id) found.push_back(&finding);
  return found;
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buffer{};
  size_t got;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), got);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string mlaudit_binary() { return MLAUDIT_BINARY; }

std::string read_text(const fs::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

}  // namespace mlaudit::testing
