#pragma once
// Reading files without surprises: sizes capped, errors returned as values.
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

namespace mlaudit {

struct ReadError {
  std::string message;  // e.g. "Permission denied"
};

// Reads at most `limit` bytes of `path`.
std::variant<std::string, ReadError> read_file_prefix(const std::filesystem::path& path, uint64_t limit);

// Reads the whole file, refusing ones over `limit` bytes.
std::variant<std::string, ReadError> read_whole_file(const std::filesystem::path& path, uint64_t limit);

}  // namespace mlaudit
