#include "extract/model/model_artifact_extractor.h"

#include <algorithm>

#include "crypto/sha256.h"
#include "extract/model/artifact_analyzer.h"
#include "util/mapped_file.h"

namespace mlaudit {

void ModelArtifactExtractor::extract(const FileContext& file, FactSink& sink) const {
  const std::string& path = file.file.relative;
  std::string error;
  auto mapped = MappedFile::open(file.file.absolute, error);
  if (!mapped) {
    sink.diagnose(DiagnosticLevel::warning, "unreadable", Location{path}, "cannot read the model file: " + error);
    return;
  }
  std::string_view bytes = mapped->bytes();
  model::ArtifactAnalyzer analyzer(path, sink);
  analyzer.analyze(bytes, file.sniffed, "", 0);
  const model::ArtifactSummary& summary = analyzer.summary();

  // An archive that holds no model is a dataset or a source bundle: nothing to inventory.
  bool archive = family_of(file.sniffed.kind) == FileFamily::archive;
  if (archive && summary.members.empty()) return;

  nlohmann::ordered_json props(nlohmann::ordered_json::value_t::object);
  props["format"] = to_string(file.sniffed.kind);
  props["detail"] = summary.detail.empty() ? file.sniffed.detail : file.sniffed.detail + "; " + summary.detail;
  props["pickle_based"] = summary.pickle_based;
  props["size"] = file.file.size;
  // Hashed in windows whose pages are dropped once read: a multi-gigabyte file costs a window
  // of memory, not its size.
  DigestStream digest(DigestStream::Algorithm::sha256);
  constexpr size_t kWindow = 64u << 20;
  for (size_t offset = 0; offset < bytes.size(); offset += kWindow) {
    digest.update(bytes.substr(offset, kWindow));
    mapped->release_before(std::min(bytes.size(), offset + kWindow));
  }
  props["sha256"] = digest.hex();
  props["pickles"] = summary.pickles;
  props["pickle_opcodes"] = summary.opcodes;
  props["globals"] = summary.globals;
  props["members"] = summary.members;
  sink.add(FactType::model_artifact, Location{path}, std::move(props));
}

}  // namespace mlaudit
