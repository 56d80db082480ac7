#include "personal/masking.h"

#include <cctype>

namespace mlaudit::personal {
namespace {

// Keeps separators, replaces every letter and digit (and any non-ASCII byte) with '*'.
std::string stars(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      while (i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) ++i;  // one star per character
      out += '*';
    } else {
      out += std::isalnum(c) ? '*' : static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string mask_value(std::string_view value) {
  if (value.size() > 64) value = value.substr(0, 64);
  if (value.size() <= 3) return "***";
  if (auto at = value.find('@'); at != std::string_view::npos && at > 0) {
    std::string_view domain = value.substr(at + 1);
    auto dot = domain.rfind('.');
    std::string tld = dot == std::string_view::npos ? "" : std::string(domain.substr(dot));
    return std::string(1, value[0]) + "***@" + (domain.empty() ? "" : std::string(1, domain[0])) + "***" + tld;
  }
  size_t digits = 0, letters = 0;
  bool ascii = true;
  for (char c : value) {
    if (std::isdigit(static_cast<unsigned char>(c))) ++digits;
    else if (std::isalpha(static_cast<unsigned char>(c))) ++letters;
    else if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
  }
  if (ascii && digits >= letters) {
    // Numbers: only the last two digits stay.
    std::string out = stars(value);
    int kept = 0;
    for (size_t i = value.size(); i-- > 0 && kept < 2;)
      if (std::isdigit(static_cast<unsigned char>(value[i]))) {
        out[out.size() - (value.size() - i)] = value[i];
        ++kept;
      }
    return out;
  }
  // Words: the first letter of each word stays.
  std::string out;
  bool word_start = true;
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c == ' ' || c == '-' || c == ',') {
      out += static_cast<char>(c);
      word_start = true;
    } else if (word_start && c < 0x80 && std::isalpha(c)) {
      out += static_cast<char>(c);
      word_start = false;
    } else {
      std::string_view rest = value.substr(i, 1);
      if (c >= 0x80) {
        size_t end = i + 1;
        while (end < value.size() && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) ++end;
        rest = value.substr(i, end - i);
        i = end - 1;
      }
      out += stars(rest);
      word_start = false;
    }
  }
  return out;
}

}  // namespace mlaudit::personal
