#include "util/utf8.h"

#include <vector>

namespace mlaudit {

size_t utf8_sequence_length(std::string_view text, size_t at) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead == 0xE0) length = 3, low = 0xA0;
  else if (lead == 0xED) length = 3, high = 0x9F;  // no UTF-16 surrogates
  else if (lead >= 0xE1 && lead <= 0xEF) length = 3;
  else if (lead == 0xF0) length = 4, low = 0x90;
  else if (lead == 0xF4) length = 4, high = 0x8F;  // nothing above U+10FFFF
  else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
  else return 0;
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (size_t i = 2; i < length; ++i)
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
  return length;
}

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string escape_invalid_utf8(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      auto c = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 0xF];
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string percent_encode_path(std::string_view bytes) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xF];
    }
  }
  return out;
}

void escape_invalid_utf8_in(nlohmann::ordered_json& root) {
  std::vector<nlohmann::ordered_json*> pending{&root};
  while (!pending.empty()) {
    nlohmann::ordered_json& value = *pending.back();
    pending.pop_back();
    if (value.is_string()) {
      auto& text = value.get_ref<std::string&>();
      if (!is_valid_utf8(text)) text = escape_invalid_utf8(text);
    } else if (value.is_array()) {
      for (auto& item : value) pending.push_back(&item);
    } else if (value.is_object()) {
      bool bad_key = false;
      for (auto& [key, item] : value.items()) bad_key = bad_key || !is_valid_utf8(key);
      if (bad_key) {  // keys cannot change in place: rebuild the object in the same order
        nlohmann::ordered_json rebuilt = nlohmann::ordered_json::object();
        for (auto& [key, item] : value.items()) rebuilt[escape_invalid_utf8(key)] = std::move(item);
        value = std::move(rebuilt);
      }
      for (auto& [key, item] : value.items()) pending.push_back(&item);
    }
  }
}

}  // namespace mlaudit
