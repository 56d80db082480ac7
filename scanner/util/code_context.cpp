#include "util/code_context.h"

#include <algorithm>
#include <array>
#include <string>

#include "util/text.h"

namespace mlaudit {
namespace {

CodeContext folder_context(const std::string& folder) {
  static constexpr std::array<std::string_view, 5> tests{"test", "tests", "testing", "__tests__", "unittests"};
  static constexpr std::array<std::string_view, 4> examples{"example", "examples", "demo", "demos"};
  static constexpr std::array<std::string_view, 3> docs{"doc", "docs", "documentation"};
  static constexpr std::array<std::string_view, 5> poc{"poc", "pocs", "exploit", "exploits", "proof-of-concept"};
  auto in = [&](const auto& names) { return std::find(names.begin(), names.end(), folder) != names.end(); };
  if (in(tests)) return CodeContext::test;
  if (in(examples)) return CodeContext::example;
  if (in(docs)) return CodeContext::docs;
  if (in(poc)) return CodeContext::proof_of_concept;
  return CodeContext::production;
}

}  // namespace

CodeContext code_context_of(std::string_view relative_path) {
  std::string path = to_lower(relative_path);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) break;
    CodeContext context = folder_context(path.substr(start, slash - start));
    if (context != CodeContext::production) return context;
    start = slash + 1;
  }
  std::string file = path.substr(start);
  // test.py / test-*.py: a client script run by hand against the service (`python test.py`).
  if (file == "conftest.py" || file == "test.py" || file == "tests.py" ||
      ((file.starts_with("test_") || file.starts_with("test-")) && file.ends_with(".py")) || file.ends_with("_test.py"))
    return CodeContext::test;
  return CodeContext::production;
}

std::string_view to_string(CodeContext context) {
  switch (context) {
    case CodeContext::test: return "test";
    case CodeContext::example: return "example";
    case CodeContext::docs: return "docs";
    case CodeContext::proof_of_concept: return "proof-of-concept";
    default: return "production";
  }
}

}  // namespace mlaudit
