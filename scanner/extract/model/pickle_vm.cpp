#include "extract/model/pickle_vm.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include "sniff/pickle_opcodes.h"

namespace mlaudit::model {
namespace {

using Op = PickleOpcode;

constexpr size_t kTrackedItems = 64;      // children kept per container (the rest are counted)
constexpr size_t kMaxLine = 1 << 20;      // protocol-0 text arguments
constexpr size_t kMaxFrameOverruns = 8;   // recorded per scan
constexpr int kMaxJoblibNesting = 32;     // joblib object arrays inside object arrays
constexpr uint64_t kSaturated = UINT64_MAX / 4;

enum class Kind : uint8_t { none, boolean, integer, floating, text, bytes, tuple, list, dict, set, global, object, mark, unknown };

// A value on the stack or in the memo. Scalars live in `number`; everything else is an
// index into the heap.
struct Slot {
  Kind kind = Kind::unknown;
  int64_t number = 0;
};

bool on_heap(Kind kind) {
  switch (kind) {
    case Kind::text: case Kind::bytes: case Kind::tuple: case Kind::list: case Kind::dict: case Kind::set:
    case Kind::global: case Kind::object:
      return true;
    default:
      return false;
  }
}

struct HeapValue {
  bool live = false;
  bool marked = false;
  int global = -1;              // global: its index; object: the global it traces back to
  uint64_t total_items = 0;
  uint64_t expanded = 1;        // elements a traversal visits, references counted each time
  std::string_view text;        // text / bytes: a view into the scanned buffer or into `owned`
  std::unique_ptr<std::string> owned;
  std::vector<Slot> items;      // tuple/list/set; dict as key, value, ...; object: callee, args
};

// Shared by the machines of one scan (the file's pickle and the pickles inside it).
struct ScanContext {
  const PickleOptions& options;
  PickleScan& scan;
  std::map<std::tuple<std::string, std::string, int, bool>, size_t> global_index;
  uint64_t opcodes = 0;
  uint64_t nested_bytes = 0;    // payloads decoded and analysed, against max_nested_payload
  bool file_reading = false;    // the second reading of a stream whose frames are overrun
  bool globals_exhausted = false;
  std::set<const char*> unpickled;   // payload buffers already analysed as unpickled on load
  std::map<uint64_t, std::pair<std::string, std::string>> extensions;  // copyreg.add_extension calls seen
};

struct Failure {
  PickleStatus status;
  std::string message;
};

bool is_text_kind(const Slot& slot) { return slot.kind == Kind::text || slot.kind == Kind::bytes; }

// Code points of UTF-8 text, as latin-1 bytes when they all fit ("_codecs.encode(s, 'latin1')").
std::optional<std::string> latin1_bytes(std::string_view text, uint64_t limit) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    uint32_t code = byte;
    size_t length = 1;
    if (byte >= 0xC0 && byte < 0xE0 && i + 1 < text.size()) {
      code = ((byte & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      length = 2;
    } else if (byte >= 0xE0) {
      return std::nullopt;  // beyond latin-1: the encode would fail
    }
    if (code > 0xFF) return std::nullopt;
    out += static_cast<char>(code);
    i += length;
    if (out.size() > limit) return std::nullopt;
  }
  return out;
}

std::optional<std::string> base64_bytes(std::string_view text, uint64_t limit) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    auto index = alphabet.find(c == '-' ? '+' : c == '_' ? '/' : c);
    if (index == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
      if (out.size() > limit) return std::nullopt;
    }
  }
  return out;
}

// Python string literal as written by protocol-0 STRING: 'abc' or "abc" with escapes.
std::string decode_string_literal(std::string_view literal) {
  if (literal.size() >= 2 && (literal.front() == '\'' || literal.front() == '"') && literal.back() == literal.front())
    literal = literal.substr(1, literal.size() - 2);
  std::string out;
  for (size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] != '\\' || i + 1 >= literal.size()) {
      out += literal[i];
      continue;
    }
    char next = literal[++i];
    if (next == 'n') out += '\n';
    else if (next == 't') out += '\t';
    else if (next == 'r') out += '\r';
    else if (next == 'x' && i + 2 < literal.size()) {
      out += static_cast<char>(std::strtol(std::string(literal.substr(i + 1, 2)).c_str(), nullptr, 16));
      i += 2;
    } else out += next;
  }
  return out;
}

// raw-unicode-escape (protocol-0 UNICODE): \uXXXX and \UXXXXXXXX, encoded here as UTF-8.
std::string decode_raw_unicode(std::string_view text) {
  std::string out;
  auto append_utf8 = [&out](uint32_t code) {
    if (code < 0x80) out += static_cast<char>(code);
    else if (code < 0x800) out += static_cast<char>(0xC0 | (code >> 6)), out += static_cast<char>(0x80 | (code & 0x3F));
    else if (code < 0x10000)
      out += static_cast<char>(0xE0 | (code >> 12)), out += static_cast<char>(0x80 | ((code >> 6) & 0x3F)),
          out += static_cast<char>(0x80 | (code & 0x3F));
    else
      out += static_cast<char>(0xF0 | (code >> 18)), out += static_cast<char>(0x80 | ((code >> 12) & 0x3F)),
          out += static_cast<char>(0x80 | ((code >> 6) & 0x3F)), out += static_cast<char>(0x80 | (code & 0x3F));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 5 < text.size() + 0 && (text[i + 1] == 'u' || text[i + 1] == 'U')) {
      size_t digits = text[i + 1] == 'u' ? 4 : 8;
      if (i + 1 + digits < text.size()) {
        append_utf8(static_cast<uint32_t>(std::strtoul(std::string(text.substr(i + 2, digits)).c_str(), nullptr, 16)));
        i += 1 + digits;
        continue;
      }
    }
    append_utf8(static_cast<unsigned char>(text[i]));
  }
  return out;
}

// Size in bytes of one element of a NumPy dtype given as a type string ("<f8", "u1", "U10").
std::optional<uint64_t> dtype_itemsize(std::string_view code) {
  if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '=' || code[0] == '|')) code.remove_prefix(1);
  if (code.empty()) return std::nullopt;
  char kind = code[0];
  uint64_t count = code.size() > 1 ? std::strtoull(std::string(code.substr(1)).c_str(), nullptr, 10) : 0;
  switch (kind) {
    case '?': case 'b': case 'B': return count ? count : 1;
    case 'i': case 'u': case 'f': case 'c': case 'V': case 'S': case 'a': return count ? std::optional(count) : std::nullopt;
    case 'U': return count * 4;
    case 'M': case 'm': return 8;
    case 'e': return 2;
    case 'd': return 8;
    default: return std::nullopt;
  }
}


std::optional<std::string> hex_bytes(std::string_view text, uint64_t limit) {
  if (text.size() % 2 != 0 || text.size() / 2 > limit) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); i += 2) {
    int high = digit(text[i]), low = digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

bool is_binary_pickle(std::string_view bytes) {
  return bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0x80 && bytes[1] >= 2 && bytes[1] <= 5 &&
         bytes.back() == '.';
}

// Bytes or text that hold a complete binary pickle, as written (raw), base64- or hex-encoded:
// a payload kept as data, for a later stage of the application to unpickle.
std::optional<std::string> stored_pickle(std::string_view value, uint64_t limit) {
  if (value.size() < 4 || value.size() > limit * 2) return std::nullopt;
  if (is_binary_pickle(value)) return std::string(value);
  if (value.starts_with("gA") && value.size() >= 8 && value[2] >= 'I' && value[2] <= 'X') {  // 0x80, protocol 2-5
    if (auto decoded = base64_bytes(value, limit); decoded && is_binary_pickle(*decoded)) return decoded;
  }
  if (value.size() >= 8 && value.starts_with("800") && value[3] >= '2' && value[3] <= '5') {
    if (auto decoded = hex_bytes(value, limit); decoded && is_binary_pickle(*decoded)) return decoded;
  }
  return std::nullopt;
}

bool plausible_pickle_start(unsigned char byte) { return byte == 0x80 || byte == '(' || byte == ']' || byte == '}' || byte == 'c'; }

uint64_t saturating_add(uint64_t a, uint64_t b) { return a > kSaturated - b ? kSaturated : a + b; }

struct MachineSetup {
  int depth = 0;
  uint64_t base = 0;            // offset of `data` in the file or member
  bool stored = false;          // a pickle kept as data rather than unpickled on load
  int joblib_nesting = 0;
};

class Machine {
 public:
  Machine(ScanContext& context, std::string_view data, MachineSetup setup)
      : context_(context), data_(data), setup_(setup) {}

  // Runs one pickle starting at `pos` up to its STOP; `pos` ends after the STOP.
  std::optional<Failure> run_one(size_t& pos) {
    reset();
    const PickleLimits& limits = context_.options.limits;
    while (true) {
      if (pos >= data_.size())
        return Failure{PickleStatus::truncated, "pickle ends without STOP at byte " + std::to_string(setup_.base + pos)};
      if (++context_.opcodes > limits.max_opcodes)
        return Failure{PickleStatus::limit_exceeded,
                       "more than " + std::to_string(limits.max_opcodes) + " opcodes: the rest was not analysed"};
      size_t at = pos;
      if (frame_end_ && pos >= frame_end_) frame_end_ = 0;
      auto byte = static_cast<unsigned char>(data_[pos++]);
      std::optional<Failure> failure = step(byte, at, pos);
      if (failure) return failure;
      if (context_.globals_exhausted)
        return Failure{PickleStatus::limit_exceeded, "more than " + std::to_string(limits.max_globals) +
                                                         " distinct globals: the rest was not analysed"};
      if (done_) {
        done_ = false;
        note_expansion();
        return scan_stored_candidates();
      }
      if (stack_.size() + marks_.size() > limits.max_stack)
        return Failure{PickleStatus::limit_exceeded, "stack deeper than " + std::to_string(limits.max_stack)};
      if (memo_count_ > limits.max_memo)
        return Failure{PickleStatus::limit_exceeded, "memo larger than " + std::to_string(limits.max_memo)};
      if (live_ > next_collection_) {
        collect();
        if (working_bytes() > limits.max_working_bytes)
          return Failure{PickleStatus::limit_exceeded, "the pickle needs more than " +
                                                           std::to_string(limits.max_working_bytes >> 20) +
                                                           " MiB of working memory to follow: the rest was not analysed"};
      }
    }
  }

 private:
  void reset() {
    stack_.clear();
    marks_.clear();
    memo_dense_.clear();
    memo_sparse_.clear();
    memo_count_ = 0;
    heap_.clear();
    free_.clear();
    live_ = 0;
    items_ = 0;
    owned_bytes_ = 0;
    next_collection_ = kFirstCollection;
    frame_end_ = 0;
    largest_expansion_ = 0;
    candidates_.clear();
  }

  // ------------------------------------------------------------------ reading
  // An argument that starts inside a frame and runs past its end: CPython reading from a
  // buffer goes on linearly; its C unpickler reading a file (older releases) drops the
  // rest of the frame and reads the argument from the bytes after it.
  void check_frame(size_t& pos, size_t end, size_t at) {
    if (!frame_end_ || pos >= frame_end_ || end <= frame_end_) return;
    if (!context_.file_reading && context_.scan.frame_overruns.size() < kMaxFrameOverruns)
      context_.scan.frame_overruns.push_back("the opcode at byte " + std::to_string(setup_.base + at) +
                                             " reads past the end of its frame at byte " +
                                             std::to_string(setup_.base + frame_end_));
    if (context_.file_reading) pos = frame_end_;
    frame_end_ = 0;
  }
  std::optional<std::string_view> take(size_t& pos, uint64_t count, size_t at) {
    if (count > data_.size() - pos) return std::nullopt;
    check_frame(pos, pos + count, at);
    if (count > data_.size() - pos) return std::nullopt;
    std::string_view bytes = data_.substr(pos, count);
    pos += count;
    return bytes;
  }
  std::optional<uint64_t> little_endian(size_t& pos, int width, size_t at) {
    auto bytes = take(pos, static_cast<uint64_t>(width), at);
    if (!bytes) return std::nullopt;
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>((*bytes)[static_cast<size_t>(i)]);
    return value;
  }
  std::optional<std::string_view> line(size_t& pos, size_t at) {
    auto end = data_.find('\n', pos);
    if (end == std::string_view::npos || end - pos > kMaxLine) return std::nullopt;
    size_t before = pos;
    check_frame(pos, end + 1, at);
    if (pos != before) {
      end = data_.find('\n', pos);
      if (end == std::string_view::npos || end - pos > kMaxLine) return std::nullopt;
    }
    std::string_view text = data_.substr(pos, end - pos);
    pos = end + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
  }
  Failure truncated(size_t at) {
    return Failure{PickleStatus::truncated, "opcode at byte " + std::to_string(setup_.base + at) + " runs past the end of the data"};
  }

  // ------------------------------------------------------------------- values
  Slot scalar(Kind kind, int64_t number = 0) { return Slot{kind, number}; }
  Slot heap(Kind kind) {
    size_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = heap_.size();
      heap_.emplace_back();
    }
    heap_[index].live = true;
    ++live_;
    return Slot{kind, static_cast<int64_t>(index)};
  }
  Slot text_view(std::string_view text, Kind kind) {
    Slot slot = heap(kind);
    heap_[static_cast<size_t>(slot.number)].text = text;
    if (text.size() >= 4) consider_stored(text);
    return slot;
  }
  Slot text_owned(std::string text, Kind kind) {
    Slot slot = heap(kind);
    HeapValue& value = heap_[static_cast<size_t>(slot.number)];
    owned_bytes_ += text.size();
    value.owned = std::make_unique<std::string>(std::move(text));
    value.text = *value.owned;
    return slot;
  }
  HeapValue* value_of(const Slot& slot) {
    if (!on_heap(slot.kind)) return nullptr;
    return &heap_[static_cast<size_t>(slot.number)];
  }
  std::optional<std::string_view> text_of(const Slot& slot) {
    if (!is_text_kind(slot)) return std::nullopt;
    return value_of(slot)->text;
  }
  uint64_t expanded_of(const Slot& slot) {
    HeapValue* value = value_of(slot);
    return value ? value->expanded : 1;
  }
  void add_item(Slot container, Slot item) {
    HeapValue* value = value_of(container);
    if (!value) return;
    ++value->total_items;
    value->expanded = saturating_add(value->expanded, expanded_of(item));
    largest_expansion_ = std::max(largest_expansion_, value->expanded);
    if (value->items.size() < kTrackedItems * 2) {
      value->items.push_back(item);
      ++items_;
    }
  }
  Slot make_container(Kind kind, std::vector<Slot> items) {
    uint64_t expanded = 1;
    for (const Slot& item : items) expanded = saturating_add(expanded, expanded_of(item));
    uint64_t total = items.size();
    if (items.size() > kTrackedItems * 2) items.resize(kTrackedItems * 2);
    Slot slot = heap(kind);
    HeapValue& value = heap_[static_cast<size_t>(slot.number)];
    value.total_items = total;
    value.expanded = expanded;
    largest_expansion_ = std::max(largest_expansion_, expanded);
    items_ += items.size();
    value.items = std::move(items);
    return slot;
  }
  // The value in a dict object whose key is `key`, if known.
  std::optional<Slot> dict_get(const Slot& dict, std::string_view key) {
    HeapValue* value = value_of(dict);
    if (!value || dict.kind != Kind::dict) return std::nullopt;
    for (size_t i = 0; i + 1 < value->items.size(); i += 2) {
      auto name = text_of(value->items[i]);
      if (name && *name == key) return value->items[i + 1];
    }
    return std::nullopt;
  }
  // The global a value traces back to: itself, or the callee of the call that made it.
  int origin_global(const Slot& slot) {
    HeapValue* value = value_of(slot);
    if (!value || (slot.kind != Kind::global && slot.kind != Kind::object)) return -1;
    return value->global;
  }
  std::string qualified(int global) {
    if (global < 0) return {};
    return context_.scan.globals[static_cast<size_t>(global)].qualified();
  }

  // --------------------------------------------------------- memory bookkeeping
  static constexpr size_t kFirstCollection = 1 << 20;
  uint64_t working_bytes() const {
    return heap_.size() * (sizeof(HeapValue) + 16) + items_ * sizeof(Slot) + owned_bytes_ + memo_dense_.capacity() * sizeof(Slot) +
           memo_sparse_.size() * 48 + stack_.capacity() * sizeof(Slot);
  }
  // Mark and sweep from the stack and the memo; freed values are reused by later opcodes.
  void collect() {
    std::vector<size_t> work;
    auto reach = [&](const Slot& slot) {
      if (!on_heap(slot.kind)) return;
      size_t index = static_cast<size_t>(slot.number);
      if (!heap_[index].marked) {
        heap_[index].marked = true;
        work.push_back(index);
      }
    };
    for (const Slot& slot : stack_) reach(slot);
    for (const Slot& slot : memo_dense_) reach(slot);
    for (const auto& [index, slot] : memo_sparse_) reach(slot);
    while (!work.empty()) {
      size_t index = work.back();
      work.pop_back();
      for (const Slot& child : heap_[index].items) reach(child);
    }
    for (size_t index = 0; index < heap_.size(); ++index) {
      HeapValue& value = heap_[index];
      if (value.marked) {
        value.marked = false;
        continue;
      }
      if (!value.live) continue;
      items_ -= value.items.size();
      if (value.owned) owned_bytes_ -= value.owned->size();
      value = HeapValue{};
      free_.push_back(index);
      --live_;
    }
    next_collection_ = live_ + std::max<uint64_t>(kFirstCollection, live_ / 2);
  }

  // ------------------------------------------------------------------- memo
  void memo_put(uint64_t index, Slot slot) {
    if (index < memo_dense_.size() || index <= 2 * memo_count_ + 1024) {
      if (index >= memo_dense_.size()) memo_dense_.resize(index + 1, Slot{Kind::mark, -1});
      if (memo_dense_[index].kind == Kind::mark) ++memo_count_;
      memo_dense_[index] = slot;
      return;
    }
    if (memo_sparse_.insert_or_assign(index, slot).second) ++memo_count_;
  }
  std::optional<Slot> memo_get(uint64_t index) {
    if (index < memo_dense_.size()) {
      if (memo_dense_[index].kind == Kind::mark) return std::nullopt;
      return memo_dense_[index];
    }
    auto found = memo_sparse_.find(index);
    if (found == memo_sparse_.end()) return std::nullopt;
    return found->second;
  }

  // ----------------------------------------------------------------- globals
  int record_global(std::string module, std::string name, size_t at, std::string_view opcode) {
    auto key = std::make_tuple(module, name, setup_.depth, setup_.stored);
    auto found = context_.global_index.find(key);
    if (found == context_.global_index.end()) {
      if (context_.global_index.size() >= context_.options.limits.max_globals) {
        context_.globals_exhausted = true;
        return -1;
      }
      PickleGlobal global;
      global.module = std::move(module);
      global.name = std::move(name);
      global.offset = setup_.base + at;
      global.opcode = std::string(opcode);
      global.depth = setup_.depth;
      global.stored = setup_.stored;
      global.file_reading = context_.file_reading;
      context_.scan.globals.push_back(std::move(global));
      found = context_.global_index.emplace(key, context_.scan.globals.size() - 1).first;
    }
    ++context_.scan.globals[found->second].occurrences;
    return static_cast<int>(found->second);
  }
  Slot push_global(std::string module, std::string name, size_t at, std::string_view opcode) {
    int index = record_global(std::move(module), std::move(name), at, opcode);
    Slot slot = heap(Kind::global);
    heap_[static_cast<size_t>(slot.number)].global = index;
    return slot;
  }
  void mark_called(const Slot& callee) {
    int global = origin_global(callee);
    if (global >= 0) context_.scan.globals[static_cast<size_t>(global)].called = true;
  }

  // ------------------------------------------------------------------- stack
  std::optional<Slot> pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) return std::nullopt;
    Slot top = stack_.back();
    stack_.pop_back();
    return top;
  }
  std::optional<std::vector<Slot>> pop_mark() {
    if (marks_.empty()) return std::nullopt;
    size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<Slot> items(stack_.begin() + static_cast<ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  Failure underflow(size_t at, std::string_view opcode) {
    return Failure{PickleStatus::malformed,
                   std::string(opcode) + " at byte " + std::to_string(setup_.base + at) + " pops an empty stack"};
  }

  // A call's result: an object that remembers what was called with what. Calls that decode
  // bytes or unpickle a payload are followed here.
  Slot call(const Slot& callee, const Slot& args, size_t at) {
    mark_called(callee);
    int global = origin_global(callee);
    if (callee.kind == Kind::object)
      context_.scan.result_calls.push_back({qualified(global), setup_.base + at, setup_.depth, setup_.stored});
    std::string name = qualified(global);
    HeapValue* arguments = at_args(args);
    std::optional<Slot> first;
    if (arguments && !arguments->items.empty()) first = arguments->items[0];
    std::optional<Slot> second;
    if (arguments && arguments->items.size() > 1) second = arguments->items[1];
    const uint64_t limit = context_.options.limits.max_nested_payload;
    if (callee.kind == Kind::global) {
      auto text = first ? text_of(*first) : std::nullopt;
      if (name == "_codecs.encode" || name == "codecs.encode") {
        auto encoding = second ? text_of(*second) : std::nullopt;
        if (text && (!encoding || *encoding == "latin1" || *encoding == "latin-1" || *encoding == "iso-8859-1"))
          if (auto bytes = latin1_bytes(*text, limit)) return decoded(*text, std::move(*bytes), global);
      }
      if (name == "base64.b64decode" || name == "base64.decodebytes" || name == "base64.urlsafe_b64decode" ||
          name == "binascii.a2b_base64") {
        if (text)
          if (auto bytes = base64_bytes(*text, limit)) return decoded(*text, std::move(*bytes), global);
      }
      if (name == "binascii.unhexlify" || name == "binascii.a2b_hex" || name == "builtins.bytes.fromhex") {
        if (text)
          if (auto bytes = hex_bytes(*text, limit)) return decoded(*text, std::move(*bytes), global);
      }
      if (name == "copyreg.add_extension" || name == "copy_reg.add_extension") {
        auto module = first ? text_of(*first) : std::nullopt;
        auto entry = second ? text_of(*second) : std::nullopt;
        if (module && entry && arguments->items.size() > 2 && arguments->items[2].kind == Kind::integer)
          context_.extensions[static_cast<uint64_t>(arguments->items[2].number)] = {std::string(*module), std::string(*entry)};
      }
      if (name == "builtins.bytes" || name == "builtins.bytearray" || name == "__builtin__.bytes") {
        if (text) return decoded(*text, std::string(*text), global);
      }
      if (name == "pickle.loads" || name == "_pickle.loads" || name == "cPickle.loads" || name == "pickle._loads" ||
          name == "dill.loads" || name == "dill._dill.loads" || name == "cloudpickle.loads" ||
          name == "torch.storage._load_from_bytes" || name == "torch.serialization._load_from_bytes") {
        if (text) scan_nested(*text, at);
        else context_.scan.result_calls.push_back({name, setup_.base + at, setup_.depth, setup_.stored, true});
      }
    }
    Slot slot = heap(Kind::object);
    HeapValue& value = heap_[static_cast<size_t>(slot.number)];
    value.items = {callee, args};
    value.global = global;
    items_ += 2;
    return slot;
  }
  // Bytes decoded by a call at load time: the source text is consumed, not a payload of its own.
  Slot decoded(std::string_view source, std::string bytes, int global) {
    context_.unpickled.insert(source.data());
    Slot slot = text_owned(std::move(bytes), Kind::bytes);
    heap_[static_cast<size_t>(slot.number)].global = global;
    return slot;
  }
  HeapValue* at_args(const Slot& args) { return args.kind == Kind::tuple || args.kind == Kind::list ? value_of(args) : nullptr; }

  bool nesting_allowed(size_t at, std::string_view what) {
    if (setup_.depth + 1 <= context_.options.limits.max_nesting) return true;
    PickleScan& scan = context_.scan;
    scan.notes.push_back(std::string(what) + " nested " + std::to_string(setup_.depth + 1) + " deep at byte " +
                         std::to_string(setup_.base + at) + " was not analysed (nesting limit)");
    if (scan.status == PickleStatus::ok) {
      scan.status = PickleStatus::limit_exceeded;
      scan.problem = "pickles nested deeper than " + std::to_string(context_.options.limits.max_nesting);
    }
    return false;
  }
  bool payload_budget(uint64_t size, size_t at) {
    if (context_.nested_bytes + size <= context_.options.limits.max_nested_payload) {
      context_.nested_bytes += size;
      return true;
    }
    context_.scan.notes.push_back("a pickle inside the pickle at byte " + std::to_string(setup_.base + at) +
                                  " was not analysed (nested payloads over " +
                                  std::to_string(context_.options.limits.max_nested_payload >> 20) + " MiB)");
    return false;
  }
  // A nested machine's findings that are not limits become notes of the outer scan.
  void run_inner(std::string_view payload, MachineSetup setup, std::string_view what) {
    PickleScan& scan = context_.scan;
    Machine inner(context_, payload, setup);
    size_t pos = 0;
    if (auto failure = inner.run_one(pos)) {
      scan.notes.push_back(std::string(what) + " at byte " + std::to_string(setup.base) + ": " + failure->message);
      if (failure->status == PickleStatus::limit_exceeded && scan.status == PickleStatus::ok) {
        scan.status = failure->status;
        scan.problem = failure->message;
      }
    }
  }
  uint64_t base_of(std::string_view payload, size_t at) const {
    // Offsets inside a payload that is a slice of the file are file offsets; computed
    // payloads are reported at the opcode that produced them.
    bool inside = payload.data() >= data_.data() && payload.data() + payload.size() <= data_.data() + data_.size();
    return inside ? setup_.base + static_cast<uint64_t>(payload.data() - data_.data()) : setup_.base + at;
  }

  void scan_nested(std::string_view payload, size_t at) {
    context_.unpickled.insert(payload.data());
    if (!nesting_allowed(at, "a pickle")) {
      context_.scan.result_calls.push_back({"pickle.loads", setup_.base + at, setup_.depth, setup_.stored, true});
      return;
    }
    if (payload.starts_with("PK\x03\x04")) {
      context_.scan.notes.push_back("a zip archive unpickled at byte " + std::to_string(setup_.base + at) + " was not analysed");
      return;
    }
    if (!payload_budget(payload.size(), at)) return;
    ++context_.scan.nested_pickles;
    MachineSetup setup{setup_.depth + 1, base_of(payload, at), setup_.stored, setup_.joblib_nesting};
    run_inner(payload, setup, "nested pickle");
  }

  // Bytes or text that hold a pickle are remembered, and analysed when this pickle ends
  // unless the load itself unpickles them (then they were followed as nested pickles).
  struct Candidate {
    std::string_view source;
    std::string decoded;
    size_t at;
  };
  void consider_stored(std::string_view text) {
    if (candidates_.size() >= 64) return;
    auto first = static_cast<unsigned char>(text[0]);
    if (first != 0x80 && first != 'g' && first != '8') return;
    if (auto payload = stored_pickle(text, context_.options.limits.max_nested_payload))
      candidates_.push_back({text, std::move(*payload), static_cast<size_t>(text.data() - data_.data())});
  }
  std::optional<Failure> scan_stored_candidates() {
    std::vector<Candidate> candidates = std::move(candidates_);
    candidates_.clear();
    for (const Candidate& candidate : candidates) {
      if (context_.unpickled.contains(candidate.source.data())) continue;
      if (!nesting_allowed(candidate.at, "a stored pickle")) continue;
      if (!payload_budget(candidate.decoded.size(), candidate.at)) continue;
      ++context_.scan.stored_pickles;
      bool raw = candidate.decoded == candidate.source;
      MachineSetup setup{setup_.depth + 1, raw ? base_of(candidate.source, candidate.at) : setup_.base + candidate.at,
                         true, setup_.joblib_nesting};
      run_inner(raw ? candidate.source : std::string_view(candidate.decoded), setup, "stored pickle");
    }
    return std::nullopt;
  }

  void note_expansion() {
    context_.scan.largest_expansion = std::max(context_.scan.largest_expansion, largest_expansion_);
  }

  // joblib writes a NumpyArrayWrapper's array right after the wrapper's BUILD: skip those
  // bytes (or read the pickle that holds an object array) so the stream stays in step.
  std::optional<Failure> skip_joblib_array(const Slot& wrapper, const Slot& state, size_t at, size_t& pos) {
    int global = origin_global(wrapper);
    std::string name = qualified(global);
    if (!name.ends_with("numpy_pickle.NumpyArrayWrapper")) return std::nullopt;
    auto shape = dict_get(state, "shape");
    auto dtype = dict_get(state, "dtype");
    std::string where = std::to_string(setup_.base + at);
    if (!shape || !dtype) return Failure{PickleStatus::malformed, "joblib array at byte " + where + " has no shape or dtype"};
    uint64_t count = 1;
    if (HeapValue* dimensions = value_of(*shape)) {
      if (dimensions->total_items != dimensions->items.size())
        return Failure{PickleStatus::malformed, "joblib array shape too long at byte " + where};
      for (const Slot& dimension : dimensions->items) {
        if (dimension.kind != Kind::integer || dimension.number < 0)
          return Failure{PickleStatus::malformed, "joblib array shape is not a tuple of sizes at byte " + where};
        if (dimension.number > 0 && count > UINT64_MAX / static_cast<uint64_t>(dimension.number))
          return Failure{PickleStatus::malformed, "joblib array shape overflows at byte " + where};
        count *= static_cast<uint64_t>(dimension.number);
      }
    }
    std::optional<std::string_view> code;
    if (HeapValue* dtype_value = value_of(*dtype); dtype_value && dtype->kind == Kind::object && dtype_value->items.size() == 2) {
      if (HeapValue* dtype_args = at_args(dtype_value->items[1]); dtype_args && !dtype_args->items.empty())
        code = text_of(dtype_args->items[0]);
    }
    if (!code) return Failure{PickleStatus::malformed, "joblib array dtype unknown at byte " + where};
    if (*code == "O" || *code == "|O" || *code == "O8") {
      // Object arrays are a complete pickle of their own, read with a new unpickler.
      if (setup_.joblib_nesting + 1 > kMaxJoblibNesting)
        return Failure{PickleStatus::limit_exceeded,
                       "joblib object arrays nested deeper than " + std::to_string(kMaxJoblibNesting) + " at byte " + where};
      MachineSetup setup = setup_;
      ++setup.joblib_nesting;
      Machine inner(context_, data_, setup);
      return inner.run_one(pos);
    }
    auto itemsize = dtype_itemsize(*code);
    if (!itemsize)
      return Failure{PickleStatus::malformed, "joblib array dtype '" + std::string(*code) + "' not understood at byte " + where};
    if (dict_get(state, "numpy_array_alignment_bytes")) {
      auto padding = take(pos, 1, at);
      if (!padding) return truncated(at);
      if (!take(pos, static_cast<unsigned char>((*padding)[0]), at)) return truncated(at);
    }
    if (*itemsize && count > (data_.size() - pos) / *itemsize) return truncated(at);
    pos += count * *itemsize;
    return std::nullopt;
  }

  std::optional<Failure> read_text_argument(Op opcode, size_t at, size_t& pos) {
    int width = opcode == Op::short_binstring || opcode == Op::short_binbytes || opcode == Op::short_binunicode ? 1
                : opcode == Op::binunicode8 || opcode == Op::binbytes8 || opcode == Op::bytearray8         ? 8
                                                                                                            : 4;
    auto length = little_endian(pos, width, at);
    if (!length) return truncated(at);
    auto bytes = take(pos, *length, at);
    if (!bytes) return truncated(at);
    bool text = opcode == Op::binunicode || opcode == Op::short_binunicode || opcode == Op::binunicode8;
    stack_.push_back(text_view(*bytes, text ? Kind::text : Kind::bytes));
    return std::nullopt;
  }
  std::optional<uint64_t> memo_index(Op opcode, size_t at, size_t& pos) {
    if (opcode == Op::put || opcode == Op::get) {
      auto text = line(pos, at);
      if (!text) return std::nullopt;
      return std::strtoull(std::string(*text).c_str(), nullptr, 10);
    }
    bool short_form = opcode == Op::binput || opcode == Op::binget;
    return little_endian(pos, short_form ? 1 : 4, at);
  }

  // ------------------------------------------------------------------ opcodes
  std::optional<Failure> step(unsigned char byte, size_t at, size_t& pos) {
    auto known = pickle_opcode(byte);
    if (!known)
      return Failure{PickleStatus::invalid_opcode,
                     "byte " + std::to_string(setup_.base + at) + " (0x" + hex(byte) + ") is not a pickle opcode"};
    switch (*known) {
      case Op::mark: marks_.push_back(stack_.size()); return std::nullopt;
      case Op::stop:
        if (stack_.empty()) return underflow(at, "STOP");
        done_ = true;
        return std::nullopt;
      case Op::pop: if (!pop()) return underflow(at, "POP"); return std::nullopt;
      case Op::pop_mark: if (!pop_mark()) return underflow(at, "POP_MARK"); return std::nullopt;
      case Op::dup:
        if (stack_.empty()) return underflow(at, "DUP");
        ++context_.scan.dups;
        stack_.push_back(stack_.back());
        return std::nullopt;
      case Op::floating:
        if (!line(pos, at)) return truncated(at);
        stack_.push_back(scalar(Kind::floating));
        return std::nullopt;
      case Op::integer: case Op::long_text: {
        auto text = line(pos, at);
        if (!text) return truncated(at);
        std::string digits(*text);
        if (!digits.empty() && digits.back() == 'L') digits.pop_back();
        if (digits == "00") stack_.push_back(scalar(Kind::boolean, 0));
        else if (digits == "01") stack_.push_back(scalar(Kind::boolean, 1));
        else stack_.push_back(scalar(Kind::integer, std::strtoll(digits.c_str(), nullptr, 10)));
        return std::nullopt;
      }
      case Op::binint: case Op::binint1: case Op::binint2: {
        int width = *known == Op::binint ? 4 : *known == Op::binint1 ? 1 : 2;
        auto value = little_endian(pos, width, at);
        if (!value) return truncated(at);
        int64_t number = width == 4 ? static_cast<int32_t>(*value) : static_cast<int64_t>(*value);
        stack_.push_back(scalar(Kind::integer, number));
        return std::nullopt;
      }
      case Op::long1: case Op::long4: {
        auto length = little_endian(pos, *known == Op::long1 ? 1 : 4, at);
        if (!length) return truncated(at);
        auto bytes = take(pos, *length, at);
        if (!bytes) return truncated(at);
        int64_t value = 0;
        for (size_t i = bytes->size(); i-- > 0 && i < 8;) value = (value << 8) | static_cast<unsigned char>((*bytes)[i]);
        stack_.push_back(scalar(Kind::integer, value));
        return std::nullopt;
      }
      case Op::binfloat: if (!take(pos, 8, at)) return truncated(at); stack_.push_back(scalar(Kind::floating)); return std::nullopt;
      case Op::none: stack_.push_back(scalar(Kind::none)); return std::nullopt;
      case Op::newtrue: stack_.push_back(scalar(Kind::boolean, 1)); return std::nullopt;
      case Op::newfalse: stack_.push_back(scalar(Kind::boolean, 0)); return std::nullopt;
      case Op::string: {
        auto text = line(pos, at);
        if (!text) return truncated(at);
        stack_.push_back(text_owned(decode_string_literal(*text), Kind::bytes));
        return std::nullopt;
      }
      case Op::unicode: {
        auto text = line(pos, at);
        if (!text) return truncated(at);
        stack_.push_back(text_owned(decode_raw_unicode(*text), Kind::text));
        return std::nullopt;
      }
      case Op::binstring: case Op::short_binstring: case Op::binbytes: case Op::short_binbytes: case Op::binunicode:
      case Op::short_binunicode: case Op::binunicode8: case Op::binbytes8: case Op::bytearray8:
        return read_text_argument(*known, at, pos);
      case Op::next_buffer: stack_.push_back(scalar(Kind::unknown)); return std::nullopt;
      case Op::readonly_buffer: if (stack_.empty()) return underflow(at, "READONLY_BUFFER"); return std::nullopt;
      case Op::empty_tuple: stack_.push_back(make_container(Kind::tuple, {})); return std::nullopt;
      case Op::tuple1: case Op::tuple2: case Op::tuple3: {
        size_t count = byte - 0x84u;
        if (stack_.size() < count + (marks_.empty() ? 0 : marks_.back())) return underflow(at, "TUPLEn");
        std::vector<Slot> items(stack_.end() - static_cast<ptrdiff_t>(count), stack_.end());
        stack_.resize(stack_.size() - count);
        stack_.push_back(make_container(Kind::tuple, std::move(items)));
        return std::nullopt;
      }
      case Op::tuple: case Op::list: case Op::dict: case Op::frozenset: {
        auto items = pop_mark();
        if (!items) return underflow(at, "MARK-built container");
        Kind kind = *known == Op::tuple ? Kind::tuple : *known == Op::list ? Kind::list : *known == Op::dict ? Kind::dict : Kind::set;
        stack_.push_back(make_container(kind, std::move(*items)));
        return std::nullopt;
      }
      case Op::empty_list: stack_.push_back(make_container(Kind::list, {})); return std::nullopt;
      case Op::empty_dict: stack_.push_back(make_container(Kind::dict, {})); return std::nullopt;
      case Op::empty_set: stack_.push_back(make_container(Kind::set, {})); return std::nullopt;
      case Op::append: {
        auto item = pop();
        if (!item || stack_.empty()) return underflow(at, "APPEND");
        append_to(stack_.back(), {*item});
        return std::nullopt;
      }
      case Op::appends: case Op::additems: case Op::setitems: {
        auto items = pop_mark();
        if (!items || stack_.empty()) return underflow(at, *known == Op::setitems ? "SETITEMS" : "APPENDS");
        append_to(stack_.back(), *items);
        return std::nullopt;
      }
      case Op::setitem: {
        auto value = pop();
        auto key = pop();
        if (!value || !key || stack_.empty()) return underflow(at, "SETITEM");
        append_to(stack_.back(), {*key, *value});
        return std::nullopt;
      }
      case Op::global: case Op::inst: {
        auto module = line(pos, at);
        auto name = module ? line(pos, at) : std::nullopt;
        if (!module || !name) return truncated(at);
        bool is_global = *known == Op::global;
        Slot global = push_global(std::string(*module), std::string(*name), at, is_global ? "GLOBAL" : "INST");
        if (is_global) {
          stack_.push_back(global);
        } else {
          auto args = pop_mark();
          if (!args) return underflow(at, "INST");
          stack_.push_back(call(global, make_container(Kind::tuple, std::move(*args)), at));
        }
        return std::nullopt;
      }
      case Op::stack_global: {
        auto name = pop();
        auto module = pop();
        if (!name || !module) return underflow(at, "STACK_GLOBAL");
        auto module_text = text_of(*module), name_text = text_of(*name);
        // Names built at load time cannot be known here: that alone is a red flag.
        stack_.push_back(push_global(module_text ? std::string(*module_text) : "<computed>",
                                     name_text ? std::string(*name_text) : "<computed>", at, "STACK_GLOBAL"));
        return std::nullopt;
      }
      case Op::ext1: case Op::ext2: case Op::ext4: {
        auto code = little_endian(pos, *known == Op::ext1 ? 1 : *known == Op::ext2 ? 2 : 4, at);
        if (!code) return truncated(at);
        // copyreg's extension registry is empty unless a program fills it, or the pickle itself
        // did with copyreg.add_extension: then the code names that global.
        if (auto found = context_.extensions.find(*code); found != context_.extensions.end())
          stack_.push_back(push_global(found->second.first, found->second.second, at, "EXT"));
        else
          stack_.push_back(push_global("copyreg.extension", std::to_string(*code), at, "EXT"));
        return std::nullopt;
      }
      case Op::reduce: case Op::newobj: {
        auto args = pop();
        auto callee = pop();
        if (!args || !callee) return underflow(at, *known == Op::reduce ? "REDUCE" : "NEWOBJ");
        stack_.push_back(call(*callee, *args, at));
        return std::nullopt;
      }
      case Op::newobj_ex: {
        auto kwargs = pop();
        auto args = pop();
        auto cls = pop();
        if (!kwargs || !args || !cls) return underflow(at, "NEWOBJ_EX");
        stack_.push_back(call(*cls, *args, at));
        return std::nullopt;
      }
      case Op::obj: {
        auto items = pop_mark();
        if (!items || items->empty()) return underflow(at, "OBJ");
        Slot cls = items->front();
        items->erase(items->begin());
        stack_.push_back(call(cls, make_container(Kind::tuple, std::move(*items)), at));
        return std::nullopt;
      }
      case Op::build: {
        auto state = pop();
        if (!state || stack_.empty()) return underflow(at, "BUILD");
        Slot target = stack_.back();
        // __setstate__ runs on load: the object's class decides what BUILD does.
        if (target.kind == Kind::object && context_.options.joblib) return skip_joblib_array(target, *state, at, pos);
        return std::nullopt;
      }
      case Op::persid: if (!line(pos, at)) return truncated(at); stack_.push_back(scalar(Kind::unknown)); return std::nullopt;
      case Op::binpersid:
        if (!pop()) return underflow(at, "BINPERSID");
        stack_.push_back(scalar(Kind::unknown));
        return std::nullopt;
      case Op::put: case Op::binput: case Op::long_binput: case Op::memoize: {
        std::optional<uint64_t> index = memo_count_;
        if (*known != Op::memoize) index = memo_index(*known, at, pos);
        if (!index) return truncated(at);
        if (stack_.empty()) return underflow(at, "PUT");
        memo_put(*index, stack_.back());
        return std::nullopt;
      }
      case Op::get: case Op::binget: case Op::long_binget: {
        auto index = memo_index(*known, at, pos);
        if (!index) return truncated(at);
        auto found = memo_get(*index);
        if (!found)
          return Failure{PickleStatus::malformed, "GET of memo entry " + std::to_string(*index) +
                                                      " that was never stored, at byte " + std::to_string(setup_.base + at)};
        stack_.push_back(*found);
        return std::nullopt;
      }
      case Op::proto: {
        auto version = little_endian(pos, 1, at);
        if (!version) return truncated(at);
        context_.scan.protocol = std::max(context_.scan.protocol, static_cast<int>(*version));
        return std::nullopt;
      }
      case Op::frame: {
        auto length = little_endian(pos, 8, at);
        if (!length) return truncated(at);
        frame_end_ = *length > data_.size() - pos ? data_.size() : pos + *length;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  static std::string hex(unsigned char byte) {
    static constexpr char digits[] = "0123456789abcdef";
    return {digits[byte >> 4], digits[byte & 0xF]};
  }

  // APPEND/SETITEM on something that is not a container calls its methods (append,
  // extend, __setitem__): a known gadget. The object's origin counts as called.
  void append_to(const Slot& target, const std::vector<Slot>& items) {
    if (target.kind == Kind::object) {
      mark_called(target);
      return;
    }
    for (const Slot& item : items) add_item(target, item);
  }

  ScanContext& context_;
  std::string_view data_;
  MachineSetup setup_;
  std::vector<Slot> stack_;
  std::vector<size_t> marks_;
  std::vector<Slot> memo_dense_;                  // Kind::mark = never stored
  std::unordered_map<uint64_t, Slot> memo_sparse_;  // indices far beyond the entries stored
  uint64_t memo_count_ = 0;
  std::deque<HeapValue> heap_;                    // a deque: growing it never copies what it holds
  std::vector<size_t> free_;
  uint64_t live_ = 0, items_ = 0, owned_bytes_ = 0;
  uint64_t next_collection_ = kFirstCollection;
  size_t frame_end_ = 0;                          // 0 = not inside a frame
  uint64_t largest_expansion_ = 0;
  std::vector<Candidate> candidates_;
  bool done_ = false;
};

// One reading of the whole stream: the stacked pickles, then trailing data.
void read_stream(ScanContext& context, std::string_view data, size_t& pos) {
  PickleScan& scan = context.scan;
  const PickleOptions& options = context.options;
  while (pos < data.size()) {
    size_t start = pos;
    size_t globals_before = scan.globals.size();
    Machine machine(context, data, MachineSetup{});
    auto failure = machine.run_one(pos);
    if (!failure) {
      ++scan.pickles;
      if (!options.stacked) break;
      if (pos < data.size() && !plausible_pickle_start(static_cast<unsigned char>(data[pos]))) {
        scan.trailing_bytes = data.size() - pos;
        break;
      }
      continue;
    }
    // After complete pickles, data that is not a pickle (legacy torch storages, appended
    // bytes) is trailing data, unless it opened like a real pickle and named globals.
    bool looks_real = static_cast<unsigned char>(data[start]) == 0x80 && scan.globals.size() > globals_before;
    if (scan.pickles > 0 && !looks_real && failure->status != PickleStatus::limit_exceeded) {
      scan.globals.resize(globals_before);
      for (auto it = context.global_index.begin(); it != context.global_index.end();)
        it = it->second >= globals_before ? context.global_index.erase(it) : std::next(it);
      scan.trailing_bytes = data.size() - start;
      pos = start;
      break;
    }
    scan.status = failure->status;
    scan.problem = failure->message;
    break;
  }
}

}  // namespace

std::string_view to_string(PickleStatus status) {
  switch (status) {
    case PickleStatus::ok: return "ok";
    case PickleStatus::truncated: return "truncated";
    case PickleStatus::invalid_opcode: return "invalid_opcode";
    case PickleStatus::malformed: return "malformed";
    case PickleStatus::limit_exceeded: return "limit_exceeded";
  }
  return "malformed";
}

PickleScan scan_pickle(std::string_view data, const PickleOptions& options) {
  PickleScan scan;
  ScanContext context{options, scan, {}, 0, 0, false, false, {}};
  size_t pos = 0;
  read_stream(context, data, pos);
  scan.end_offset = pos;
  if (!scan.frame_overruns.empty()) {
    // Read it again as CPython's C unpickler reads a file: what that reading names is
    // reported too, since it is what torch.load(path) or pickle.load(f) would run.
    PickleScan first_status = scan;
    context.file_reading = true;
    size_t again = 0;
    read_stream(context, data, again);
    if (first_status.status != PickleStatus::limit_exceeded) {
      scan.status = first_status.status;
      scan.problem = first_status.problem;
    }
    scan.pickles = first_status.pickles;
    scan.trailing_bytes = first_status.trailing_bytes;
  }
  if (scan.pickles == 0 && scan.status == PickleStatus::ok && data.empty()) {
    scan.status = PickleStatus::truncated;
    scan.problem = "empty pickle";
  }
  scan.opcodes = context.opcodes;
  if (scan.pickles > 1) scan.notes.push_back(std::to_string(scan.pickles) + " pickles stacked in one stream");
  if (scan.trailing_bytes) scan.notes.push_back(std::to_string(scan.trailing_bytes) + " bytes of non-pickle data follow the last pickle");
  return scan;
}

std::vector<std::string> resolution_names(std::string_view module, std::string_view name) {
  std::vector<std::string> names{std::string(module) + "." + std::string(name)};
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= name.size();) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    parts.push_back(name.substr(start, dot - start));
    start = dot + 1;
  }
  if (parts.size() < 2) return names;
  std::string prefix(module);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += "." + std::string(parts[i]);
    names.push_back(prefix);  // the object fetched on the way: calling `x.__call__` calls `x`
  }
  for (size_t j = 0; j + 1 < parts.size(); ++j) {
    std::string reached(parts[j]);  // a module attribute that is itself a module (`pathlib.os`)
    for (size_t k = j + 1; k < parts.size(); ++k) reached += "." + std::string(parts[k]);
    names.push_back(reached);
  }
  return names;
}

}  // namespace mlaudit::model
