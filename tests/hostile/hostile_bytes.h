#pragma once
// Byte-level builders for hostile fixtures: archives, compressed streams and pickles made
// by hand, so a case can lie about sizes and names the way an attacker would.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mlaudit::hostile {

struct ZipMember {
  std::string name;
  std::string data;               // what is stored (already compressed when `deflated`)
  bool deflated = false;
  uint64_t claimed_size = UINT64_MAX;  // uncompressed size written in the headers; default: the real one
  uint32_t crc = 0;               // of the uncompressed bytes (computed for stored members)
};
std::string zip_archive(const std::vector<ZipMember>& members);

// A ustar archive of regular files.
std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& files);

// `count` zero bytes compressed with raw deflate (for zip) or gzip framing; the CRC of the
// uncompressed bytes is returned through `crc`.
std::string deflate_zeros(uint64_t count, bool gzip, uint32_t* crc = nullptr, const std::string& prefix = {});

// Pickle pieces (protocol 2/4 opcodes), enough for the cases.
std::string pickle_global_call(const std::string& module, const std::string& name, const std::string& argument);
// pickle.loads(pickle.loads(...(None))) nested `depth` deep, each level a BINBYTES argument.
std::string nested_loads_pickle(int depth);

// joblib object arrays nested `depth` deep: each NumpyArrayWrapper of dtype 'O' is followed
// by the pickle of its array, which is another such wrapper (the pickle machine recursed).
std::string nested_joblib_object_arrays(int depth);

// A file of `size` bytes that starts with `prefix` and is a hole after it (no disk blocks).
void write_sparse(const std::filesystem::path& path, const std::string& prefix, uint64_t size);
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace mlaudit::hostile
