#pragma once
// Static analysis of one model file, whatever its format: pickles (raw, joblib,
// compressed, legacy torch, inside PyTorch/TorchScript zips and object .npy arrays),
// Keras configurations, ONNX graphs, safetensors headers, and archives nested inside each
// other under size, ratio and depth caps. Nothing is loaded or executed. Findings become
// facts (pickle_global, model_issue, keras_layer, onnx_*); the file's summary becomes
// its model_artifact fact.
#include <zip.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/model/pickle_vm.h"
#include "sniff/file_kind.h"

namespace mlaudit::model {

struct ArchiveLimits {
  uint64_t max_member_bytes = 512ull << 20;  // one member, uncompressed
  uint64_t max_total_bytes = 2ull << 30;     // all members of one file, uncompressed
  uint64_t max_ratio = 200;                  // uncompressed / compressed, per member
  size_t max_members = 10000;
  int max_depth = 3;                         // archives inside archives
};

struct ArtifactSummary {
  std::string format, detail;
  bool pickle_based = false;
  int pickles = 0;
  uint64_t opcodes = 0;
  std::vector<std::string> globals;  // distinct module.name seen anywhere in the file
  std::vector<std::string> members;  // archive members that were analysed
  uint64_t unpacked_bytes = 0;
};

class ArtifactAnalyzer {
 public:
  ArtifactAnalyzer(std::string file, FactSink& sink, PickleLimits pickle_limits = {}, ArchiveLimits archive_limits = {});

  // `bytes` is the whole file (member == "") or an archive member, of kind `sniffed`.
  void analyze(std::string_view bytes, const SniffResult& sniffed, const std::string& member, int depth);
  const ArtifactSummary& summary() const { return summary_; }

 private:
  void analyze_pickle(std::string_view bytes, const std::string& member, std::string_view format, uint64_t base = 0);
  void analyze_compressed_pickle(std::string_view bytes, const std::string& member);
  void analyze_zip(std::string_view bytes, const SniffResult& sniffed, const std::string& member, int depth);
  std::optional<std::string> read_zip_member(zip_t* archive, zip_uint64_t index, const zip_stat_t& stat, uint64_t limit,
                                             const std::string& member);
  void analyze_zip_member(const std::string& content, const SniffResult& member_kind, const SniffResult& sniffed,
                          const std::string& name, const std::string& member, int depth);
  void analyze_zip_local_entries(std::string_view bytes, const std::string& member, int depth,
                                 const std::set<std::pair<std::string, uint64_t>>& listed,
                                 const std::set<size_t>& listed_contents);
  void analyze_npy(std::string_view bytes, const std::string& member);
  void analyze_keras_config(std::string_view json, const std::string& member);
  void analyze_hdf5(std::string_view bytes, const std::string& member);
  void analyze_onnx(std::string_view bytes, const std::string& member);
  void analyze_safetensors(std::string_view bytes, const std::string& member);
  void analyze_lfs_pointer(std::string_view bytes, const std::string& member);
  void analyze_metadata_strings(const std::vector<std::pair<std::string, std::string>>& entries, const std::string& member,
                                std::string_view container);
  void analyze_gguf(std::string_view bytes, const std::string& member);
  void analyze_saved_model(std::string_view bytes, const std::string& member, std::string_view name);
  void analyze_archive(std::string_view bytes, const SniffResult& sniffed, const std::string& member, int depth);

  // A problem with the file itself; `offset` is a byte offset in the member (-1 = none).
  void issue(std::string_view kind, std::string message, const std::string& member, int64_t offset = -1);
  void issue_with(std::string_view kind, std::string message, const std::string& member, int64_t offset,
                  nlohmann::ordered_json extra);
  Location location(const std::string& member, int64_t offset) const;
  void note_global(const std::string& qualified);
  bool take_budget(uint64_t bytes, const std::string& member);

  std::string file_;
  FactSink& sink_;
  PickleLimits pickle_limits_;
  ArchiveLimits archive_limits_;
  ArtifactSummary summary_;
  bool budget_exhausted_ = false;
};

// "outer.zip!inner/model.pkl": how members of members are named in facts and messages.
std::string member_path(const std::string& parent, std::string_view name);

// An archive member or external-data name that lands outside the folder it is extracted
// into: absolute, a drive letter, or more `..` than folders ("zip-slip").
bool archive_member_escapes(std::string_view name);

}  // namespace mlaudit::model
