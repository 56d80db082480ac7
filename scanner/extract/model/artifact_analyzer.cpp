#include "extract/model/artifact_analyzer.h"

#include <algorithm>

#include "sniff/sniffer.h"

namespace mlaudit::model {

std::string member_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "!" + std::string(name);
}

ArtifactAnalyzer::ArtifactAnalyzer(std::string file, FactSink& sink, PickleLimits pickle_limits,
                                   ArchiveLimits archive_limits)
    : file_(std::move(file)), sink_(sink), pickle_limits_(pickle_limits), archive_limits_(archive_limits) {}

Location ArtifactAnalyzer::location(const std::string& member, int64_t offset) const {
  Location location{file_};
  if (member.empty() && offset >= 0) location.byte_offset = offset;  // offsets in members are in the message
  return location;
}

void ArtifactAnalyzer::issue(std::string_view kind, std::string message, const std::string& member, int64_t offset) {
  issue_with(kind, std::move(message), member, offset, nlohmann::ordered_json::object());
}

void ArtifactAnalyzer::issue_with(std::string_view kind, std::string message, const std::string& member, int64_t offset,
                                  nlohmann::ordered_json extra) {
  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props["kind"] = kind;
  props["message"] = std::move(message);
  props["member"] = member;
  props["offset"] = offset;
  props["where"] = member.empty() ? (offset >= 0 ? "byte " + std::to_string(offset) : std::string("the file"))
                                  : member + (offset >= 0 ? " (byte " + std::to_string(offset) + ")" : std::string());
  for (auto& [key, value] : extra.items()) props[key] = std::move(value);
  sink_.add(FactType::model_issue, location(member, offset), std::move(props));
}

void ArtifactAnalyzer::note_global(const std::string& qualified) {
  if (std::find(summary_.globals.begin(), summary_.globals.end(), qualified) == summary_.globals.end())
    summary_.globals.push_back(qualified);
}

bool ArtifactAnalyzer::take_budget(uint64_t bytes, const std::string& member) {
  if (summary_.unpacked_bytes + bytes > archive_limits_.max_total_bytes) {
    if (!budget_exhausted_)
      issue("archive-limit",
            "unpacking " + member + " would exceed " + std::to_string(archive_limits_.max_total_bytes >> 20) +
                " MiB for this file: the rest was not analysed",
            member);
    budget_exhausted_ = true;
    return false;
  }
  summary_.unpacked_bytes += bytes;
  return true;
}

namespace {

// Where a zip archive appended to other data starts: Python's zipfile (and loaders built on
// it) find a zip by its end-of-central-directory record, so a file can be a pickle to one
// loader and a zip to another. Returns npos when the bytes hold no such zip.
size_t appended_zip_start(std::string_view bytes) {
  static constexpr std::string_view end_record("PK\x05\x06", 4);
  if (bytes.size() < 22) return std::string_view::npos;
  // The record is the last 22 bytes plus a comment of at most 64 KiB: only that tail is searched.
  size_t search_from = bytes.size() > 65557 ? bytes.size() - 65557 : 0;
  size_t found = bytes.substr(search_from).rfind(end_record);
  if (found == std::string_view::npos) return std::string_view::npos;
  size_t at = search_from + found;
  if (at + 22 > bytes.size()) return std::string_view::npos;
  auto le32 = [&](size_t offset) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= uint32_t(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
    return value;
  };
  uint64_t directory_size = le32(at + 12), directory_offset = le32(at + 16);
  if (directory_size + directory_offset > at) return std::string_view::npos;
  size_t start = at - directory_size - directory_offset;  // bytes prepended before the zip
  return start > 0 && bytes.substr(start).starts_with("PK\x03\x04") ? start : std::string_view::npos;
}

bool is_zip_kind(FileKind kind) {
  return kind == FileKind::zip || kind == FileKind::pytorch_zip || kind == FileKind::torchscript ||
         kind == FileKind::npz || kind == FileKind::keras_v3;
}

}  // namespace

void ArtifactAnalyzer::analyze(std::string_view bytes, const SniffResult& sniffed, const std::string& member, int depth) {
  if (!member.empty()) summary_.members.push_back(member);
  if (!is_zip_kind(sniffed.kind) && sniffed.kind != FileKind::lfs_pointer) {
    if (size_t start = appended_zip_start(bytes); start != std::string_view::npos) {
      std::string_view appended = bytes.substr(start);
      SniffResult zip_kind = sniff_bytes(appended, member.empty() ? file_ : member);
      issue("polyglot",
            "the file is a " + std::string(to_string(sniffed.kind)) + " and also, from byte " + std::to_string(start) +
                ", a " + std::string(to_string(zip_kind.kind)) + ": loaders that look for a zip's directory at the end "
                "(Python's zipfile) read a different model than those that look at the first bytes",
            member, static_cast<int64_t>(start));
      analyze_zip(appended, zip_kind, member_path(member, "(appended zip)"), depth);
    }
  }
  switch (sniffed.kind) {
    case FileKind::pickle:
      summary_.pickle_based = true;
      return analyze_pickle(bytes, member, "pickle");
    case FileKind::torch_legacy:
      summary_.pickle_based = true;
      return analyze_pickle(bytes, member, "torch-legacy");
    case FileKind::compressed_pickle:
      summary_.pickle_based = true;
      return analyze_compressed_pickle(bytes, member);
    case FileKind::pytorch_zip: case FileKind::torchscript: case FileKind::npz: case FileKind::keras_v3:
    case FileKind::zip:
      return analyze_zip(bytes, sniffed, member, depth);
    case FileKind::npy: return analyze_npy(bytes, member);
    case FileKind::hdf5: return analyze_hdf5(bytes, member);
    case FileKind::onnx: return analyze_onnx(bytes, member);
    case FileKind::safetensors: return analyze_safetensors(bytes, member);
    case FileKind::lfs_pointer: return analyze_lfs_pointer(bytes, member);
    case FileKind::gzip: case FileKind::tar: case FileKind::bzip2: case FileKind::xz:
    case FileKind::zstd: case FileKind::sevenzip: case FileKind::rar:
      return analyze_archive(bytes, sniffed, member, depth);
    case FileKind::gguf: return analyze_gguf(bytes, member);
    case FileKind::tf_saved_model: return analyze_saved_model(bytes, member, member.empty() ? file_ : member);
    default:
      return;  // GGUF, TFLite and other formats hold no code: identified and hashed only
  }
}

void ArtifactAnalyzer::analyze_lfs_pointer(std::string_view bytes, const std::string& member) {
  std::string oid, size;
  for (auto line_start = bytes.begin(); line_start < bytes.end();) {
    auto line_end = std::find(line_start, bytes.end(), '\n');
    std::string_view line(&*line_start, static_cast<size_t>(line_end - line_start));
    if (line.starts_with("oid ")) oid = std::string(line.substr(4));
    if (line.starts_with("size ")) size = std::string(line.substr(5));
    line_start = line_end == bytes.end() ? line_end : line_end + 1;
  }
  sink_.add(FactType::lfs_pointer, location(member, -1), {{"oid", oid}, {"size", size}, {"member", member}});
}

}  // namespace mlaudit::model
