#include "util/glob.h"

#include <algorithm>

namespace mlaudit {

bool Glob::CharClass::contains(unsigned char c) const {
  bool inside = std::any_of(ranges.begin(), ranges.end(), [c](const auto& range) { return c >= range.first && c <= range.second; });
  return inside != negated;
}

Glob::Glob(std::string_view pattern) : text_(pattern) {
  size_t wildcards = 0;
  for (size_t p = 0; p < pattern.size(); ++p) {
    char c = pattern[p];
    if (c == '*') {
      ++wildcards;
      if (p + 1 < pattern.size() && pattern[p + 1] == '*') {
        if (p + 2 < pattern.size() && pattern[p + 2] == '/') {
          // `**/`: no folder at all (skip the three states) or any folders then '/'.
          tokens_.push_back({Kind::fork_past_folders});
          tokens_.push_back({Kind::double_star});
          tokens_.push_back({Kind::literal, '/'});
          p += 2;
        } else {
          tokens_.push_back({Kind::double_star});
          ++p;
        }
      } else {
        tokens_.push_back({Kind::star});
      }
    } else if (c == '?') {
      ++wildcards;
      tokens_.push_back({Kind::any_char});
    } else if (c == '[') {
      size_t i = p + 1;
      CharClass cls;
      cls.negated = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
      if (cls.negated) ++i;
      bool first = true;
      for (; i < pattern.size() && (first || pattern[i] != ']'); ++i, first = false) {
        auto low = static_cast<unsigned char>(pattern[i]);
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
          cls.ranges.emplace_back(low, static_cast<unsigned char>(pattern[i + 2]));
          i += 2;
        } else {
          cls.ranges.emplace_back(low, low);
        }
      }
      if (i >= pattern.size()) {  // unterminated: a literal '['
        tokens_.push_back({Kind::literal, '['});
        continue;
      }
      ++wildcards;
      tokens_.push_back({Kind::char_class, 0, static_cast<uint32_t>(classes_.size())});
      classes_.push_back(std::move(cls));
      p = i;
    } else {
      if (c == '\\' && p + 1 < pattern.size()) {
        c = pattern[++p];
        ++wildcards;  // escapes rule out the literal shortcuts below
      }
      tokens_.push_back({Kind::literal, c});
    }
  }
  // Most patterns are `name`, `*.ext` or `prefix*`: no state set needed.
  auto literal_run = [&](size_t from, size_t to) {
    std::string run;
    for (size_t i = from; i < to; ++i) run += tokens_[i].literal;
    return run;
  };
  if (wildcards == 0) {
    shape_ = Shape::exact;
    affix_ = literal_run(0, tokens_.size());
  } else if (wildcards == 1 && tokens_.front().kind == Kind::star) {
    shape_ = Shape::suffix;
    affix_ = literal_run(1, tokens_.size());
  } else if (wildcards == 1 && tokens_.back().kind == Kind::star) {
    shape_ = Shape::prefix;
    affix_ = literal_run(0, tokens_.size() - 1);
  }
}

bool Glob::step_allows(const Token& token, unsigned char c) const {
  switch (token.kind) {
    case Kind::literal: return static_cast<unsigned char>(token.literal) == c;
    case Kind::any_char: return c != '/';
    case Kind::char_class: return c != '/' && classes_[token.class_index].contains(c);
    case Kind::star: return c != '/';
    case Kind::double_star: return true;
    case Kind::fork_past_folders: return false;
  }
  return false;
}

bool Glob::matches(std::string_view text) const {
  switch (shape_) {
    case Shape::exact: return text == affix_;
    case Shape::suffix:
      return text.size() >= affix_.size() && text.ends_with(affix_) &&
             text.substr(0, text.size() - affix_.size()).find('/') == std::string_view::npos;
    case Shape::prefix:
      return text.starts_with(affix_) && text.substr(affix_.size()).find('/') == std::string_view::npos;
    case Shape::general: break;
  }
  // States 0..n: "the next token to match is i"; n accepts. Each text byte moves the set
  // of live states forward once, so the cost is bounded by text length × states.
  const size_t n = tokens_.size();
  std::vector<uint8_t> current(n + 1, 0), next(n + 1, 0);
  auto close = [&](std::vector<uint8_t>& states) {  // epsilon moves only go forward
    for (size_t i = 0; i < n; ++i) {
      if (!states[i]) continue;
      Kind kind = tokens_[i].kind;
      if (kind == Kind::star || kind == Kind::double_star || kind == Kind::fork_past_folders) states[i + 1] = 1;
      if (kind == Kind::fork_past_folders) states[std::min(i + 3, n)] = 1;
    }
  };
  current[0] = 1;
  close(current);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    std::fill(next.begin(), next.end(), 0);
    bool alive = false;
    for (size_t i = 0; i < n; ++i) {
      if (!current[i] || !step_allows(tokens_[i], c)) continue;
      Kind kind = tokens_[i].kind;
      next[kind == Kind::star || kind == Kind::double_star ? i : i + 1] = 1;
      alive = true;
    }
    if (!alive) return false;
    close(next);
    current.swap(next);
  }
  return current[n] != 0;
}

bool glob_match(std::string_view pattern, std::string_view text) { return Glob(pattern).matches(text); }

}  // namespace mlaudit
