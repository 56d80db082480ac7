// Plain tensor formats: .npy arrays (an object array is a pickle after the header) and
// safetensors files (a JSON header that must describe the data exactly; the format exists
// so that loading cannot run code, and a malformed header is how loaders get attacked).
#include <cstring>
#include <map>

#include "extract/model/artifact_analyzer.h"

namespace mlaudit::model {
namespace {

uint64_t read_le(std::string_view bytes, size_t offset, size_t width) {
  uint64_t value = 0;
  for (size_t i = 0; i < width; ++i) value |= uint64_t(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  return value;
}

size_t safetensors_dtype_bytes(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
      {"BF16", 2}, {"I32", 4}, {"U32", 4}, {"F32", 4},     {"F64", 8},     {"I64", 8}, {"U64", 8}};
  auto found = sizes.find(dtype);
  return found == sizes.end() ? 0 : found->second;
}

// What a free-text metadata value holds that a loader or a model page might act on:
// Python or shell code, an HTML script, or a URL. Empty when it is plain text.
std::string_view metadata_content(std::string_view value) {
  static constexpr std::string_view code[] = {"__import__(", "import os", "import subprocess", "import sys", "import base64",
                                              "os.system(", "os.popen(", "subprocess.", "exec(", "eval(", "compile(",
                                              "rm -rf", "wget ", "curl ", "chmod ", "| sh", "| bash", "/bin/sh", "<script"};
  for (std::string_view needle : code)
    if (value.find(needle) != std::string_view::npos) return needle == "<script" ? "an HTML script" : "code";
  if (value.find("http://") != std::string_view::npos || value.find("https://") != std::string_view::npos) return "a URL";
  return {};
}

}  // namespace

void ArtifactAnalyzer::analyze_metadata_strings(const std::vector<std::pair<std::string, std::string>>& entries,
                                                const std::string& member, std::string_view container) {
  for (const auto& [key, value] : entries) {
    std::string_view content = metadata_content(value);
    if (content.empty()) continue;
    std::string excerpt = value.size() > 80 ? value.substr(0, 77) + "..." : value;
    bool url = content == "a URL";
    issue_with(url ? "metadata-url" : "metadata-code",
               std::string(container) + " entry `" + key + "` holds " + std::string(content) + ": `" + excerpt + "`",
               member, -1, {{"key", key}});
  }
}

void ArtifactAnalyzer::analyze_npy(std::string_view bytes, const std::string& member) {
  // Magic, major/minor version, header length (2 bytes in v1, 4 in v2/v3), a Python dict literal.
  if (bytes.size() < 10) return issue("npy-malformed", "the .npy header is truncated", member);
  int major = static_cast<unsigned char>(bytes[6]);
  size_t width = major == 1 ? 2 : 4;
  if (major < 1 || major > 3 || bytes.size() < 8 + width)
    return issue("npy-malformed", "unknown .npy format version " + std::to_string(major), member);
  uint64_t header_length = read_le(bytes, 8, width);
  size_t data_start = 8 + width + header_length;
  if (data_start > bytes.size())
    return issue("npy-malformed", "the .npy header claims " + std::to_string(header_length) + " bytes; the file is shorter",
                 member);
  std::string_view header = bytes.substr(8 + width, header_length);
  // An object dtype ('|O', or a structured dtype with an 'O' field) is stored with pickle.
  bool object_array = header.find("'|O'") != std::string_view::npos || header.find("'O'") != std::string_view::npos ||
                      header.find("\"|O\"") != std::string_view::npos;
  if (!object_array) return;
  summary_.pickle_based = true;
  analyze_pickle(bytes.substr(data_start), member, "npy-object", data_start);
}

void ArtifactAnalyzer::analyze_safetensors(std::string_view bytes, const std::string& member) {
  auto invalid = [&](std::string why) { issue("safetensors-invalid", std::move(why), member); };
  if (bytes.size() < 8) return invalid("the file is shorter than the 8-byte header length");
  uint64_t header_length = read_le(bytes, 0, 8);
  if (header_length > 100'000'000) return invalid("the header claims " + std::to_string(header_length) + " bytes (limit 100 MB)");
  if (header_length > bytes.size() - 8) return invalid("the header runs past the end of the file");
  auto header = nlohmann::json::parse(bytes.substr(8, header_length), nullptr, false);
  if (header.is_discarded() || !header.is_object()) return invalid("the header is not a JSON object");
  uint64_t data_size = bytes.size() - 8 - header_length;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  size_t tensors = 0;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) return invalid("__metadata__ is not an object");
      std::vector<std::pair<std::string, std::string>> strings;
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) return invalid("__metadata__ value `" + key + "` is not a string");
        strings.emplace_back(key, value.get<std::string>());
      }
      analyze_metadata_strings(strings, member, "__metadata__");
      continue;
    }
    ++tensors;
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      return invalid("tensor `" + name + "` lacks dtype, shape or data_offsets");
    const auto& dtype = entry["dtype"];
    const auto& shape = entry["shape"];
    const auto& offsets = entry["data_offsets"];
    size_t element = dtype.is_string() ? safetensors_dtype_bytes(dtype.get<std::string>()) : 0;
    if (element == 0) return invalid("tensor `" + name + "` has unknown dtype " + dtype.dump());
    if (!shape.is_array() || !offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      return invalid("tensor `" + name + "` has a malformed shape or data_offsets");
    unsigned __int128 expected = element;
    for (const auto& dimension : shape) {
      if (!dimension.is_number_unsigned()) return invalid("tensor `" + name + "` has a non-integer dimension");
      expected *= dimension.get<uint64_t>();
      if (expected > data_size) break;
    }
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    if (begin > end || end > data_size)
      return invalid("tensor `" + name + "` points outside the data (" + std::to_string(begin) + ".." + std::to_string(end) +
                     " of " + std::to_string(data_size) + " bytes)");
    if (expected != end - begin)
      return invalid("tensor `" + name + "` holds " + std::to_string(end - begin) + " bytes but its dtype and shape need " +
                     (expected > data_size ? std::string("more than the file") : std::to_string(static_cast<uint64_t>(expected))));
    ranges.emplace_back(begin, end);
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second) return invalid("two tensors overlap in the data section");
  summary_.detail = std::to_string(tensors) + " tensors";
}

}  // namespace mlaudit::model
