#pragma once
// The hostile projects: each is one attack on the scanner (a parser bomb, a name that is not
// UTF-8, a link out of the tree, a FIFO...), generated when the test runs (sparse files
// stand for the gigabyte ones, so nothing large is committed or written to disk).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace mlaudit::hostile {

struct HostileCase {
  std::string name;           // the project's folder name
  std::string attack;         // what it does to the scanner, in a few words
  std::string problem_file;   // as the reports show it (relative to the project, valid UTF-8); "prefix*" matches any path under it
  std::string reason;         // RE2 pattern (case-insensitive) the report's reason for that file must match
  // Writes the project into `root`; `outside` is a folder beside it, outside the scanned tree.
  // `full_size`: the bench's sizes (the figures); the test scales down what only
  // costs generation time (200,000 empty files become 20,000).
  std::function<void(const std::filesystem::path& root, const std::filesystem::path& outside, bool full_size)> build;
};

const std::vector<HostileCase>& hostile_cases();
const HostileCase* find_hostile_case(const std::string& name);

}  // namespace mlaudit::hostile
