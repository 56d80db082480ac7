#include "sniff/sniffer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <regex>
#include <vector>

#include <zlib.h>

#include "sniff/pickle_opcodes.h"
#include "util/text.h"

namespace mlaudit {
namespace fs = std::filesystem;
namespace {

bool starts_with_bytes(std::string_view head, std::string_view magic) { return head.starts_with(magic); }

std::string extension_of(std::string_view relative) {
  auto slash = relative.rfind('/');
  std::string_view name = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return to_lower(name.substr(dot + 1));
}

std::string base_name(std::string_view relative) {
  auto slash = relative.rfind('/');
  return std::string(slash == std::string_view::npos ? relative : relative.substr(slash + 1));
}

char last_byte(const fs::path& path, uint64_t size) {
  if (size == 0) return 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return 0;
  char byte = 0;
  if (::pread(fd, &byte, 1, static_cast<off_t>(size - 1)) != 1) byte = 0;
  ::close(fd);
  return byte;
}

// Pickle protocols 0 and 1 have no header; recognise their usual openings and the STOP
// opcode ('.') that ends every pickle.
bool looks_like_text_pickle(std::string_view head, char last) {
  if (last != '.') return false;
  static const std::regex global_opening(R"(^c[A-Za-z_][\w.]*\n[A-Za-z_]\w*\n)");
  if (head.size() > 2 && head[0] == 'c' && std::regex_search(std::string(head.substr(0, 256)), global_opening))
    return true;
  static constexpr std::array openings = {"(dp0", "(lp0", "(i", "(c", "(S'", "(I", "(V", "}q\x00", "]q\x00",
                                          "}q\x01", "]q\x01", "(X"};
  for (std::string_view opening : openings)
    if (head.starts_with(opening)) return true;
  return false;
}

// A zlib stream: CM=8, the 16-bit check value divisible by 31, and data that inflates.
// The header check alone also passes for "(S'" (0x28 0x53), how protocol-0 pickles open.
bool looks_like_zlib(std::string_view head) {
  if (head.size() < 2) return false;
  auto cmf = static_cast<unsigned char>(head[0]), flg = static_cast<unsigned char>(head[1]);
  if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0) return false;
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return false;
  unsigned char out[4096];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(head.data()));
  stream.avail_in = static_cast<uInt>(std::min<size_t>(head.size(), 4096));
  stream.next_out = out;
  stream.avail_out = sizeof out;
  int status = inflate(&stream, Z_SYNC_FLUSH);
  inflateEnd(&stream);
  return status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR;
}

// Names under which pickles are shipped: such a file, and any binary no format claims, is
// tried as an opcode stream.
bool model_like_extension(std::string_view extension) {
  static constexpr std::array names = {"pkl", "pickle", "joblib", "pt", "pth", "bin", "ckpt", "dat", "data", "model",
                                       "sav", "p", "pck", "pcl", "pkl3", "dill", "cloudpickle", "mar", "tar", "npy"};
  return std::find(names.begin(), names.end(), extension) != names.end();
}

// A stream of pickle opcodes that reaches STOP (or, for a model-like name, fills the whole
// head without a byte that is no opcode).
bool looks_like_opcode_stream(std::string_view head, bool model_like_name) {
  PickleStreamProbe probe = probe_pickle_stream(head, 100000);
  if (probe.invalid || probe.opcodes < 2) return false;
  if (probe.reached_stop) return true;
  return model_like_name && probe.end >= head.size() && head.size() >= kSniffHeadBytes;
}

std::vector<std::string> zip_member_names(zip_t* archive) {
  std::vector<std::string> names;
  zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count && i < 100000; ++i)
    if (const char* name = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0)) names.emplace_back(name);
  zip_close(archive);
  return names;
}

// The member names of a zip on disk or in memory; nullopt when the central directory is unreadable.
std::optional<std::vector<std::string>> zip_names(const fs::path* path, std::string_view bytes) {
  int error = 0;
  zip_t* archive = nullptr;
  if (path) {
    archive = zip_open(path->c_str(), ZIP_RDONLY, &error);
  } else {
    zip_error_t zip_error;
    zip_error_init(&zip_error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zip_error);
    if (source) {
      archive = zip_open_from_source(source, ZIP_RDONLY, &zip_error);
      if (!archive) zip_source_free(source);
    }
    zip_error_fini(&zip_error);
  }
  if (archive == nullptr) return std::nullopt;
  return zip_member_names(archive);
}

SniffResult classify_zip(const std::optional<std::vector<std::string>>& listed) {
  if (!listed) return {FileKind::zip, "zip (central directory unreadable)"};
  const std::vector<std::string>& names = *listed;
  auto has = [&](auto predicate) { return std::any_of(names.begin(), names.end(), predicate); };
  auto ends = [](const std::string& name, std::string_view suffix) {
    return name == suffix.substr(1) || name.ends_with(suffix);
  };
  std::string pickle_member;
  for (const auto& name : names)
    if (ends(name, "/data.pkl")) pickle_member = name;
  if (!pickle_member.empty()) {
    bool torchscript = has([&](const auto& n) { return ends(n, "/constants.pkl") || n.find("/code/") != std::string::npos; });
    return {torchscript ? FileKind::torchscript : FileKind::pytorch_zip, "zip holding " + pickle_member};
  }
  bool keras = has([](const auto& n) { return n == "config.json"; }) &&
               has([](const auto& n) { return n == "model.weights.h5" || n == "metadata.json"; });
  if (keras) return {FileKind::keras_v3, "Keras v3 archive (config.json, weights)"};
  if (!names.empty() && std::all_of(names.begin(), names.end(), [](const auto& n) { return n.ends_with(".npy"); }))
    return {FileKind::npz, "npz archive of " + std::to_string(names.size()) + " arrays"};
  return {FileKind::zip, "zip archive of " + std::to_string(names.size()) + " members"};
}

std::optional<SniffResult> sniff_binary(const fs::path* path, std::string_view head, uint64_t size) {
  auto byte = [&](size_t i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0u; };
  if (starts_with_bytes(head, "PK\x03\x04") || starts_with_bytes(head, std::string_view("PK\x05\x06", 4)))
    return classify_zip(zip_names(path, head));
  if (head.size() >= 2 && byte(0) == 0x80 && byte(1) >= 2 && byte(1) <= 5) {
    // Legacy torch.save files start with a pickled magic number (LONG1 0x1950a86a20f9469cfc6c).
    static constexpr std::string_view torch_magic("\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 12);
    if (head.substr(2).starts_with(torch_magic)) return SniffResult{FileKind::torch_legacy, "legacy torch.save stream"};
    return SniffResult{FileKind::pickle, "pickle protocol " + std::to_string(byte(1))};
  }
  if (starts_with_bytes(head, "\x93NUMPY")) return SniffResult{FileKind::npy, "NumPy array"};
  if (starts_with_bytes(head, "\x89HDF\r\n\x1a\n")) return SniffResult{FileKind::hdf5, "HDF5 container"};
  if (starts_with_bytes(head, "GGUF")) return SniffResult{FileKind::gguf, "GGUF model"};
  if (head.size() >= 8 && head.substr(4, 4) == "TFL3") return SniffResult{FileKind::tflite, "TensorFlow Lite flatbuffer"};
  if (starts_with_bytes(head, "PAR1")) return SniffResult{FileKind::parquet, "Parquet file"};
  if (starts_with_bytes(head, std::string_view("SQLite format 3\0", 16))) return SniffResult{FileKind::sqlite, "SQLite database"};
  if (head.size() > 9) {
    uint64_t header_length = 0;
    std::memcpy(&header_length, head.data(), 8);  // little-endian on every platform we build for
    if (header_length > 1 && header_length + 8 <= size && head[8] == '{')
      return SniffResult{FileKind::safetensors, "safetensors (" + std::to_string(header_length) + "-byte header)"};
  }
  if (starts_with_bytes(head, "\x1f\x8b")) return SniffResult{FileKind::gzip, "gzip stream"};
  if (head.size() > 262 && head.substr(257, 5) == "ustar") return SniffResult{FileKind::tar, "tar archive"};
  if (starts_with_bytes(head, "BZh")) return SniffResult{FileKind::bzip2, "bzip2 stream"};
  if (starts_with_bytes(head, std::string_view("\xfd" "7zXZ\0", 6))) return SniffResult{FileKind::xz, "xz stream"};
  if (starts_with_bytes(head, "\x28\xb5\x2f\xfd")) return SniffResult{FileKind::zstd, "zstd stream"};
  if (starts_with_bytes(head, "7z\xbc\xaf\x27\x1c")) return SniffResult{FileKind::sevenzip, "7z archive"};
  if (starts_with_bytes(head, "Rar!\x1a\x07")) return SniffResult{FileKind::rar, "RAR archive"};
  if (starts_with_bytes(head, "\x89PNG") || starts_with_bytes(head, "\xff\xd8\xff") || starts_with_bytes(head, "GIF8") ||
      (starts_with_bytes(head, "RIFF") && head.size() > 12 && head.substr(8, 4) == "WEBP"))
    return SniffResult{FileKind::image, "image"};
  if (starts_with_bytes(head, "%PDF")) return SniffResult{FileKind::pdf, "PDF document"};
  if (starts_with_bytes(head, "\x7f" "ELF")) return SniffResult{FileKind::executable, "ELF executable"};
  return std::nullopt;
}

bool has_nul(std::string_view head) { return head.find('\0') != std::string_view::npos; }

// At most one byte in a hundred (or four in a small file) is a control character other
// than whitespace.
bool mostly_text(std::string_view head) {
  size_t control = 0;
  for (unsigned char c : head)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7F) ++control;
  return control <= 4 || control * 100 <= head.size();
}

bool first_instruction_is_from(std::string_view head) {
  for (auto line : split_lines(head)) {
    auto text = trim(line);
    if (text.empty() || text.starts_with("#")) continue;
    return to_lower(text.substr(0, 5)) == "from " && text.size() > 5;
  }
  return false;
}

// Several lines with the same, non-zero number of `separator`s outside quotes.
bool looks_delimited(std::string_view head, char separator) {
  auto lines = split_lines(head);
  if (lines.size() < 2) return false;
  size_t expected = 0, checked = 0;
  for (size_t i = 0; i < lines.size() && checked < 5; ++i) {
    if (i == lines.size() - 1 && head.size() >= kSniffHeadBytes) break;  // last line may be cut
    size_t count = 0;
    bool quoted = false;
    for (char c : lines[i]) {
      if (c == '"') quoted = !quoted;
      else if (c == separator && !quoted) ++count;
    }
    if (count == 0) return false;
    if (checked == 0) expected = count;
    else if (count != expected) return false;
    ++checked;
  }
  return checked >= 2;
}

SniffResult classify_json(std::string_view head) {
  auto text = trim(head.starts_with("\xEF\xBB\xBF") ? head.substr(3) : head);
  if (text.starts_with("{") && text.find("\"cells\"") != std::string_view::npos &&
      (text.find("\"nbformat\"") != std::string_view::npos || text.find("\"metadata\"") != std::string_view::npos))
    return {FileKind::notebook, "Jupyter notebook"};
  if (text.starts_with("[")) {
    auto rest = trim(text.substr(1));
    if (rest.starts_with("{")) return {FileKind::json_records, "JSON array of records"};
  }
  if (text.starts_with("{")) {
    auto lines = split_lines(text);
    if (lines.size() >= 2 && trim(lines[0]).starts_with("{") && trim(lines[0]).ends_with("}") &&
        trim(lines[1]).starts_with("{"))
      return {FileKind::jsonl, "JSON lines"};
  }
  return {FileKind::json, "JSON document"};
}

// A text kind the file's name gives it (the content may refine JSON), or nullopt.
std::optional<SniffResult> sniff_text_by_name(std::string_view relative, std::string_view head) {
  std::string name = base_name(relative);
  std::string lower_name = to_lower(name);
  std::string extension = extension_of(relative);

  if (lower_name == "dockerfile" || lower_name == "containerfile" || lower_name.starts_with("dockerfile.") ||
      extension == "dockerfile")
    return SniffResult{FileKind::dockerfile, "Dockerfile"};
  if ((lower_name.starts_with("requirements") || lower_name.starts_with("constraints")) &&
      (extension == "txt" || extension == "in"))
    return SniffResult{FileKind::requirements, "pip requirements"};
  if (lower_name == ".env" || lower_name.starts_with(".env.") || extension == "env")
    return SniffResult{FileKind::env_file, "environment file"};
  if (relative == ".dvc/config" || relative.ends_with("/.dvc/config") || relative == ".dvc/config.local")
    return SniffResult{FileKind::ini, "DVC configuration"};
  if (name == "MLmodel" || name == "MLproject" || name == "dvc.lock") return SniffResult{FileKind::yaml, name};
  if (name == "poetry.lock" || name == "uv.lock" || name == "Pipfile") return SniffResult{FileKind::toml, name};
  if (name == "Pipfile.lock") return SniffResult{FileKind::json, name};

  if (extension == "py" || extension == "pyw") return SniffResult{FileKind::python, "Python source"};
  if (head.starts_with("#!") && line_at(head, 1).find("python") != std::string_view::npos)
    return SniffResult{FileKind::python, "Python script (shebang)"};
  if (extension == "ipynb" || extension == "json") {
    auto kind = classify_json(head);
    if (extension == "ipynb" && kind.kind != FileKind::notebook) return SniffResult{FileKind::json, "JSON (not a notebook)"};
    return kind;
  }
  if (extension == "jsonl" || extension == "ndjson") return SniffResult{FileKind::jsonl, "JSON lines"};
  if (extension == "yml" || extension == "yaml" || extension == "dvc") return SniffResult{FileKind::yaml, "YAML document"};
  if (extension == "toml") return SniffResult{FileKind::toml, "TOML document"};
  if (extension == "ini" || extension == "cfg" || extension == "conf") return SniffResult{FileKind::ini, "INI configuration"};
  if (extension == "csv") return SniffResult{FileKind::csv, "CSV data"};
  if (extension == "tsv" || extension == "tab") return SniffResult{FileKind::tsv, "TSV data"};
  if (extension == "xml" || extension == "pmml") return SniffResult{FileKind::xml, "XML document"};
  if (extension == "sh" || extension == "bash") return SniffResult{FileKind::shell, "shell script"};
  if (extension == "md" || extension == "rst") return SniffResult{FileKind::markdown, "documentation"};
  if (extension == "jinja" || extension == "jinja2" || extension == "j2")
    return SniffResult{FileKind::jinja_template, "Jinja2 template"};
  return std::nullopt;
}

SniffResult sniff_text(std::string_view relative, std::string_view head) {
  if (auto by_name = sniff_text_by_name(relative, head)) return *by_name;
  // Nothing in the name: look at the content.
  auto text = trim(head);
  if (text.starts_with("{%") || text.starts_with("{{") || text.starts_with("{#"))
    return {FileKind::jinja_template, "Jinja2 template (by content)"};
  if (first_instruction_is_from(head)) return {FileKind::dockerfile, "Dockerfile (by content)"};
  if (text.starts_with("<?xml") || text.starts_with("<PMML")) return {FileKind::xml, "XML document (by content)"};
  if (text.starts_with("{") || text.starts_with("[")) return classify_json(head);
  if (looks_delimited(head, '\t')) return {FileKind::tsv, "tab-separated data (by content)"};
  if (looks_delimited(head, ',')) return {FileKind::csv, "comma-separated data (by content)"};
  return {FileKind::text, "text"};
}

SniffResult sniff_content(const fs::path* path, std::string_view relative, std::string_view head, uint64_t size,
                          char last) {
  if (size == 0 || head.empty()) return {FileKind::empty, "empty file"};
  if (auto binary = sniff_binary(path, head, size)) return *binary;
  std::string extension = extension_of(relative);
  if (looks_like_zlib(head) && (extension == "joblib" || extension == "pkl" || extension == "pickle" || extension == "z"))
    return {FileKind::compressed_pickle, "zlib-compressed pickle (joblib)"};
  if (looks_like_text_pickle(head, last)) return {FileKind::pickle, "pickle protocol 0/1"};
  std::string name = base_name(relative);
  if ((name.ends_with("saved_model.pb") || name.ends_with("keras_metadata.pb")) && head.size() >= 2)
    return {FileKind::tf_saved_model, name.ends_with("saved_model.pb") ? "TensorFlow SavedModel" : "Keras SavedModel metadata"};
  if ((model_like_extension(extension) || has_nul(head)) && looks_like_opcode_stream(head, model_like_extension(extension)))
    return {FileKind::pickle, "pickle (recognised by its opcode stream)"};
  if (head.starts_with("\xFF\xFE") || head.starts_with("\xFE\xFF")) {
    // UTF-16 text (Excel's "Unicode text" exports): judged by its ASCII characters.
    bool little = head[0] == '\xFF';
    std::string narrowed;
    for (size_t i = 2; i + 1 < head.size(); i += 2) {
      char low = little ? head[i] : head[i + 1], high = little ? head[i + 1] : head[i];
      narrowed += high == 0 ? low : '?';
    }
    SniffResult text = sniff_text(relative, narrowed);
    text.detail += " (UTF-16)";
    return text;
  }
  if (extension == "onnx" && !head.empty() && head[0] == '\x08') return {FileKind::onnx, "ONNX model"};
  if (head.starts_with("version https://git-lfs.github.com/spec/")) return {FileKind::lfs_pointer, "Git LFS pointer"};
  // A model file whose content matches no format is still analysed as what its name
  // claims, so the damage is reported instead of the file being skipped.
  if (extension == "safetensors") return {FileKind::safetensors, "named .safetensors, header not recognised"};
  if (has_nul(head) && (extension == "pkl" || extension == "pickle" || extension == "joblib"))
    return {FileKind::pickle, "named ." + extension + ", content not recognised"};
  if (has_nul(head)) {
    // A NUL byte alone does not make a file binary: a `.py`, `.csv` or `.yml` whose content
    // is nearly all text is still analysed as what its name says (a personal-data CSV must
    // not escape profiling through one NUL). Two signals must agree: the name and the content.
    auto by_name = sniff_text_by_name(relative, head);
    if (by_name && mostly_text(head)) {
      by_name->detail += " (holds NUL bytes)";
      return *by_name;
    }
    return {FileKind::binary, "binary data of unrecognised format"};
  }
  return sniff_text(relative, head);
}

}  // namespace

SniffResult sniff(const fs::path& absolute, std::string_view relative, std::string_view head, uint64_t size) {
  return sniff_content(&absolute, relative, head, size, last_byte(absolute, size));
}

SniffResult sniff_bytes(std::string_view bytes, std::string_view name) {
  return sniff_content(nullptr, name, bytes, bytes.size(), bytes.empty() ? '\0' : bytes.back());
}

std::vector<std::string> zip_member_names(std::string_view bytes) { return zip_names(nullptr, bytes).value_or(std::vector<std::string>{}); }

}  // namespace mlaudit
