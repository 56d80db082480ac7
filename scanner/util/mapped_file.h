#pragma once
// A read-only memory map of a file: large checkpoints are analysed in place, never copied.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlaudit {

class MappedFile {
 public:
  // nullopt with `error` set when the file cannot be opened or mapped.
  static std::optional<MappedFile> open(const std::filesystem::path& path, std::string& error);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  // Drops the pages of [0, end) from memory (they are read again from the file if touched):
  // streaming a large file then costs a window of it, not all of it.
  void release_before(size_t end) const;

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace mlaudit
