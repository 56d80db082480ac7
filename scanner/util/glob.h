#pragma once
// Glob matching with gitignore semantics: `*` and `?` stay inside one path segment,
// `**` spans segments, `**/` also matches no folder at all, `[...]` is a character class,
// `\x` is a literal x. Patterns come from the scanned tree (.gitignore, suppression comments),
// so matching is linear in the text: a compiled pattern is run as a set of states over the
// text once (no backtracking), at most O(text × pattern) even for `*a*a*a*…*b`.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

class Glob {
 public:
  explicit Glob(std::string_view pattern);
  bool matches(std::string_view text) const;
  const std::string& text() const { return text_; }

 private:
  enum class Kind : uint8_t { literal, any_char, char_class, star, double_star, fork_past_folders };
  struct Token {
    Kind kind;
    char literal = 0;
    uint32_t class_index = 0;  // into classes_
  };
  struct CharClass {
    std::vector<std::pair<unsigned char, unsigned char>> ranges;
    bool negated = false;
    bool contains(unsigned char c) const;
  };
  enum class Shape : uint8_t { exact, suffix, prefix, general };
  bool step_allows(const Token& token, unsigned char c) const;

  std::string text_;
  Shape shape_ = Shape::general;
  std::string affix_;  // exact text, or the literal part of `*suffix` / `prefix*`
  std::vector<Token> tokens_;
  std::vector<CharClass> classes_;
};

// Compiles and matches once; use Glob for a pattern matched many times.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace mlaudit
