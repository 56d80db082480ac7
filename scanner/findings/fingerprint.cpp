#include "findings/fingerprint.h"

#include <array>
#include <cstdint>
#include <unordered_map>

#include "crypto/sha256.h"

namespace mlaudit {
namespace {

constexpr int kBlockSize = 100;
constexpr uint64_t kModulus = 37;
constexpr uint32_t kEndOfFile = 65535;

// The file as the JavaScript implementation sees it: UTF-16 code units of the UTF-8
// decoded text, invalid bytes becoming U+FFFD.
std::vector<uint32_t> utf16_units(std::string_view text) {
  std::vector<uint32_t> units;
  units.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    uint32_t code_point = 0xFFFD;
    size_t length = 1;
    if (byte < 0x80) {
      code_point = byte;
    } else {
      size_t expected = (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
      bool valid = expected && i + expected <= text.size();
      for (size_t k = 1; valid && k < expected; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      if (valid) {
        code_point = expected == 2 ? byte & 0x1F : expected == 3 ? byte & 0x0F : byte & 0x07;
        for (size_t k = 1; k < expected; ++k) code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        length = expected;
      }
    }
    if (code_point > 0xFFFF) {
      code_point -= 0x10000;
      units.push_back(0xD800 + (code_point >> 10));
      units.push_back(0xDC00 + (code_point & 0x3FF));
    } else {
      units.push_back(code_point);
    }
    i += length;
  }
  return units;
}

std::string to_hex(uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  if (value == 0) return "0";
  std::string hex;
  while (value) {
    hex.insert(hex.begin(), digits[value & 0xF]);
    value >>= 4;
  }
  return hex;
}

}  // namespace

std::vector<std::string> github_line_hashes(std::string_view content, size_t last_line) {
  uint64_t first_mod = 1;
  for (int i = 0; i < kBlockSize; ++i) first_mod *= kModulus;
  std::array<uint32_t, kBlockSize> window{};
  std::array<int64_t, kBlockSize> line_numbers;
  line_numbers.fill(-1);
  uint64_t hash = 0;
  int index = 0;
  int64_t line_number = 0;
  bool line_start = true, previous_cr = false;
  std::unordered_map<uint64_t, int> counts;
  std::vector<std::string> hashes;

  auto output = [&] {
    int count = ++counts[hash];
    auto line = static_cast<size_t>(line_numbers[static_cast<size_t>(index)]);
    if (hashes.size() < line) hashes.resize(line);
    hashes[line - 1] = to_hex(hash) + ":" + std::to_string(count);
    line_numbers[static_cast<size_t>(index)] = -1;
  };
  auto update = [&](uint32_t current) {
    uint32_t begin = window[static_cast<size_t>(index)];
    window[static_cast<size_t>(index)] = current;
    hash = kModulus * hash + current - first_mod * begin;
    index = (index + 1) % kBlockSize;
  };
  auto process = [&](uint32_t current) {
    if (current == ' ' || current == '\t' || (previous_cr && current == '\n')) {
      previous_cr = false;
      return;
    }
    if (current == '\r') {
      current = '\n';
      previous_cr = true;
    } else {
      previous_cr = false;
    }
    if (line_numbers[static_cast<size_t>(index)] != -1) output();
    if (line_start) {
      line_start = false;
      line_numbers[static_cast<size_t>(index)] = ++line_number;
    }
    if (current == '\n') line_start = true;
    update(current);
  };

  auto done = [&] {  // every line up to last_line has been output
    if (last_line == 0 || hashes.size() < last_line) return false;
    for (size_t i = 0; i < last_line; ++i)
      if (hashes[i].empty()) return false;
    return true;
  };
  size_t processed = 0;
  for (uint32_t unit : utf16_units(content)) {
    process(unit);
    if (last_line && ++processed % 256 == 0 && static_cast<size_t>(line_number) > last_line && done()) return hashes;
  }
  process(kEndOfFile);
  for (int i = 0; i < kBlockSize; ++i) {
    if (line_numbers[static_cast<size_t>(index)] != -1) output();
    update(0);
  }
  return hashes;
}

std::string finding_fingerprint(std::string_view rule_id, std::string_view file, std::string_view line_text,
                                std::string_view subject, int occurrence) {
  std::string normalized;
  for (char c : line_text)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') normalized += c;
  std::string key;
  key.append(rule_id).append("\x1f").append(file).append("\x1f").append(normalized).append("\x1f").append(subject);
  key.append("\x1f").append(std::to_string(occurrence));
  return sha256_hex(key).substr(0, 32);
}

}  // namespace mlaudit
