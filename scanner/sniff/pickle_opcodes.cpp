#include "sniff/pickle_opcodes.h"

#include <algorithm>

namespace mlaudit {

std::optional<PickleOpcode> pickle_opcode(unsigned char byte) {
  switch (byte) {
    case '(': case '.': case '0': case '1': case '2': case 'F': case 'I': case 'J': case 'K': case 'L':
    case 'M': case 'N': case 'P': case 'Q': case 'R': case 'S': case 'T': case 'U': case 'V': case 'X':
    case 'a': case 'b': case 'c': case 'd': case '}': case 'e': case 'g': case 'h': case 'i': case 'j':
    case 'l': case ']': case 'o': case 'p': case 'q': case 'r': case 's': case 't': case ')': case 'u':
    case 'G': case 'B': case 'C':
      return static_cast<PickleOpcode>(byte);
    default:
      if (byte >= 0x80 && byte <= 0x98) return static_cast<PickleOpcode>(byte);
      return std::nullopt;
  }
}

PickleArgumentLayout pickle_argument_layout(PickleOpcode opcode) {
  using O = PickleOpcode;
  using A = PickleArgument;
  switch (opcode) {
    case O::floating: case O::integer: case O::long_text: case O::persid: case O::string: case O::unicode:
    case O::get: case O::put:
      return {A::line, 0};
    case O::global: case O::inst: return {A::two_lines, 0};
    case O::binint: case O::long_binget: case O::long_binput: return {A::fixed, 4};
    case O::binint1: case O::binget: case O::binput: case O::proto: case O::ext1: return {A::fixed, 1};
    case O::binint2: case O::ext2: return {A::fixed, 2};
    case O::ext4: return {A::fixed, 4};
    case O::binfloat: case O::frame: return {A::fixed, 8};
    case O::short_binstring: case O::short_binbytes: case O::short_binunicode: case O::long1: return {A::counted, 1};
    case O::binstring: case O::binunicode: case O::binbytes: case O::long4: return {A::counted, 4};
    case O::binunicode8: case O::binbytes8: case O::bytearray8: return {A::counted, 8};
    default: return {A::none, 0};
  }
}

PickleStreamProbe probe_pickle_stream(std::string_view bytes, uint64_t max_opcodes) {
  PickleStreamProbe probe;
  size_t pos = 0;
  auto line_end = [&](size_t from) { return bytes.find('\n', from); };
  while (pos < bytes.size() && probe.opcodes < max_opcodes) {
    auto opcode = pickle_opcode(static_cast<unsigned char>(bytes[pos]));
    if (!opcode) {
      probe.invalid = true;
      break;
    }
    ++probe.opcodes;
    ++pos;
    PickleArgumentLayout layout = pickle_argument_layout(*opcode);
    if (layout.kind == PickleArgument::fixed) {
      pos += layout.width;
    } else if (layout.kind == PickleArgument::counted) {
      if (pos + layout.width > bytes.size()) {
        pos = bytes.size();
        break;
      }
      uint64_t length = 0;
      for (int i = layout.width - 1; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(bytes[pos + i]);
      pos += layout.width;
      if (length > bytes.size() - pos) {
        pos = bytes.size();  // runs past what we hold: plausible for a head of a large file
        break;
      }
      pos += length;
    } else if (layout.kind == PickleArgument::line || layout.kind == PickleArgument::two_lines) {
      for (int lines = layout.kind == PickleArgument::line ? 1 : 2; lines > 0; --lines) {
        size_t end = line_end(pos);
        if (end == std::string_view::npos) {
          pos = bytes.size();
          break;
        }
        pos = end + 1;
      }
    }
    if (*opcode == PickleOpcode::proto && pos <= bytes.size() && static_cast<unsigned char>(bytes[pos - 1]) > 5) {
      probe.invalid = true;
      break;
    }
    if (*opcode == PickleOpcode::stop) {
      probe.reached_stop = true;
      break;
    }
  }
  probe.end = std::min<uint64_t>(pos, bytes.size());
  return probe;
}

}  // namespace mlaudit
