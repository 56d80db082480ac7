#pragma once
// Decides a file's kind from its first bytes (and, for zip containers, its member
// names) before looking at its name: a pickle named `.safetensors` is a pickle.
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "sniff/file_kind.h"

namespace mlaudit {

inline constexpr size_t kSniffHeadBytes = 8192;

// `head` holds the first kSniffHeadBytes (or fewer) bytes of the file.
SniffResult sniff(const std::filesystem::path& absolute, std::string_view relative, std::string_view head,
                  uint64_t size);

// The same for bytes held in memory (an archive member): `bytes` is the whole content.
SniffResult sniff_bytes(std::string_view bytes, std::string_view name);

// Member names of a zip held in memory (empty when its central directory is unreadable).
std::vector<std::string> zip_member_names(std::string_view bytes);

}  // namespace mlaudit
