#pragma once
// SHA-256 (and MD5 for DVC's records) through OpenSSL's EVP interface.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlaudit {

std::string sha256_hex(std::string_view data);

// Streams the file; nullopt if it cannot be read.
std::optional<std::string> sha256_file_hex(const std::filesystem::path& path);

// MD5, only to compare with the hashes DVC records (DVC chose it; we do not rely on it
// against collisions, a mismatch is what matters).
std::string md5_hex(std::string_view data);

// A digest fed in pieces, for files too large to copy.
class DigestStream {
 public:
  enum class Algorithm { md5, sha256 };
  explicit DigestStream(Algorithm algorithm);
  ~DigestStream();
  DigestStream(const DigestStream&) = delete;
  DigestStream& operator=(const DigestStream&) = delete;
  void update(std::string_view data);
  std::string hex();

 private:
  void* context_;
};

}  // namespace mlaudit
