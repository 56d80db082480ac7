#pragma once
#include <string>
#include <string_view>

namespace mlaudit {

// What a file is, decided from its content first and its name second.
enum class FileKind {
  // source and configuration
  python, notebook, yaml, json, toml, ini, dockerfile, requirements, env_file, xml, shell,
  markdown, text,
  // datasets
  csv, tsv, jsonl, json_records, parquet, sqlite,
  // models and serialized objects
  pickle, compressed_pickle, torch_legacy, pytorch_zip, torchscript, keras_v3, npy, npz, hdf5,
  onnx, safetensors, gguf, tflite, lfs_pointer, tf_saved_model, jinja_template,
  // other binaries
  zip, gzip, tar, bzip2, xz, zstd, sevenzip, rar, image, pdf, executable, binary, empty,
};

std::string_view to_string(FileKind kind);

// Which family of extractor handles a kind.
enum class FileFamily { code, notebook, config, data, model, archive, document, other };
FileFamily family_of(FileKind kind);

// Text kinds are also searched for secrets.
bool is_text_kind(FileKind kind);

struct SniffResult {
  FileKind kind = FileKind::binary;
  std::string detail;   // e.g. "pickle protocol 4", "zip holding archive/data.pkl"
};

}  // namespace mlaudit
