#include "extract/config/pip_install.h"

#include <set>

#include "util/text.h"

namespace mlaudit {
namespace {

// Words of one shell command, quotes removed; a command list is cut at && || ; | and newlines.
std::vector<std::vector<std::string>> shell_commands(std::string_view text) {
  std::vector<std::vector<std::string>> commands(1);
  std::string word;
  bool in_word = false;
  char quote = 0;
  auto finish_word = [&]() {
    if (in_word) commands.back().push_back(word);
    word.clear();
    in_word = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (c == '&' || c == '|' || c == ';' || c == '\n') {
      finish_word();
      if (!commands.back().empty()) commands.emplace_back();
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      finish_word();
      continue;
    }
    word += c;
    in_word = true;
  }
  finish_word();
  return commands;
}

bool is_pip(std::string_view word) {
  auto slash = word.rfind('/');
  if (slash != std::string_view::npos) word = word.substr(slash + 1);
  return word == "pip" || word == "pip3" || (word.starts_with("pip3.") && word.size() > 5);
}

bool is_python(std::string_view word) {
  auto slash = word.rfind('/');
  if (slash != std::string_view::npos) word = word.substr(slash + 1);
  return word == "python" || word == "python3" || word.starts_with("python3.");
}

// pip install options that take a value in the next word.
const std::set<std::string, std::less<>>& options_with_value() {
  static const std::set<std::string, std::less<>> options = {
      "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
      "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--platform", "--python-version",
      "--implementation", "--abi", "--trusted-host", "--cache-dir", "--src", "--upgrade-strategy", "--progress-bar",
      "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--global-option", "--install-option",
      "--config-settings", "-C", "--report", "--python", "--only-binary", "--no-binary", "--root-user-action"};
  return options;
}

}  // namespace

std::vector<std::string> pip_install_requirements(std::string_view command) {
  std::vector<std::string> requirements;
  for (const auto& words : shell_commands(command)) {
    // Find "install" after pip / python -m pip / uv pip, skipping sudo, env assignments and the like.
    size_t install = words.size();
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      bool pip_here = is_pip(words[i]) || (words[i] == "pip" && i > 0 && words[i - 1] == "uv") ||
                      (words[i] == "-m" && i > 0 && is_python(words[i - 1]) && i + 1 < words.size() && words[i + 1] == "pip");
      if (!pip_here) continue;
      size_t next = words[i] == "-m" ? i + 2 : i + 1;
      if (next < words.size() && words[next] == "install") {
        install = next;
        break;
      }
    }
    for (size_t i = install + 1; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (word.starts_with("-")) {
        if (word.find('=') == std::string::npos && options_with_value().contains(word)) ++i;
        continue;
      }
      bool not_a_name = word.find('$') != std::string::npos || word.find('/') != std::string::npos ||
                        word.find("://") != std::string::npos || word.starts_with(".") || word.ends_with(".whl") ||
                        word.ends_with(".tar.gz") || word.ends_with(".zip");
      if (!not_a_name) requirements.push_back(word);
    }
  }
  return requirements;
}

}  // namespace mlaudit
