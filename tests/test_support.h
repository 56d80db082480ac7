#pragma once
// Helpers for tests: temporary project folders, running the pipeline and the binary.
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/scan.h"
#include "extract/extract_files.h"

namespace mlaudit::testing {

std::filesystem::path source_dir();
std::filesystem::path fixture(const std::string& relative);
// The workspace's shared data (../shared next to the checkout, or $MLAUDIT_SHARED).
std::filesystem::path shared_dir();

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `relative` (creating folders) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// Walks and extracts `root` (no rules).
Extraction extract(const std::filesystem::path& root);
// Facts of one type, in order.
std::vector<Fact> facts_of(const Extraction& extraction, FactType type);
// Extracts a single Python file given as text.
std::vector<Fact> python_facts(const std::string& source, FactType type);

// Full scan with only the given rules enabled (all when empty).
ScanResult scan(const std::filesystem::path& root, std::vector<std::string> enable = {});
// The findings of one rule, in report order.
std::vector<const Finding*> findings_of(const ScanResult& result, const std::string& rule_id);

struct CommandResult {
  int exit_code = -1;
  std::string output;   // stdout and stderr together
};
// Runs a shell command line and captures its output.
CommandResult run_command(const std::string& command);
std::string mlaudit_binary();
std::string read_text(const std::filesystem::path& path);

}  // namespace mlaudit::testing
