// Tarballs and compressed streams (gzip, bzip2, xz, zstd), read from memory with libarchive:
// models are often shipped as model.tar.gz (SageMaker) or model.pkl.gz. Every member is
// sniffed and analysed like a file of its own, under the size, ratio, count and depth
// caps, so a decompression bomb costs a finding, not the machine.
#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "extract/model/artifact_analyzer.h"
#include "sniff/sniffer.h"

namespace mlaudit::model {

namespace {

struct ArchiveCloser {
  void operator()(archive* reader) const { archive_read_free(reader); }
};

std::string error_of(archive* reader) {
  const char* error = archive_error_string(reader);
  return error ? error : "unknown error";
}

// "model.pkl.gz" -> "model.pkl": the name a lone compressed stream's content is sniffed by.
std::string without_last_extension(std::string_view name) {
  size_t dot = name.rfind('.');
  size_t slash = name.find_last_of("/!");
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return std::string(name);
  return std::string(name.substr(0, dot));
}

}  // namespace

void ArtifactAnalyzer::analyze_archive(std::string_view bytes, const SniffResult& sniffed, const std::string& member,
                                       int depth) {
  if (depth > archive_limits_.max_depth)
    return issue("archive-limit", "archive nested deeper than " + std::to_string(archive_limits_.max_depth) +
                                      " levels: not analysed",
                 member);
  std::unique_ptr<archive, ArchiveCloser> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_all(reader.get());
  archive_read_support_format_raw(reader.get());  // a lone compressed stream such as model.pkl.gz
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return issue("archive-malformed", std::string("cannot open the ") + std::string(to_string(sniffed.kind)) + ": " +
                                          error_of(reader.get()),
                 member);
  size_t members = 0;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
    if (++members > archive_limits_.max_members) {
      issue("archive-limit", "more than " + std::to_string(archive_limits_.max_members) +
                                 " members: the rest were not analysed",
            member);
      return;
    }
    bool raw = archive_format(reader.get()) == ARCHIVE_FORMAT_RAW;
    const char* entry_name = archive_entry_pathname(entry);
    std::string name = raw ? std::string("(decompressed)") : std::string(entry_name ? entry_name : "(unnamed)");
    if (!raw && archive_member_escapes(name))
      issue("archive-path-traversal",
            "member `" + name + "` would be extracted outside the target folder (tar-slip) by a naive extractor", member);
    if (!raw && archive_entry_filetype(entry) == AE_IFLNK && archive_entry_symlink(entry) &&
        archive_member_escapes(archive_entry_symlink(entry)))
      issue("archive-path-traversal",
            "member `" + name + "` is a link to `" + archive_entry_symlink(entry) + "`, outside the archive's folder",
            member);
    // 7z archives written without POSIX attributes give no file type: such entries are files.
    if (archive_entry_filetype(entry) != AE_IFREG && archive_entry_filetype(entry) != 0) continue;
    std::string path = member_path(member, name);

    // Unpack, checking the size and the expansion ratio as we go; members that are not
    // models or archives are skipped after their first bytes are sniffed.
    std::string content;
    char buffer[1 << 16];
    bool over_limit = false, sniffed_head = false;
    SniffResult member_kind;
    la_ssize_t got;
    while ((got = archive_read_data(reader.get(), buffer, sizeof buffer)) > 0) {
      content.append(buffer, static_cast<size_t>(got));
      uint64_t consumed = static_cast<uint64_t>(std::max<la_int64_t>(archive_filter_bytes(reader.get(), -1), 1));
      if (content.size() > archive_limits_.max_member_bytes ||
          (content.size() > (1u << 20) && content.size() / consumed > archive_limits_.max_ratio)) {
        over_limit = true;
        break;
      }
      if (!sniffed_head && content.size() >= kSniffHeadBytes) {
        sniffed_head = true;
        member_kind = sniff_bytes(content, raw ? without_last_extension(member.empty() ? file_ : member) : name);
        FileFamily family = family_of(member_kind.kind);
        if (family != FileFamily::model && family != FileFamily::archive) break;
      }
    }
    if (over_limit) {
      // What was inflated before the cut is analysed; the rest of the stream is not.
      issue("archive-limit",
            "member `" + name + "` expands beyond " + std::to_string(archive_limits_.max_member_bytes >> 20) + " MiB or " +
                std::to_string(archive_limits_.max_ratio) + "x the archive's size (a decompression bomb?): its first " +
                std::to_string(content.size()) + " bytes were analysed, the rest of the archive was not",
            member);
      if (!sniffed_head) member_kind = sniff_bytes(content, raw ? without_last_extension(member.empty() ? file_ : member) : name);
      FileFamily family = family_of(member_kind.kind);
      if ((family == FileFamily::model || family == FileFamily::archive) && take_budget(content.size(), path))
        analyze(content, member_kind, path + " (first " + std::to_string(content.size() >> 20) + " MiB)", depth + 1);
      return;  // a bomb cannot be skipped without inflating it
    }
    if (got < 0) {
      issue("archive-malformed", "member `" + name + "` is damaged: " + error_of(reader.get()), member);
      return;
    }
    if (!sniffed_head)
      member_kind = sniff_bytes(content, raw ? without_last_extension(member.empty() ? file_ : member) : name);
    FileFamily family = family_of(member_kind.kind);
    if (family != FileFamily::model && family != FileFamily::archive) {
      if (raw)  // a lone compressed stream: say what it held, since nothing else will
        sink_.diagnose(DiagnosticLevel::note, "compressed-content", location(member, -1),
                       "the " + std::string(to_string(sniffed.kind)) + " stream" +
                           (member.empty() ? std::string() : " " + member) + " holds " + member_kind.detail +
                           ", not a model: its first " + std::to_string(content.size()) +
                           " bytes were inflated and the rest was not analysed");
      continue;
    }
    if (!take_budget(content.size(), path)) return;
    analyze(content, member_kind, path, depth + 1);
  }
  if (status != ARCHIVE_EOF)
    issue("archive-malformed", std::string("the archive is damaged: ") + error_of(reader.get()),
          member);
}

}  // namespace mlaudit::model
