#include "extract/model/pickle_vm.h"

#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>

namespace mlaudit::model {
namespace {

constexpr size_t kTrackedItems = 64;      // children kept per container (the rest are counted)
constexpr size_t kMaxLine = 1 << 20;      // protocol-0 text arguments

enum class Kind : uint8_t { none, boolean, integer, floating, text, bytes, tuple, list, dict, set, global, object, mark, unknown };

// A value on the stack or in the memo. Scalars live in `number`; everything else is an
// index into the heap.
struct Slot {
  Kind kind = Kind::unknown;
  int64_t number = 0;
};

struct HeapValue {
  std::string_view text;        // text / bytes: a view into the scanned buffer or into `owned`
  std::string owned;
  std::vector<Slot> items;      // tuple/list/set; dict as key, value, key, value ...
  size_t total_items = 0;
  int global = -1;              // global: its index; object: the global it traces back to
  Slot callee, args;            // object: what was called, with what
};

// Shared by the machines of one scan (the file's pickle and the pickles inside it).
struct ScanContext {
  const PickleOptions& options;
  PickleScan& scan;
  std::map<std::tuple<std::string, std::string, int>, size_t> global_index;
  uint64_t opcodes = 0;
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

bool plausible_pickle_start(unsigned char byte) { return byte == 0x80 || byte == '(' || byte == ']' || byte == '}' || byte == 'c'; }

class Machine {
 public:
  Machine(ScanContext& context, std::string_view data, int depth, uint64_t base)
      : context_(context), data_(data), depth_(depth), base_(base) {}

  // Runs one pickle starting at `pos` up to its STOP; `pos` ends after the STOP.
  std::optional<Failure> run_one(size_t& pos) {
    stack_.clear();
    marks_.clear();
    memo_.clear();
    while (true) {
      if (pos >= data_.size())
        return Failure{PickleStatus::truncated, "pickle ends without STOP at byte " + std::to_string(base_ + pos)};
      if (++context_.opcodes > context_.options.limits.max_opcodes)
        return Failure{PickleStatus::limit_exceeded, "more than " + std::to_string(context_.options.limits.max_opcodes) +
                                                         " opcodes: the rest was not analysed"};
      size_t at = pos;
      auto opcode = static_cast<unsigned char>(data_[pos++]);
      std::optional<Failure> failure = step(opcode, at, pos);
      if (failure) return failure;
      if (done_) {
        done_ = false;
        return std::nullopt;
      }
      if (stack_.size() + marks_.size() > context_.options.limits.max_stack)
        return Failure{PickleStatus::limit_exceeded, "stack deeper than " + std::to_string(context_.options.limits.max_stack)};
      if (memo_.size() > context_.options.limits.max_memo)
        return Failure{PickleStatus::limit_exceeded, "memo larger than " + std::to_string(context_.options.limits.max_memo)};
    }
  }

 private:
  // ------------------------------------------------------------------ reading
  std::optional<std::string_view> take(size_t& pos, uint64_t count) {
    if (count > data_.size() - pos) return std::nullopt;
    std::string_view bytes = data_.substr(pos, count);
    pos += count;
    return bytes;
  }
  std::optional<uint64_t> little_endian(size_t& pos, int width) {
    auto bytes = take(pos, static_cast<uint64_t>(width));
    if (!bytes) return std::nullopt;
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>((*bytes)[static_cast<size_t>(i)]);
    return value;
  }
  std::optional<std::string_view> line(size_t& pos) {
    auto end = data_.find('\n', pos);
    if (end == std::string_view::npos || end - pos > kMaxLine) return std::nullopt;
    std::string_view text = data_.substr(pos, end - pos);
    pos = end + 1;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
  }
  Failure truncated(size_t at) {
    return Failure{PickleStatus::truncated, "opcode at byte " + std::to_string(base_ + at) + " runs past the end of the data"};
  }

  // ------------------------------------------------------------------- values
  Slot scalar(Kind kind, int64_t number = 0) { return Slot{kind, number}; }
  Slot heap(HeapValue value, Kind kind) {
    heap_.push_back(std::move(value));
    if (!heap_.back().owned.empty()) heap_.back().text = heap_.back().owned;
    return Slot{kind, static_cast<int64_t>(heap_.size() - 1)};
  }
  Slot text_view(std::string_view text, Kind kind) {
    HeapValue value;
    value.text = text;
    return heap(std::move(value), kind);
  }
  Slot text_owned(std::string text, Kind kind) {
    HeapValue value;
    value.owned = std::move(text);
    return heap(std::move(value), kind);
  }
  HeapValue* value_of(const Slot& slot) {
    switch (slot.kind) {
      case Kind::text: case Kind::bytes: case Kind::tuple: case Kind::list: case Kind::dict: case Kind::set:
      case Kind::global: case Kind::object:
        return &heap_[static_cast<size_t>(slot.number)];
      default:
        return nullptr;
    }
  }
  std::optional<std::string_view> text_of(const Slot& slot) {
    if (!is_text_kind(slot)) return std::nullopt;
    return value_of(slot)->text;
  }
  void add_item(Slot container, Slot item) {
    HeapValue* value = value_of(container);
    if (!value) return;
    ++value->total_items;
    if (value->items.size() < kTrackedItems * 2) value->items.push_back(item);
  }
  Slot make_container(Kind kind, std::vector<Slot> items) {
    HeapValue value;
    value.total_items = items.size();
    if (items.size() > kTrackedItems * 2) items.resize(kTrackedItems * 2);
    value.items = std::move(items);
    return heap(std::move(value), kind);
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
  int origin_global(const Slot& slot, int guard = 0) {
    HeapValue* value = value_of(slot);
    if (!value || guard > 16) return -1;
    if (slot.kind == Kind::global) return value->global;
    if (slot.kind == Kind::object) return value->global;
    return -1;
  }
  std::string qualified(int global) {
    if (global < 0) return {};
    return context_.scan.globals[static_cast<size_t>(global)].qualified();
  }

  int record_global(std::string module, std::string name, size_t at, std::string_view opcode) {
    auto key = std::make_tuple(module, name, depth_);
    auto found = context_.global_index.find(key);
    if (found == context_.global_index.end()) {
      PickleGlobal global;
      global.module = std::move(module);
      global.name = std::move(name);
      global.offset = base_ + at;
      global.opcode = std::string(opcode);
      global.depth = depth_;
      context_.scan.globals.push_back(std::move(global));
      found = context_.global_index.emplace(key, context_.scan.globals.size() - 1).first;
    }
    ++context_.scan.globals[found->second].occurrences;
    return static_cast<int>(found->second);
  }
  Slot push_global(std::string module, std::string name, size_t at, std::string_view opcode) {
    HeapValue value;
    value.global = record_global(std::move(module), std::move(name), at, opcode);
    return heap(std::move(value), Kind::global);
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
    return Failure{PickleStatus::malformed, std::string(opcode) + " at byte " + std::to_string(base_ + at) + " pops an empty stack"};
  }

  // A call's result: an object that remembers what was called with what. Calls that decode
  // bytes or unpickle a payload are followed here.
  Slot call(const Slot& callee, const Slot& args, size_t at) {
    mark_called(callee);
    int global = origin_global(callee);
    std::string name = qualified(global);
    HeapValue* arguments = at_args(args);
    auto argument = [&](size_t index) -> std::optional<Slot> {
      if (!arguments || index >= arguments->items.size()) return std::nullopt;
      return arguments->items[index];
    };
    const uint64_t limit = context_.options.limits.max_nested_payload;
    if (callee.kind == Kind::global) {
      if (name == "_codecs.encode" || name == "codecs.encode") {
        auto text = argument(0) ? text_of(*argument(0)) : std::nullopt;
        auto encoding = argument(1) ? text_of(*argument(1)) : std::nullopt;
        if (text && (!encoding || *encoding == "latin1" || *encoding == "latin-1" || *encoding == "iso-8859-1"))
          if (auto bytes = latin1_bytes(*text, limit)) return text_owned(std::move(*bytes), Kind::bytes);
      }
      if (name == "base64.b64decode" || name == "base64.decodebytes" || name == "base64.urlsafe_b64decode" ||
          name == "binascii.a2b_base64") {
        if (auto text = argument(0) ? text_of(*argument(0)) : std::nullopt)
          if (auto bytes = base64_bytes(*text, limit)) return text_owned(std::move(*bytes), Kind::bytes);
      }
      if (name == "builtins.bytes" || name == "builtins.bytearray" || name == "__builtin__.bytes") {
        if (auto text = argument(0) ? text_of(*argument(0)) : std::nullopt) return text_owned(std::string(*text), Kind::bytes);
      }
      if (name == "pickle.loads" || name == "_pickle.loads" || name == "cPickle.loads" || name == "pickle._loads" ||
          name == "dill.loads" || name == "dill._dill.loads" || name == "cloudpickle.loads" ||
          name == "torch.storage._load_from_bytes" || name == "torch.serialization._load_from_bytes") {
        if (auto payload = argument(0) ? text_of(*argument(0)) : std::nullopt) scan_nested(*payload, at);
      }
    }
    HeapValue value;
    value.callee = callee;
    value.args = args;
    value.global = global;
    return heap(std::move(value), Kind::object);
  }
  HeapValue* at_args(const Slot& args) { return args.kind == Kind::tuple || args.kind == Kind::list ? value_of(args) : nullptr; }

  void scan_nested(std::string_view payload, size_t at) {
    PickleScan& scan = context_.scan;
    if (depth_ + 1 > context_.options.limits.max_nesting) {
      scan.notes.push_back("a pickle nested " + std::to_string(depth_ + 1) + " deep at byte " + std::to_string(base_ + at) +
                           " was not analysed (nesting limit)");
      if (scan.status == PickleStatus::ok) {
        scan.status = PickleStatus::limit_exceeded;
        scan.problem = "pickles nested deeper than " + std::to_string(context_.options.limits.max_nesting);
      }
      return;
    }
    if (payload.starts_with("PK\x03\x04")) {
      scan.notes.push_back("a zip archive unpickled at byte " + std::to_string(base_ + at) + " was not analysed");
      return;
    }
    ++scan.nested_pickles;
    // Offsets inside a payload that is a slice of the file are file offsets; computed
    // payloads are reported at the call that unpickles them.
    bool inside = payload.data() >= data_.data() && payload.data() + payload.size() <= data_.data() + data_.size();
    uint64_t base = inside ? base_ + static_cast<uint64_t>(payload.data() - data_.data()) : base_ + at;
    Machine nested(context_, payload, depth_ + 1, base);
    size_t pos = 0;
    if (auto failure = nested.run_one(pos)) {
      scan.notes.push_back("nested pickle at byte " + std::to_string(base) + ": " + failure->message);
      if (failure->status == PickleStatus::limit_exceeded && scan.status == PickleStatus::ok) {
        scan.status = failure->status;
        scan.problem = failure->message;
      }
    }
  }

  // joblib writes a NumpyArrayWrapper's array right after the wrapper's BUILD: skip those
  // bytes (or read the pickle that holds an object array) so the stream stays in step.
  std::optional<Failure> skip_joblib_array(const Slot& wrapper, const Slot& state, size_t at, size_t& pos) {
    int global = origin_global(wrapper);
    std::string name = qualified(global);
    if (!name.ends_with("numpy_pickle.NumpyArrayWrapper")) return std::nullopt;
    auto shape = dict_get(state, "shape");
    auto dtype = dict_get(state, "dtype");
    if (!shape || !dtype)
      return Failure{PickleStatus::malformed, "joblib array at byte " + std::to_string(base_ + at) + " has no shape or dtype"};
    uint64_t count = 1;
    if (HeapValue* dimensions = value_of(*shape)) {
      if (dimensions->total_items != dimensions->items.size())
        return Failure{PickleStatus::malformed, "joblib array shape too long at byte " + std::to_string(base_ + at)};
      for (const Slot& dimension : dimensions->items) {
        if (dimension.kind != Kind::integer || dimension.number < 0)
          return Failure{PickleStatus::malformed, "joblib array shape is not a tuple of sizes at byte " + std::to_string(base_ + at)};
        if (dimension.number > 0 && count > UINT64_MAX / static_cast<uint64_t>(dimension.number))
          return Failure{PickleStatus::malformed, "joblib array shape overflows at byte " + std::to_string(base_ + at)};
        count *= static_cast<uint64_t>(dimension.number);
      }
    }
    std::optional<std::string_view> code;
    if (HeapValue* dtype_value = value_of(*dtype); dtype_value && dtype->kind == Kind::object) {
      if (HeapValue* dtype_args = at_args(dtype_value->args); dtype_args && !dtype_args->items.empty())
        code = text_of(dtype_args->items[0]);
    }
    if (!code)
      return Failure{PickleStatus::malformed, "joblib array dtype unknown at byte " + std::to_string(base_ + at)};
    if (*code == "O" || *code == "|O" || *code == "O8") {
      // Object arrays are a complete pickle of their own, read with a new unpickler.
      Machine inner(context_, data_, depth_, base_);
      if (auto failure = inner.run_one(pos)) return failure;
      return std::nullopt;
    }
    auto itemsize = dtype_itemsize(*code);
    if (!itemsize)
      return Failure{PickleStatus::malformed, "joblib array dtype '" + std::string(*code) + "' not understood at byte " +
                                                  std::to_string(base_ + at)};
    if (dict_get(state, "numpy_array_alignment_bytes")) {
      auto padding = take(pos, 1);
      if (!padding) return truncated(at);
      if (!take(pos, static_cast<unsigned char>((*padding)[0]))) return truncated(at);
    }
    if (*itemsize && count > (data_.size() - pos) / *itemsize) return truncated(at);
    pos += count * *itemsize;
    return std::nullopt;
  }

  // ------------------------------------------------------------------ opcodes
  std::optional<Failure> step(unsigned char opcode, size_t at, size_t& pos) {
    auto need = [&](std::optional<Slot> slot) { return slot.has_value(); };
    switch (opcode) {
      case '(': marks_.push_back(stack_.size()); return std::nullopt;                      // MARK
      case '.': {                                                                          // STOP
        if (stack_.empty()) return underflow(at, "STOP");
        done_ = true;
        return std::nullopt;
      }
      case '0': if (!need(pop())) return underflow(at, "POP"); return std::nullopt;        // POP
      case '1': if (!pop_mark()) return underflow(at, "POP_MARK"); return std::nullopt;   // POP_MARK
      case '2':                                                                            // DUP
        if (stack_.empty()) return underflow(at, "DUP");
        stack_.push_back(stack_.back());
        return std::nullopt;
      case 'F': {                                                                          // FLOAT
        if (!line(pos)) return truncated(at);
        stack_.push_back(scalar(Kind::floating));
        return std::nullopt;
      }
      case 'I': case 'L': {                                                                // INT, LONG
        auto text = line(pos);
        if (!text) return truncated(at);
        std::string digits(*text);
        if (!digits.empty() && digits.back() == 'L') digits.pop_back();
        if (digits == "00") stack_.push_back(scalar(Kind::boolean, 0));
        else if (digits == "01") stack_.push_back(scalar(Kind::boolean, 1));
        else stack_.push_back(scalar(Kind::integer, std::strtoll(digits.c_str(), nullptr, 10)));
        return std::nullopt;
      }
      case 'J': { auto v = little_endian(pos, 4); if (!v) return truncated(at);               // BININT
        stack_.push_back(scalar(Kind::integer, static_cast<int32_t>(*v))); return std::nullopt; }
      case 'K': { auto v = little_endian(pos, 1); if (!v) return truncated(at);               // BININT1
        stack_.push_back(scalar(Kind::integer, static_cast<int64_t>(*v))); return std::nullopt; }
      case 'M': { auto v = little_endian(pos, 2); if (!v) return truncated(at);               // BININT2
        stack_.push_back(scalar(Kind::integer, static_cast<int64_t>(*v))); return std::nullopt; }
      case 0x8a: case 0x8b: {                                                                 // LONG1, LONG4
        auto length = little_endian(pos, opcode == 0x8a ? 1 : 4);
        if (!length) return truncated(at);
        auto bytes = take(pos, *length);
        if (!bytes) return truncated(at);
        int64_t value = 0;
        for (size_t i = bytes->size(); i-- > 0 && i < 8;) value = (value << 8) | static_cast<unsigned char>((*bytes)[i]);
        stack_.push_back(scalar(Kind::integer, value));
        return std::nullopt;
      }
      case 'G': if (!take(pos, 8)) return truncated(at); stack_.push_back(scalar(Kind::floating)); return std::nullopt;
      case 'N': stack_.push_back(scalar(Kind::none)); return std::nullopt;                    // NONE
      case 0x88: stack_.push_back(scalar(Kind::boolean, 1)); return std::nullopt;             // NEWTRUE
      case 0x89: stack_.push_back(scalar(Kind::boolean, 0)); return std::nullopt;             // NEWFALSE
      case 'S': {                                                                              // STRING
        auto text = line(pos);
        if (!text) return truncated(at);
        stack_.push_back(text_owned(decode_string_literal(*text), Kind::bytes));
        return std::nullopt;
      }
      case 'V': {                                                                              // UNICODE
        auto text = line(pos);
        if (!text) return truncated(at);
        stack_.push_back(text_owned(decode_raw_unicode(*text), Kind::text));
        return std::nullopt;
      }
      case 'T': case 'U': case 'B': case 'C': case 'X': case 0x8c: case 0x8d: case 0x8e: case 0x96: {
        int width = opcode == 'U' || opcode == 'C' || opcode == 0x8c ? 1 : opcode == 0x8d || opcode == 0x8e || opcode == 0x96 ? 8 : 4;
        auto length = little_endian(pos, width);
        if (!length) return truncated(at);
        auto bytes = take(pos, *length);
        if (!bytes) return truncated(at);
        bool text = opcode == 'X' || opcode == 0x8c || opcode == 0x8d;
        stack_.push_back(text_view(*bytes, text ? Kind::text : Kind::bytes));
        return std::nullopt;
      }
      case 0x97: case 0x98:                                                                   // NEXT_BUFFER, READONLY_BUFFER
        if (opcode == 0x97) stack_.push_back(scalar(Kind::unknown));
        else if (stack_.empty()) return underflow(at, "READONLY_BUFFER");
        return std::nullopt;
      case ')': stack_.push_back(make_container(Kind::tuple, {})); return std::nullopt;       // EMPTY_TUPLE
      case 0x85: case 0x86: case 0x87: {                                                       // TUPLE1-3
        size_t count = opcode - 0x84u;
        if (stack_.size() < count + (marks_.empty() ? 0 : marks_.back())) return underflow(at, "TUPLEn");
        std::vector<Slot> items(stack_.end() - static_cast<ptrdiff_t>(count), stack_.end());
        stack_.resize(stack_.size() - count);
        stack_.push_back(make_container(Kind::tuple, std::move(items)));
        return std::nullopt;
      }
      case 't': case 'l': case 'd': case 0x91: {                                               // TUPLE, LIST, DICT, FROZENSET
        auto items = pop_mark();
        if (!items) return underflow(at, "MARK-built container");
        Kind kind = opcode == 't' ? Kind::tuple : opcode == 'l' ? Kind::list : opcode == 'd' ? Kind::dict : Kind::set;
        stack_.push_back(make_container(kind, std::move(*items)));
        return std::nullopt;
      }
      case ']': stack_.push_back(make_container(Kind::list, {})); return std::nullopt;         // EMPTY_LIST
      case '}': stack_.push_back(make_container(Kind::dict, {})); return std::nullopt;         // EMPTY_DICT
      case 0x8f: stack_.push_back(make_container(Kind::set, {})); return std::nullopt;         // EMPTY_SET
      case 'a': {                                                                              // APPEND
        auto item = pop();
        if (!item || stack_.empty()) return underflow(at, "APPEND");
        append_to(stack_.back(), {*item});
        return std::nullopt;
      }
      case 'e': case 0x90: {                                                                   // APPENDS, ADDITEMS
        auto items = pop_mark();
        if (!items || stack_.empty()) return underflow(at, "APPENDS");
        append_to(stack_.back(), *items);
        return std::nullopt;
      }
      case 's': {                                                                              // SETITEM
        auto value = pop();
        auto key = pop();
        if (!value || !key || stack_.empty()) return underflow(at, "SETITEM");
        append_to(stack_.back(), {*key, *value});
        return std::nullopt;
      }
      case 'u': {                                                                              // SETITEMS
        auto items = pop_mark();
        if (!items || stack_.empty()) return underflow(at, "SETITEMS");
        append_to(stack_.back(), *items);
        return std::nullopt;
      }
      case 'c': case 'i': {                                                                    // GLOBAL, INST
        auto module = line(pos);
        auto name = module ? line(pos) : std::nullopt;
        if (!module || !name) return truncated(at);
        Slot global = push_global(std::string(*module), std::string(*name), at, opcode == 'c' ? "GLOBAL" : "INST");
        if (opcode == 'c') {
          stack_.push_back(global);
        } else {
          auto args = pop_mark();
          if (!args) return underflow(at, "INST");
          stack_.push_back(call(global, make_container(Kind::tuple, std::move(*args)), at));
        }
        return std::nullopt;
      }
      case 0x93: {                                                                             // STACK_GLOBAL
        auto name = pop();
        auto module = pop();
        if (!name || !module) return underflow(at, "STACK_GLOBAL");
        auto module_text = text_of(*module), name_text = text_of(*name);
        // Names built at load time cannot be known here: that alone is a red flag.
        stack_.push_back(push_global(module_text ? std::string(*module_text) : "<computed>",
                                     name_text ? std::string(*name_text) : "<computed>", at, "STACK_GLOBAL"));
        return std::nullopt;
      }
      case 0x82: case 0x83: case 0x84: {                                                       // EXT1, EXT2, EXT4
        auto code = little_endian(pos, opcode == 0x82 ? 1 : opcode == 0x83 ? 2 : 4);
        if (!code) return truncated(at);
        // copyreg's extension registry is empty unless a program fills it: the name is unknowable.
        stack_.push_back(push_global("copyreg.extension", std::to_string(*code), at, "EXT"));
        return std::nullopt;
      }
      case 'R': {                                                                              // REDUCE
        auto args = pop();
        auto callee = pop();
        if (!args || !callee) return underflow(at, "REDUCE");
        stack_.push_back(call(*callee, *args, at));
        return std::nullopt;
      }
      case 0x81: {                                                                             // NEWOBJ
        auto args = pop();
        auto cls = pop();
        if (!args || !cls) return underflow(at, "NEWOBJ");
        stack_.push_back(call(*cls, *args, at));
        return std::nullopt;
      }
      case 0x92: {                                                                             // NEWOBJ_EX
        auto kwargs = pop();
        auto args = pop();
        auto cls = pop();
        if (!kwargs || !args || !cls) return underflow(at, "NEWOBJ_EX");
        stack_.push_back(call(*cls, *args, at));
        return std::nullopt;
      }
      case 'o': {                                                                              // OBJ
        auto items = pop_mark();
        if (!items || items->empty()) return underflow(at, "OBJ");
        Slot cls = items->front();
        items->erase(items->begin());
        stack_.push_back(call(cls, make_container(Kind::tuple, std::move(*items)), at));
        return std::nullopt;
      }
      case 'b': {                                                                              // BUILD
        auto state = pop();
        if (!state || stack_.empty()) return underflow(at, "BUILD");
        Slot target = stack_.back();
        if (target.kind == Kind::object) {
          // __setstate__ runs on load: the object's class decides what BUILD does.
          if (context_.options.joblib) return skip_joblib_array(target, *state, at, pos);
        }
        return std::nullopt;
      }
      case 'P': if (!line(pos)) return truncated(at); stack_.push_back(scalar(Kind::unknown)); return std::nullopt;
      case 'Q': {                                                                              // BINPERSID
        if (!pop()) return underflow(at, "BINPERSID");
        stack_.push_back(scalar(Kind::unknown));
        return std::nullopt;
      }
      case 'p': case 'q': case 'r': case 0x94: {                                               // PUT, BINPUT, LONG_BINPUT, MEMOIZE
        uint64_t index = memo_.size();
        if (opcode == 'p') {
          auto text = line(pos);
          if (!text) return truncated(at);
          index = std::strtoull(std::string(*text).c_str(), nullptr, 10);
        } else if (opcode != 0x94) {
          auto value = little_endian(pos, opcode == 'q' ? 1 : 4);
          if (!value) return truncated(at);
          index = *value;
        }
        if (stack_.empty()) return underflow(at, "PUT");
        memo_[index] = stack_.back();
        return std::nullopt;
      }
      case 'g': case 'h': case 'j': {                                                          // GET, BINGET, LONG_BINGET
        uint64_t index;
        if (opcode == 'g') {
          auto text = line(pos);
          if (!text) return truncated(at);
          index = std::strtoull(std::string(*text).c_str(), nullptr, 10);
        } else {
          auto value = little_endian(pos, opcode == 'h' ? 1 : 4);
          if (!value) return truncated(at);
          index = *value;
        }
        auto found = memo_.find(index);
        if (found == memo_.end())
          return Failure{PickleStatus::malformed, "GET of memo entry " + std::to_string(index) + " that was never stored, at byte " +
                                                      std::to_string(base_ + at)};
        stack_.push_back(found->second);
        return std::nullopt;
      }
      case 0x80: {                                                                             // PROTO
        auto version = little_endian(pos, 1);
        if (!version) return truncated(at);
        context_.scan.protocol = std::max(context_.scan.protocol, static_cast<int>(*version));
        return std::nullopt;
      }
      case 0x95: if (!take(pos, 8)) return truncated(at); return std::nullopt;                // FRAME
      default:
        return Failure{PickleStatus::invalid_opcode,
                       "byte " + std::to_string(base_ + at) + " (0x" + hex(opcode) + ") is not a pickle opcode"};
    }
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
  int depth_;
  uint64_t base_;
  std::vector<Slot> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Slot> memo_;
  std::deque<HeapValue> heap_;
  bool done_ = false;
};

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
  ScanContext context{options, scan, {}, 0};
  size_t pos = 0;
  while (pos < data.size()) {
    size_t start = pos;
    size_t globals_before = scan.globals.size();
    Machine machine(context, data, 0, 0);
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
  if (scan.pickles == 0 && scan.status == PickleStatus::ok && data.empty()) {
    scan.status = PickleStatus::truncated;
    scan.problem = "empty pickle";
  }
  scan.opcodes = context.opcodes;
  scan.end_offset = pos;
  if (scan.pickles > 1) scan.notes.push_back(std::to_string(scan.pickles) + " pickles stacked in one stream");
  if (scan.trailing_bytes) scan.notes.push_back(std::to_string(scan.trailing_bytes) + " bytes of non-pickle data follow the last pickle");
  return scan;
}

}  // namespace mlaudit::model
