#pragma once
// Small string helpers shared by every stage.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit {

std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
std::vector<std::string_view> split(std::string_view text, char separator);
std::vector<std::string_view> split_lines(std::string_view text);   // handles \n, \r\n and \r
bool contains_ignore_case(std::string_view haystack, std::string_view needle);
std::string replace_all(std::string text, std::string_view from, std::string_view to);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// The folder part of a project-relative path ("a/b/c.txt" -> "a/b"); empty at the top level.
std::string parent_folder(std::string_view path);

// Text of line `line` (1-based) of `text`, without its line ending; empty if out of range.
std::string_view line_at(std::string_view text, uint32_t line);
uint32_t count_lines(std::string_view text);

// Shortens to at most `limit` bytes on a UTF-8 boundary, adding "…" when cut.
std::string truncate_utf8(std::string_view text, size_t limit);
// The same for prose: cuts after the last whole word that fits ("passes text…", never
// "passes tex…"); a single word longer than half the limit is cut like truncate_utf8.
std::string truncate_words(std::string_view text, size_t limit);

// Shannon entropy in bits per character.
double shannon_entropy(std::string_view text);

}  // namespace mlaudit
