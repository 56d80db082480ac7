#pragma once
// A symbolic pickle machine: it walks every opcode of protocols 0-5 the way CPython's
// unpickler would, but instead of importing and calling anything it records which
// globals a pickle names (GLOBAL, STACK_GLOBAL with names from the stack or the memo,
// INST, EXT*), which of them it calls (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX, and
// dynamically through values they return), and follows payloads that would be unpickled
// in turn (bytes handed to pickle.loads, built through _codecs.encode or base64). It
// understands stacked pickles (legacy torch files) and joblib's raw array data.
// Every limit is a result, never a crash or a hang.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit::model {

struct PickleLimits {
  uint64_t max_opcodes = 50'000'000;
  size_t max_stack = 20'000'000;        // stack slots
  size_t max_memo = 10'000'000;         // memo entries
  int max_nesting = 4;                  // pickles inside pickles
  uint64_t max_nested_payload = 256ull << 20;
};

struct PickleGlobal {
  std::string module, name;
  uint64_t offset = 0;      // byte offset of the opcode that named it, in the file or member
  std::string opcode;       // GLOBAL, STACK_GLOBAL, INST, EXT1, ...
  bool called = false;      // called on load (REDUCE/INST/OBJ/NEWOBJ target, or its result called)
  int depth = 0;            // 0 = the file's own pickle, 1 = a pickle inside it, ...
  size_t occurrences = 0;
  std::string qualified() const { return module + "." + name; }
};

enum class PickleStatus { ok, truncated, invalid_opcode, malformed, limit_exceeded };
std::string_view to_string(PickleStatus status);

struct PickleScan {
  PickleStatus status = PickleStatus::ok;
  std::string problem;                  // what went wrong, with the offset, when not ok
  std::vector<PickleGlobal> globals;    // distinct (global, depth), in order of first use
  int protocol = -1;                    // highest PROTO seen
  int pickles = 0;                      // complete pickles in the stream
  uint64_t opcodes = 0;
  uint64_t end_offset = 0;              // where reading stopped
  uint64_t trailing_bytes = 0;          // non-pickle data after the last pickle (legacy torch storages)
  int nested_pickles = 0;
  std::vector<std::string> notes;
};

struct PickleOptions {
  PickleLimits limits;
  bool stacked = true;                  // keep reading pickles after a STOP
  bool joblib = false;                  // raw numpy array data may follow NumpyArrayWrapper objects
};

PickleScan scan_pickle(std::string_view data, const PickleOptions& options = {});

}  // namespace mlaudit::model
