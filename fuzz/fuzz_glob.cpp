// Globs and ignore files: the first line is a pattern, the second a path; the whole input is
// also read as a .gitignore and asked about the path.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/glob.h"
#include "walk/ignore_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mlaudit;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto newline = text.find('\n');
  std::string_view pattern = text.substr(0, newline);
  std::string_view path = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  Glob(pattern).matches(path);
  IgnoreRules rules(1000, 1024);
  rules.add_file(text, "", ".gitignore");
  rules.add_file(text, "sub", "sub/.gitignore");
  rules.ignored_by(path, false);
  rules.ignored_by(path, true);
  return 0;
}
