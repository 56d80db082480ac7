#include "sniff/file_kind.h"

namespace mlaudit {

std::string_view to_string(FileKind kind) {
  switch (kind) {
    case FileKind::python: return "python";
    case FileKind::notebook: return "notebook";
    case FileKind::yaml: return "yaml";
    case FileKind::json: return "json";
    case FileKind::toml: return "toml";
    case FileKind::ini: return "ini";
    case FileKind::dockerfile: return "dockerfile";
    case FileKind::requirements: return "requirements";
    case FileKind::env_file: return "env-file";
    case FileKind::xml: return "xml";
    case FileKind::shell: return "shell";
    case FileKind::markdown: return "markdown";
    case FileKind::text: return "text";
    case FileKind::csv: return "csv";
    case FileKind::tsv: return "tsv";
    case FileKind::jsonl: return "jsonl";
    case FileKind::json_records: return "json-records";
    case FileKind::parquet: return "parquet";
    case FileKind::sqlite: return "sqlite";
    case FileKind::pickle: return "pickle";
    case FileKind::compressed_pickle: return "compressed-pickle";
    case FileKind::torch_legacy: return "torch-legacy";
    case FileKind::pytorch_zip: return "pytorch-zip";
    case FileKind::torchscript: return "torchscript";
    case FileKind::keras_v3: return "keras-v3";
    case FileKind::npy: return "npy";
    case FileKind::npz: return "npz";
    case FileKind::hdf5: return "hdf5";
    case FileKind::onnx: return "onnx";
    case FileKind::safetensors: return "safetensors";
    case FileKind::gguf: return "gguf";
    case FileKind::tflite: return "tflite";
    case FileKind::lfs_pointer: return "git-lfs-pointer";
    case FileKind::tf_saved_model: return "tensorflow-saved-model";
    case FileKind::jinja_template: return "jinja-template";
    case FileKind::sevenzip: return "7z";
    case FileKind::rar: return "rar";
    case FileKind::zip: return "zip";
    case FileKind::gzip: return "gzip";
    case FileKind::tar: return "tar";
    case FileKind::bzip2: return "bzip2";
    case FileKind::xz: return "xz";
    case FileKind::zstd: return "zstd";
    case FileKind::image: return "image";
    case FileKind::pdf: return "pdf";
    case FileKind::executable: return "executable";
    case FileKind::binary: return "binary";
    case FileKind::empty: return "empty";
  }
  return "binary";
}

FileFamily family_of(FileKind kind) {
  switch (kind) {
    case FileKind::python:
      return FileFamily::code;
    case FileKind::notebook:
      return FileFamily::notebook;
    case FileKind::yaml: case FileKind::json: case FileKind::toml: case FileKind::ini:
    case FileKind::dockerfile: case FileKind::requirements: case FileKind::env_file: case FileKind::xml:
      return FileFamily::config;
    case FileKind::csv: case FileKind::tsv: case FileKind::jsonl: case FileKind::json_records:
    case FileKind::parquet: case FileKind::sqlite:
      return FileFamily::data;
    case FileKind::pickle: case FileKind::compressed_pickle: case FileKind::torch_legacy:
    case FileKind::pytorch_zip: case FileKind::torchscript: case FileKind::keras_v3: case FileKind::npy:
    case FileKind::npz: case FileKind::hdf5: case FileKind::onnx: case FileKind::safetensors:
    case FileKind::gguf: case FileKind::tflite: case FileKind::lfs_pointer: case FileKind::tf_saved_model:
      return FileFamily::model;
    case FileKind::zip: case FileKind::gzip: case FileKind::tar: case FileKind::bzip2: case FileKind::xz:
    case FileKind::zstd: case FileKind::sevenzip: case FileKind::rar:
      return FileFamily::archive;
    case FileKind::shell: case FileKind::markdown: case FileKind::text: case FileKind::jinja_template:
      return FileFamily::document;
    default:
      return FileFamily::other;
  }
}

bool is_text_kind(FileKind kind) {
  switch (kind) {
    case FileKind::python: case FileKind::notebook: case FileKind::yaml: case FileKind::json:
    case FileKind::toml: case FileKind::ini: case FileKind::dockerfile: case FileKind::requirements:
    case FileKind::env_file: case FileKind::xml: case FileKind::shell: case FileKind::markdown:
    case FileKind::text: case FileKind::jinja_template:
      return true;
    default:
      return false;
  }
}

}  // namespace mlaudit
