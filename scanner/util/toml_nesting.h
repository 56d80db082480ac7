#pragma once
// A bound to check before handing text to toml++, which recurses once per nested table.
#include <cstddef>
#include <string_view>

namespace mlaudit {

// The most segments of one dotted key (`a.b.c` or a `[a.b.c]` header), outside strings. Each
// segment is a nested table: toml++ recurses over them (100,000 of them overflow the stack),
// so a deep file is refused before parsing. Inline arrays and tables are capped by toml++.
size_t deepest_dotted_key(std::string_view text);

}  // namespace mlaudit
