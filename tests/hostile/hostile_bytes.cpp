#include "hostile_bytes.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <stdexcept>

namespace mlaudit::hostile {
namespace {

void put16(std::string& out, uint32_t value) {
  out += static_cast<char>(value & 0xFF);
  out += static_cast<char>((value >> 8) & 0xFF);
}
void put32(std::string& out, uint32_t value) {
  put16(out, value & 0xFFFF);
  put16(out, value >> 16);
}

uint32_t crc_of(const std::string& data) {
  return static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string octal(uint64_t value, size_t width) {
  std::string digits(width - 1, '0');
  for (size_t i = width - 1; i-- > 0 && value;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  return digits + '\0';
}

}  // namespace

std::string zip_archive(const std::vector<ZipMember>& members) {
  std::string out, central;
  for (const auto& member : members) {
    uint32_t offset = static_cast<uint32_t>(out.size());
    uint32_t crc = member.deflated ? member.crc : crc_of(member.data);
    uint32_t size = static_cast<uint32_t>(member.claimed_size == UINT64_MAX ? (member.deflated ? 0 : member.data.size())
                                                                            : member.claimed_size);
    uint16_t method = member.deflated ? 8 : 0;
    std::string local;
    put32(local, 0x04034b50);
    put16(local, 20), put16(local, 0), put16(local, method), put16(local, 0), put16(local, 0);
    put32(local, crc), put32(local, static_cast<uint32_t>(member.data.size())), put32(local, size);
    put16(local, static_cast<uint32_t>(member.name.size())), put16(local, 0);
    out += local + member.name + member.data;
    put32(central, 0x02014b50);
    put16(central, 20), put16(central, 20), put16(central, 0), put16(central, method), put16(central, 0), put16(central, 0);
    put32(central, crc), put32(central, static_cast<uint32_t>(member.data.size())), put32(central, size);
    put16(central, static_cast<uint32_t>(member.name.size())), put16(central, 0), put16(central, 0);
    put16(central, 0), put16(central, 0), put32(central, 0), put32(central, offset);
    central += member.name;
  }
  uint32_t central_offset = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0), put16(out, 0);
  put16(out, static_cast<uint32_t>(members.size())), put16(out, static_cast<uint32_t>(members.size()));
  put32(out, static_cast<uint32_t>(central.size())), put32(out, central_offset);
  put16(out, 0);
  return out;
}

std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  for (const auto& [name, data] : files) {
    std::string header(512, '\0');
    header.replace(0, std::min<size_t>(name.size(), 99), name.substr(0, 99));
    header.replace(100, 8, octal(0644, 8));
    header.replace(108, 8, octal(0, 8));
    header.replace(116, 8, octal(0, 8));
    header.replace(124, 12, octal(data.size(), 12));
    header.replace(136, 12, octal(0, 12));
    header[156] = '0';
    header.replace(257, 6, std::string("ustar\0", 6));
    header.replace(263, 2, "00");
    header.replace(148, 8, std::string(8, ' '));
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    header.replace(148, 8, octal(sum, 7) + ' ');
    out += header + data + std::string((512 - data.size() % 512) % 512, '\0');
  }
  return out + std::string(1024, '\0');
}

std::string deflate_zeros(uint64_t count, bool gzip, uint32_t* crc, const std::string& prefix) {
  // Deflate 1 MiB of zeros once, ending with a full flush: the compressor starts afresh after
  // it, so every further MiB compresses to the same bytes. A gigabyte costs a memcpy per MiB.
  constexpr uint64_t kChunk = 1 << 20;
  if (count % kChunk != 0) throw std::runtime_error("deflate_zeros wants whole MiB");
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2 failed");
  // `prefix` (small) first, flushed so that the zeros after it start afresh too.
  std::string zeros(kChunk, '\0'), chunk(kChunk, '\0'), head(prefix.size() + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(prefix.data()));
  stream.avail_in = static_cast<uInt>(prefix.size());
  stream.next_out = reinterpret_cast<Bytef*>(head.data());
  stream.avail_out = static_cast<uInt>(head.size());
  if (!prefix.empty()) deflate(&stream, Z_FULL_FLUSH);
  head.resize(head.size() - stream.avail_out);
  stream.next_in = reinterpret_cast<Bytef*>(zeros.data());
  stream.avail_in = static_cast<uInt>(zeros.size());
  stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
  stream.avail_out = static_cast<uInt>(chunk.size());
  deflate(&stream, Z_FULL_FLUSH);
  chunk.resize(chunk.size() - stream.avail_out);
  deflateEnd(&stream);
  uint32_t chunk_crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(kChunk)));
  uint32_t checksum = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(prefix.data()), static_cast<uInt>(prefix.size())));
  std::string out;
  if (gzip) out = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  out += head;
  out.reserve(out.size() + chunk.size() * (count / kChunk) + 16);
  for (uint64_t done = 0; done < count; done += kChunk) {
    out += chunk;
    checksum = static_cast<uint32_t>(crc32_combine(checksum, chunk_crc, static_cast<z_off_t>(kChunk)));
  }
  out += std::string("\x03\x00", 2);  // the final, empty, fixed-Huffman block
  if (gzip) {
    put32(out, checksum);
    put32(out, static_cast<uint32_t>((count + prefix.size()) & 0xFFFFFFFF));
  }
  if (crc) *crc = checksum;
  return out;
}

std::string pickle_global_call(const std::string& module, const std::string& name, const std::string& argument) {
  // PROTO 2, GLOBAL module\nname\n, SHORT_BINSTRING argument, TUPLE1, REDUCE, STOP
  return std::string("\x80\x02", 2) + "c" + module + "\n" + name + "\nU" + static_cast<char>(argument.size()) + argument +
         "\x85R.";
}

std::string nested_loads_pickle(int depth) {
  // Built outside in, each level's length known from the inside out: linear, not quadratic.
  const std::string inner("\x80\x04N.", 4);
  const std::string head = std::string("\x80\x04", 2) + "\x8c\x06pickle\x8c\x05loads\x93";
  const std::string tail = "\x85R.";
  std::vector<uint32_t> sizes(static_cast<size_t>(depth) + 1);
  sizes[0] = static_cast<uint32_t>(inner.size());
  for (int level = 1; level <= depth; ++level)
    sizes[static_cast<size_t>(level)] = static_cast<uint32_t>(head.size() + 5 + sizes[static_cast<size_t>(level) - 1] + tail.size());
  std::string out;
  out.reserve(sizes.back());
  for (int level = depth; level >= 1; --level) {
    out += head + "B";
    put32(out, sizes[static_cast<size_t>(level) - 1]);
  }
  out += inner;
  for (int level = 0; level < depth; ++level) out += tail;
  return out;
}

std::string nested_joblib_object_arrays(int depth) {
  // PROTO 2; NumpyArrayWrapper(); state {shape: (1,), dtype: numpy.dtype('O')}; BUILD.
  const std::string wrapper = std::string("\x80\x02", 2) + "cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81}(" +
                              "U\x05" "shapeK\x01\x85U\x05" "dtypecnumpy\ndtype\nU\x01O\x85Rub";
  std::string out;
  out.reserve((wrapper.size() + 1) * static_cast<size_t>(depth) + 4);
  for (int level = 0; level < depth; ++level) out += wrapper;
  out += std::string("\x80\x02N.", 4);            // the innermost array's pickle
  out += std::string(static_cast<size_t>(depth), '.');  // each wrapper's pickle ends after its array
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream stream(path, std::ios::binary);
  stream << content;
  if (!stream) throw std::runtime_error("cannot write " + path.string());
}

void write_sparse(const std::filesystem::path& path, const std::string& prefix, uint64_t size) {
  write_file(path, prefix);
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) throw std::runtime_error("cannot extend " + path.string());
}

}  // namespace mlaudit::hostile
