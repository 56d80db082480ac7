// Zip containers read with libzip from memory: PyTorch and TorchScript checkpoints (their
// pickles), .npz bundles (their arrays), Keras v3 archives (their configuration) and plain
// zips (every member sniffed and analysed as a file of its own).
#include <zip.h>
#include <zlib.h>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <set>

#include "extract/model/artifact_analyzer.h"
#include "sniff/pickle_opcodes.h"
#include "sniff/sniffer.h"

namespace mlaudit::model {
namespace {

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipCloser>;

ZipHandle open_zip(std::string_view bytes, std::string& error) {
  zip_error_t zip_error;
  zip_error_init(&zip_error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zip_error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY, &zip_error) : nullptr;
  if (!archive) {
    error = zip_error_strerror(&zip_error);
    if (source) zip_source_free(source);
  }
  zip_error_fini(&zip_error);
  return ZipHandle(archive);
}

// Reads up to `limit` bytes of member `index` (`flags`: 0, or ZIP_FL_ENCRYPTED for the raw
// stored bytes); nullopt (with `error`) when it cannot be read.
std::optional<std::string> read_member(zip_t* archive, zip_uint64_t index, uint64_t limit, std::string& error,
                                       zip_flags_t flags = 0) {
  zip_file_t* file = zip_fopen_index(archive, index, flags);
  if (!file) {
    error = zip_strerror(archive);
    return std::nullopt;
  }
  std::string content;
  char buffer[1 << 16];
  while (content.size() < limit) {
    zip_int64_t got = zip_fread(file, buffer, std::min<uint64_t>(sizeof buffer, limit - content.size()));
    if (got < 0) {
      error = zip_file_strerror(file);
      zip_fclose(file);
      return std::nullopt;
    }
    if (got == 0) break;
    content.append(buffer, static_cast<size_t>(got));
  }
  zip_fclose(file);
  return content;
}

// Raw deflate data inflated up to `limit` bytes, whatever its CRC says; nullopt when damaged
// before anything came out.
std::optional<std::string> inflate_raw(std::string_view compressed, uint64_t limit) {
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size(), UINT32_MAX));
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK && out.size() < limit) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  if (out.size() > limit) out.resize(limit);
  if (out.empty() && status != Z_STREAM_END) return std::nullopt;
  return out;
}

// Tensor bytes that parse as a pickle opcode stream reaching STOP, any protocol (protocol 0
// has no 0x80 header to look for).
bool is_pickle_start(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80 && head[1] >= 2 && head[1] <= 5) return true;
  PickleStreamProbe probe = probe_pickle_stream(head, 10000);
  return probe.reached_stop && !probe.invalid && probe.opcodes >= 3;
}

}  // namespace

// Whether the members the central directory lists cover the bytes before it, local header
// to local header (libzip does not expose member offsets, so the directory's fixed-size
// records are read here): a gap is where a member only a local header shows would sit.
// ZIP64 records and anything unexpected answer false, and the local headers are then read.
static bool directory_covers_file(std::string_view bytes) {
  auto le = [&](size_t at, int width) -> std::optional<uint64_t> {
    if (at + static_cast<size_t>(width) > bytes.size()) return std::nullopt;
    uint64_t value = 0;
    for (int k = width - 1; k >= 0; --k) value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<size_t>(k)]);
    return value;
  };
  size_t search_from = bytes.size() > 65557 ? bytes.size() - 65557 : 0;
  size_t end_record = bytes.substr(search_from).rfind(std::string_view("PK\x05\x06", 4));
  if (end_record == std::string_view::npos) return false;
  end_record += search_from;
  auto entries = le(end_record + 10, 2), directory = le(end_record + 16, 4);
  if (!entries || !directory || *directory == 0xFFFFFFFF || *directory > end_record) return false;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // local header offset, end of its data
  size_t at = *directory;
  for (uint64_t k = 0; k < *entries; ++k) {
    // Lengths from the previous record can point past the end: no record there.
    if (at > bytes.size() || !bytes.substr(at).starts_with(std::string_view("PK\x01\x02", 4))) return false;
    auto flags = le(at + 8, 2), compressed = le(at + 20, 4), name = le(at + 28, 2), extra = le(at + 30, 2),
         comment = le(at + 32, 2), offset = le(at + 42, 4);
    if (!flags || !compressed || !name || !extra || !comment || !offset) return false;
    if (*compressed == 0xFFFFFFFF || *offset == 0xFFFFFFFF) return false;
    auto local_name = le(*offset + 26, 2), local_extra = le(*offset + 28, 2);
    if (!local_name || !local_extra) return false;
    uint64_t data_end = *offset + 30 + *local_name + *local_extra + *compressed + ((*flags & 8) ? 24 : 0);
    spans.emplace_back(*offset, data_end);
    at += 46 + *name + *extra + *comment;
  }
  std::sort(spans.begin(), spans.end());
  uint64_t covered = 0;
  for (const auto& [offset, data_end] : spans) {
    if (offset > covered + 24) return false;  // bytes no listed member accounts for
    covered = std::max(covered, data_end);
  }
  return covered + 24 >= *directory;
}

bool archive_member_escapes(std::string_view name) {
  if (name.starts_with('/') || name.starts_with('\\') || (name.size() > 1 && name[1] == ':')) return true;
  int depth = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return false;
}

std::optional<std::string> ArtifactAnalyzer::read_zip_member(zip_t* archive, zip_uint64_t index, const zip_stat_t& stat,
                                                             uint64_t limit, const std::string& member) {
  std::string name = stat.name;
  uint64_t size = (stat.valid & ZIP_STAT_SIZE) ? stat.size : 0;
  uint64_t compressed = (stat.valid & ZIP_STAT_COMP_SIZE) ? stat.comp_size : size;
  bool encrypted = (stat.valid & ZIP_STAT_ENCRYPTION_METHOD) && stat.encryption_method != ZIP_EM_NONE;
  bool stored = (stat.valid & ZIP_STAT_COMP_METHOD) && stat.comp_method == ZIP_CM_STORE;
  std::string error;
  if (encrypted) {
    // Encryption adds a 12-byte header (traditional) or salt and MAC (AES): a stored member
    // as long as its content is plain text behind a flag that makes Python's zipfile refuse it.
    if (stored && compressed == size) {
      auto raw = read_member(archive, index, std::min(limit, size), error, ZIP_FL_ENCRYPTED);
      if (raw && limit >= size)
        issue("archive-malformed",
              "member `" + name + "` is flagged as encrypted but stored in plain text: zipfile-based readers and "
              "scanners skip it, readers that ignore the flag load it; its content was analysed",
              member);
      if (raw) return raw;
    }
    sink_.diagnose(DiagnosticLevel::note, "encrypted-member", location(member, -1),
                   "member `" + name + "` of " + (member.empty() ? std::string("the archive") : member) +
                       " is encrypted: not analysed");
    return std::nullopt;
  }
  uint64_t wanted = std::min<uint64_t>(limit, size < limit ? size + 1 : limit);  // one byte more than claimed
  auto content = read_member(archive, index, wanted, error);
  if (content) {
    if (content->size() > size)
      issue("archive-malformed",
            "member `" + name + "` holds more bytes than the " + std::to_string(size) + " its header claims", member);
    return content;
  }
  // A damaged member (wrong CRC, wrong sizes) is still what some loaders read: take its raw
  // bytes and inflate them ourselves.
  auto raw = read_member(archive, index, std::min<uint64_t>(compressed, archive_limits_.max_member_bytes), error, ZIP_FL_ENCRYPTED);
  std::optional<std::string> recovered;
  if (raw && stored) recovered = std::move(raw);
  else if (raw && (stat.valid & ZIP_STAT_COMP_METHOD) && stat.comp_method == ZIP_CM_DEFLATE)
    recovered = inflate_raw(*raw, std::min(limit, archive_limits_.max_member_bytes));
  issue("archive-malformed",
        "member `" + name + "` fails zip's checks (" + error + ")" +
            (recovered ? std::string(": loaders that do not check read it, and its content was analysed")
                       : std::string(": it cannot be read")),
        member);
  return recovered;
}

void ArtifactAnalyzer::analyze_zip(std::string_view bytes, const SniffResult& sniffed, const std::string& member,
                                   int depth) {
  std::string error;
  std::set<std::pair<std::string, uint64_t>> listed;  // (name, size) read through the central directory
  std::set<size_t> listed_contents;                    // hashes of the members analysed through it
  ZipHandle archive = open_zip(bytes, error);
  if (!archive) {
    issue("archive-malformed", "the zip's central directory cannot be read (" + error +
                                   "): its members were read from their local headers",
          member);
    return analyze_zip_local_entries(bytes, member, depth, listed, {});
  }
  zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0) return issue("archive-malformed", "the zip's central directory is unreadable", member);
  if (static_cast<uint64_t>(count) > archive_limits_.max_members)
    issue("archive-limit", "the zip lists " + std::to_string(count) + " members; only the first " +
                               std::to_string(archive_limits_.max_members) + " were analysed",
          member);
  bool checkpoint = sniffed.kind == FileKind::pytorch_zip || sniffed.kind == FileKind::torchscript;
  if (checkpoint) summary_.pickle_based = true;

  for (zip_int64_t i = 0; i < count && static_cast<uint64_t>(i) < archive_limits_.max_members; ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 || !stat.name) continue;
    std::string name = stat.name;
    std::string path = member_path(member, name);
    uint64_t size = (stat.valid & ZIP_STAT_SIZE) ? stat.size : 0;
    listed.emplace(name, size);
    if (name.ends_with('/')) continue;  // a folder entry
    if (archive_member_escapes(name))
      issue("archive-path-traversal",
            "member `" + name + "` would be extracted outside the target folder (zip-slip) by a naive extractor",
            member);
    uint64_t compressed = (stat.valid & ZIP_STAT_COMP_SIZE) ? stat.comp_size : size;
    if (size > archive_limits_.max_member_bytes ||
        (compressed > 0 && size / compressed > archive_limits_.max_ratio && size > (1u << 20))) {
      issue("archive-limit",
            "member `" + name + "` unpacks to " + std::to_string(size) + " bytes from " + std::to_string(compressed) +
                " (over the " + std::to_string(archive_limits_.max_member_bytes >> 20) + " MiB or " +
                std::to_string(archive_limits_.max_ratio) + "x limit): not analysed",
            member);
      continue;
    }

    // Decide from the name and the first bytes whether the member is worth unpacking.
    bool wanted = false;
    if (checkpoint) {
      // data.pkl / constants.pkl hold the pickles; data/N hold raw tensor bytes, which are
      // only read far enough to see that they are not a smuggled pickle.
      wanted = name.ends_with(".pkl");
    } else if (sniffed.kind == FileKind::npz) {
      wanted = name.ends_with(".npy");
    } else if (sniffed.kind == FileKind::keras_v3) {
      wanted = name == "config.json";
    }
    auto head = read_zip_member(archive.get(), static_cast<zip_uint64_t>(i), stat, kSniffHeadBytes, member);
    if (!head) continue;
    SniffResult member_kind = sniff_bytes(*head, name);
    FileFamily family = family_of(member_kind.kind);
    if (!wanted) {
      if (checkpoint && name.find("/data/") != std::string::npos) {
        if (!is_pickle_start(*head)) continue;  // tensor bytes
        issue("hidden-pickle", "tensor storage member `" + name + "` holds a pickle stream", member);
        wanted = true;
      } else if (family == FileFamily::model || family == FileFamily::archive) {
        wanted = true;
      }
    }
    if (!wanted) continue;
    if (depth + 1 > archive_limits_.max_depth && family == FileFamily::archive) {
      issue("archive-limit", "member `" + name + "` is an archive nested deeper than " +
                                 std::to_string(archive_limits_.max_depth) + " levels: not analysed",
            member);
      continue;
    }
    std::string content = std::move(*head);
    if (size > content.size()) {
      if (!take_budget(size, path)) return;
      auto whole = read_zip_member(archive.get(), static_cast<zip_uint64_t>(i), stat, archive_limits_.max_member_bytes, member);
      if (!whole) continue;
      content = std::move(*whole);
      member_kind = sniff_bytes(content, name);
    }
    listed_contents.insert(std::hash<std::string_view>{}(content));
    analyze_zip_member(content, member_kind, sniffed, name, member, depth);
  }
  // Local headers beyond what the directory lists mean members it hides: read them too.
  if (!directory_covers_file(bytes)) analyze_zip_local_entries(bytes, member, depth, listed, listed_contents);
}

void ArtifactAnalyzer::analyze_zip_member(const std::string& content, const SniffResult& member_kind,
                                          const SniffResult& sniffed, const std::string& name, const std::string& member,
                                          int depth) {
  std::string path = member_path(member, name);
  bool checkpoint = sniffed.kind == FileKind::pytorch_zip || sniffed.kind == FileKind::torchscript;
  if (sniffed.kind == FileKind::keras_v3 && name == "config.json") {
    summary_.members.push_back(path);
    analyze_keras_config(content, path);
  } else if (checkpoint && name.ends_with(".pkl")) {
    // Read as a pickle whatever it looks like: a damaged one is reported by the VM.
    summary_.members.push_back(path);
    analyze_pickle(content, path, to_string(sniffed.kind));
  } else {
    analyze(content, member_kind, path, depth + 1);
  }
}

// The members as a streaming reader sees them, from their local headers (libarchive's
// streamable zip reader): entries the central directory does not list (hidden, duplicated
// under another name, or all of them when the directory is broken) are analysed too.
void ArtifactAnalyzer::analyze_zip_local_entries(std::string_view bytes, const std::string& member, int depth,
                                                 const std::set<std::pair<std::string, uint64_t>>& listed,
                                                 const std::set<size_t>& listed_contents) {
  std::unique_ptr<archive, void (*)(archive*)> reader(archive_read_new(), [](archive* a) { archive_read_free(a); });
  archive_read_support_format_zip_streamable(reader.get());
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) return;
  archive_entry* entry = nullptr;
  size_t entries = 0;
  int status;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
    if (++entries > archive_limits_.max_members) break;
    const char* entry_name = archive_entry_pathname(entry);
    std::string name = entry_name ? entry_name : "(unnamed)";
    uint64_t size = archive_entry_size_is_set(entry) ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
    if (archive_entry_filetype(entry) != AE_IFREG || listed.contains({name, size})) continue;
    if (archive_entry_is_data_encrypted(entry)) {
      sink_.diagnose(DiagnosticLevel::note, "encrypted-member", location(member, -1),
                     "member `" + name + "` (local header only) is encrypted: not analysed");
      continue;
    }
    std::string content;
    char buffer[1 << 16];
    la_ssize_t got;
    while ((got = archive_read_data(reader.get(), buffer, sizeof buffer)) > 0 &&
           content.size() < archive_limits_.max_member_bytes)
      content.append(buffer, static_cast<size_t>(got));
    if (content.empty()) continue;
    SniffResult member_kind = sniff_bytes(content, name);
    FileFamily family = family_of(member_kind.kind);
    if (family != FileFamily::model && family != FileFamily::archive) continue;
    if (listed_contents.contains(std::hash<std::string_view>{}(content))) continue;  // the same bytes under another name
    if (!listed.empty())
      issue("archive-malformed",
            "member `" + name + "` has a local header but no entry in the central directory: readers that stream the "
            "file see it, zipfile does not; it was analysed",
            member);
    if (!take_budget(content.size(), member_path(member, name))) return;
    if (depth + 1 > archive_limits_.max_depth && family == FileFamily::archive) continue;
    analyze(content, member_kind, member_path(member, name + " (local header)"), depth + 1);
  }
}

}  // namespace mlaudit::model
