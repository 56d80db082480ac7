// Zip containers read with libzip from memory: PyTorch and TorchScript checkpoints (their
// pickles), .npz bundles (their arrays), Keras v3 archives (their configuration) and plain
// zips (every member sniffed and analysed as a file of its own).
#include <zip.h>

#include <memory>

#include "extract/model/artifact_analyzer.h"
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

// Reads up to `limit` bytes of member `index`; nullopt (with `error`) when it cannot be read.
std::optional<std::string> read_member(zip_t* archive, zip_uint64_t index, uint64_t limit, std::string& error) {
  zip_file_t* file = zip_fopen_index(archive, index, 0);
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

bool is_pickle_start(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x80 && head[1] >= 2 && head[1] <= 5;
}

}  // namespace

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

void ArtifactAnalyzer::analyze_zip(std::string_view bytes, const SniffResult& sniffed, const std::string& member,
                                   int depth) {
  std::string error;
  ZipHandle archive = open_zip(bytes, error);
  if (!archive) return issue("archive-malformed", "the zip cannot be opened: " + error, member);
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
    if (name.ends_with('/')) continue;  // a folder entry
    if (archive_member_escapes(name))
      issue("archive-path-traversal",
            "member `" + name + "` would be extracted outside the target folder (zip-slip) by a naive extractor",
            member);
    uint64_t size = (stat.valid & ZIP_STAT_SIZE) ? stat.size : 0;
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
    std::string read_error;
    auto head = read_member(archive.get(), static_cast<zip_uint64_t>(i), kSniffHeadBytes, read_error);
    if (!head) {
      issue("archive-malformed", "member `" + name + "` cannot be read: " + read_error, member);
      continue;
    }
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
      auto whole = read_member(archive.get(), static_cast<zip_uint64_t>(i), archive_limits_.max_member_bytes, read_error);
      if (!whole) {
        issue("archive-malformed", "member `" + name + "` cannot be read: " + read_error, member);
        continue;
      }
      content = std::move(*whole);
      member_kind = sniff_bytes(content, name);
    }
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
}

}  // namespace mlaudit::model
