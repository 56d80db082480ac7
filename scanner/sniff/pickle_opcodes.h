#pragma once
// The pickle opcodes of protocols 0-5 (CPython's Lib/pickle.py names), and how long each
// opcode's argument is. Shared by the sniffer, which recognises a pickle by walking its
// opcode stream, and by the symbolic pickle machine, which interprets it.
#include <cstdint>
#include <optional>
#include <string_view>

namespace mlaudit {

enum class PickleOpcode : uint8_t {
  mark = '(', stop = '.', pop = '0', pop_mark = '1', dup = '2', floating = 'F', integer = 'I',
  binint = 'J', binint1 = 'K', long_text = 'L', binint2 = 'M', none = 'N', persid = 'P',
  binpersid = 'Q', reduce = 'R', string = 'S', binstring = 'T', short_binstring = 'U',
  unicode = 'V', binunicode = 'X', append = 'a', build = 'b', global = 'c', dict = 'd',
  empty_dict = '}', appends = 'e', get = 'g', binget = 'h', inst = 'i', long_binget = 'j',
  list = 'l', empty_list = ']', obj = 'o', put = 'p', binput = 'q', long_binput = 'r',
  setitem = 's', tuple = 't', empty_tuple = ')', setitems = 'u', binfloat = 'G',
  // protocol 2
  proto = 0x80, newobj = 0x81, ext1 = 0x82, ext2 = 0x83, ext4 = 0x84, tuple1 = 0x85,
  tuple2 = 0x86, tuple3 = 0x87, newtrue = 0x88, newfalse = 0x89, long1 = 0x8a, long4 = 0x8b,
  // protocol 3
  binbytes = 'B', short_binbytes = 'C',
  // protocol 4
  short_binunicode = 0x8c, binunicode8 = 0x8d, binbytes8 = 0x8e, empty_set = 0x8f,
  additems = 0x90, frozenset = 0x91, newobj_ex = 0x92, stack_global = 0x93, memoize = 0x94,
  frame = 0x95,
  // protocol 5
  bytearray8 = 0x96, next_buffer = 0x97, readonly_buffer = 0x98,
};

// The opcode a byte stands for, or nullopt when no protocol defines it.
std::optional<PickleOpcode> pickle_opcode(unsigned char byte);

// How an opcode's argument is laid out in the stream.
enum class PickleArgument : uint8_t {
  none,
  fixed,          // `width` bytes
  counted,        // a little-endian length of `width` bytes, then that many bytes
  line,           // text up to '\n'
  two_lines,      // GLOBAL / INST: module '\n' name '\n'
};
struct PickleArgumentLayout {
  PickleArgument kind = PickleArgument::none;
  uint8_t width = 0;
};
PickleArgumentLayout pickle_argument_layout(PickleOpcode opcode);

// Walks the opcode stream at the start of `bytes` by argument lengths only (no stack, no
// memo): enough to tell a pickle from other data. Stops at STOP, at the first byte that is
// not an opcode, at the end of `bytes`, or after `max_opcodes`.
struct PickleStreamProbe {
  bool reached_stop = false;
  bool invalid = false;       // a byte that is no opcode, or an argument that cannot be one
  uint64_t opcodes = 0;
  uint64_t end = 0;           // bytes consumed
};
PickleStreamProbe probe_pickle_stream(std::string_view bytes, uint64_t max_opcodes);

}  // namespace mlaudit
