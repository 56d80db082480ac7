#include "extract/model/model_artifact_extractor.h"

#include "crypto/sha256.h"
#include "util/file_io.h"

namespace mlaudit {
namespace {

// Formats whose loaders run pickle (or a pickle-based format) and so can execute code.
bool pickle_based(FileKind kind, std::string_view npy_header) {
  switch (kind) {
    case FileKind::pickle: case FileKind::compressed_pickle: case FileKind::torch_legacy:
    case FileKind::pytorch_zip:
      return true;
    case FileKind::npy:  // object arrays are pickled inside the .npy
      return npy_header.find("'descr': '|O'") != std::string_view::npos ||
             npy_header.find("\"descr\": \"|O\"") != std::string_view::npos;
    default:
      return false;
  }
}

}  // namespace

void ModelArtifactExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  std::string npy_header;
  if (file.sniffed.kind == FileKind::npy) {
    auto head = read_file_prefix(file.file.absolute, 512);
    if (auto* text = std::get_if<std::string>(&head)) npy_header = *text;
  }
  auto digest = sha256_file_hex(file.file.absolute);
  if (!digest)
    sink.diagnose(DiagnosticLevel::warning, "unreadable", Location{path}, "cannot read the file to hash it");
  sink.add(FactType::model_artifact, Location{path},
           {{"format", to_string(file.sniffed.kind)},
            {"detail", file.sniffed.detail},
            {"pickle_based", pickle_based(file.sniffed.kind, npy_header)},
            {"size", file.file.size},
            {"sha256", digest ? nlohmann::ordered_json(*digest) : nlohmann::ordered_json()}});
}

}  // namespace mlaudit
