#pragma once
// Valid UTF-8 for everything a report shows. File names, source lines, pickle globals and
// archive member names come from the scanned tree as raw bytes; JSON (SARIF, CycloneDX)
// and HTML need valid UTF-8, and one bad byte must not cost the whole report.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mlaudit {

// Length of the well-formed UTF-8 sequence starting at `at` (Unicode Table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
size_t utf8_sequence_length(std::string_view text, size_t at);

bool is_valid_utf8(std::string_view text);

// Each byte that is not part of a well-formed sequence becomes the four characters `\xHH`,
// so the bytes stay readable and recoverable; valid text is returned unchanged.
std::string escape_invalid_utf8(std::string_view text);

// Percent-encodes every byte outside RFC 3986's unreserved set and '/', for paths held as
// raw bytes (a SARIF artifact URI, or a property that keeps a name's exact bytes).
std::string percent_encode_path(std::string_view bytes);

// Escapes invalid bytes in every string and key of `value`, in place (no recursion).
void escape_invalid_utf8_in(nlohmann::ordered_json& value);

}  // namespace mlaudit
