#include "util/json_strings.h"

namespace mlaudit {

std::vector<std::string> strings_of(const nlohmann::ordered_json& value) {
  std::vector<std::string> out;
  if (value.is_array())
    for (const auto& item : value)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::vector<std::string> strings_at(const nlohmann::ordered_json& props, const char* key) {
  auto found = props.find(key);
  return found == props.end() ? std::vector<std::string>{} : strings_of(*found);
}

std::string string_at(const nlohmann::ordered_json& props, const char* key) {
  auto found = props.find(key);
  return found != props.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace mlaudit
