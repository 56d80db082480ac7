// GGUF models (llama.cpp): the header's key/value metadata is walked, bounded by the file,
// to read `tokenizer.chat_template` (and the named `tokenizer.chat_template.*`), the
// Jinja2 program that llama.cpp-based servers render for every request (CVE-2024-34359).
// Tensor data holds no code and is not read.
#include "extract/model/artifact_analyzer.h"
#include "extract/model/chat_template.h"

namespace mlaudit::model {
namespace {

class GgufReader {
 public:
  GgufReader(std::string_view bytes, bool wide) : bytes_(bytes), wide_(wide) {}
  std::optional<uint64_t> integer(size_t width) {
    if (width > bytes_.size() - pos_) return std::nullopt;
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i) value |= uint64_t(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += width;
    return value;
  }
  std::optional<uint64_t> count() { return integer(wide_ ? 8 : 4); }
  std::optional<std::string_view> string() {
    auto length = count();
    if (!length || *length > bytes_.size() - pos_) return std::nullopt;
    std::string_view text = bytes_.substr(pos_, *length);
    pos_ += *length;
    return text;
  }
  // Skips a value of `type`; strings are handed to `on_string`.
  bool skip(uint32_t type, int depth) {
    static constexpr size_t widths[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    if (type > 12) return false;
    if (type == 8) return string().has_value();
    if (type != 9) return integer(widths[type]).has_value();
    if (depth > 3) return false;
    auto element = integer(4);
    auto elements = count();
    if (!element || !elements) return false;
    if (*element != 8 && *element != 9 && *element <= 12) {
      uint64_t width = widths[*element];
      if (*elements > (bytes_.size() - pos_) / std::max<uint64_t>(width, 1)) return false;
      pos_ += *elements * width;
      return true;
    }
    for (uint64_t i = 0; i < *elements; ++i)
      if (!skip(static_cast<uint32_t>(*element), depth + 1)) return false;
    return true;
  }
  size_t position() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }

 private:
  std::string_view bytes_;
  bool wide_;
  size_t pos_ = 0;
};

}  // namespace

void ArtifactAnalyzer::analyze_gguf(std::string_view bytes, const std::string& member) {
  if (bytes.size() < 24) return issue("gguf-malformed", "the GGUF header is truncated", member);
  GgufReader reader(bytes, true);
  reader.seek(4);
  auto version = reader.integer(4);
  if (!version || *version == 0 || *version > 3)
    return issue("gguf-malformed", "unknown GGUF version " + std::to_string(version.value_or(0)), member);
  GgufReader header(bytes, *version >= 2);
  header.seek(8);
  auto tensors = header.count();
  auto entries = header.count();
  if (!tensors || !entries) return issue("gguf-malformed", "the GGUF header is truncated", member);
  constexpr uint64_t kMaxEntries = 1'000'000;
  if (*entries > kMaxEntries)
    return issue("gguf-malformed", "the header claims " + std::to_string(*entries) + " metadata entries", member);
  for (uint64_t i = 0; i < *entries; ++i) {
    auto key = header.string();
    auto type = header.integer(4);
    if (!key || !type)
      return issue("gguf-malformed", "metadata entry " + std::to_string(i) + " runs past the end of the file", member);
    if (*type == 8 && key->starts_with("tokenizer.chat_template")) {
      auto value = header.string();
      if (!value) return issue("gguf-malformed", "`" + std::string(*key) + "` runs past the end of the file", member);
      auto found = find_template_injection(*value);
      if (found.found()) {
        std::string signals;
        for (const auto& signal : found.signals) signals += (signals.empty() ? "" : ", ") + signal;
        issue_with("template-injection",
                   "`" + std::string(*key) + "` reaches Python internals (" + signals +
                       "): llama.cpp-based servers that render it without Jinja2's sandbox run commands",
                   member, -1, {{"signals", found.signals}});
      }
      continue;
    }
    if (!header.skip(static_cast<uint32_t>(*type), 0))
      return issue("gguf-malformed", "metadata entry `" + std::string(*key) + "` is malformed or runs past the end", member);
  }
  summary_.detail = "GGUF v" + std::to_string(*version) + ", " + std::to_string(*tensors) + " tensors, " +
                    std::to_string(*entries) + " metadata entries";
}

}  // namespace mlaudit::model
