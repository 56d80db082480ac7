#pragma once
// SHA-256 through OpenSSL's EVP interface.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlaudit {

std::string sha256_hex(std::string_view data);

// Streams the file; nullopt if it cannot be read.
std::optional<std::string> sha256_file_hex(const std::filesystem::path& path);

}  // namespace mlaudit
