#pragma once
// Glob matching with gitignore semantics: `*` and `?` stay inside one path segment,
// `**` spans segments, `[...]` is a character class.
#include <string_view>

namespace mlaudit {

bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace mlaudit
