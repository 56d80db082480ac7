#pragma once
// The strings in fact and element props: an array's strings (other values skipped; a missing
// key or a value that is not an array gives none), or one string value.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlaudit {

std::vector<std::string> strings_of(const nlohmann::ordered_json& value);
std::vector<std::string> strings_at(const nlohmann::ordered_json& props, const char* key);
// The string at `key` (empty when missing or not a string).
std::string string_at(const nlohmann::ordered_json& props, const char* key);

}  // namespace mlaudit
