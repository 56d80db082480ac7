#pragma once
// The strings in a JSON array, as fact and element props hold them (other values skipped;
// a missing key or a value that is not an array gives none).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mlaudit {

std::vector<std::string> strings_of(const nlohmann::ordered_json& value);
std::vector<std::string> strings_at(const nlohmann::ordered_json& props, const char* key);

}  // namespace mlaudit
