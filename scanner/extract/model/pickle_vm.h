#pragma once
// A symbolic pickle machine: it walks every opcode of protocols 0-5 the way CPython's
// unpickler would, but instead of importing and calling anything it records which
// globals a pickle names (GLOBAL, STACK_GLOBAL with names from the stack or the memo,
// INST, EXT*), which of them it calls (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX, and
// dynamically through values they return), and follows payloads that would be unpickled
// in turn (bytes handed to pickle.loads, built through _codecs.encode or base64) and
// pickles kept as data inside the pickle (raw, base64 or hex bytes). It understands
// stacked pickles (legacy torch files), joblib's raw array data, and frames that an
// argument overruns (read both as a buffer and as a file would be). Values no longer
// reachable are freed as it goes, and every limit is a result, never a crash or a hang.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlaudit::model {

struct PickleLimits {
  uint64_t max_opcodes = 50'000'000;
  size_t max_stack = 5'000'000;         // stack slots
  size_t max_memo = 10'000'000;         // memo entries
  int max_nesting = 4;                  // pickles inside pickles (unpickled payloads, stored pickles, joblib object arrays)
  uint64_t max_nested_payload = 256ull << 20;
  uint64_t max_working_bytes = 384ull << 20;  // estimated memory for the stack, memo and live values
  size_t max_globals = 100'000;         // distinct names
};

struct PickleGlobal {
  std::string module, name;
  uint64_t offset = 0;      // byte offset of the opcode that named it, in the file or member
  std::string opcode;       // GLOBAL, STACK_GLOBAL, INST, EXT1, ...
  bool called = false;      // called on load (REDUCE/INST/OBJ/NEWOBJ target, or its result called)
  int depth = 0;            // 0 = the file's own pickle, 1 = a pickle inside it, ...
  bool stored = false;      // in a pickle kept as data: it runs only if the application unpickles that value
  bool file_reading = false;// seen only when frames are read as CPython's C unpickler reads a file
  size_t occurrences = 0;
  std::string qualified() const { return module + "." + name; }
};

// A value returned by a call that is called in turn (`pydoc.locate('os.system')('id')`):
// what runs is chosen while loading, so no list of names can vet it.
struct PickleResultCall {
  std::string origin;       // the global whose result is called ("" when unknown)
  uint64_t offset = 0;
  int depth = 0;
  bool stored = false;
  bool unseen_payload = false;  // a loader called on bytes that are not in the file as such
};

enum class PickleStatus { ok, truncated, invalid_opcode, malformed, limit_exceeded };
std::string_view to_string(PickleStatus status);

struct PickleScan {
  PickleStatus status = PickleStatus::ok;
  std::string problem;                  // what went wrong, with the offset, when not ok
  std::vector<PickleGlobal> globals;    // distinct (global, depth, stored), in order of first use
  std::vector<PickleResultCall> result_calls;
  int protocol = -1;                    // highest PROTO seen
  int pickles = 0;                      // complete pickles in the stream
  uint64_t opcodes = 0;
  uint64_t end_offset = 0;              // where reading stopped
  uint64_t trailing_bytes = 0;          // non-pickle data after the last pickle (legacy torch storages)
  int nested_pickles = 0;               // payloads unpickled on load
  int stored_pickles = 0;               // pickles kept as data
  uint64_t largest_expansion = 0;       // elements a traversal of the largest container visits
  uint64_t dups = 0;                    // DUP opcodes (no Python pickler writes them)
  std::vector<std::string> frame_overruns;  // opcodes whose argument runs past their FRAME
  std::vector<std::string> notes;
};

struct PickleOptions {
  PickleLimits limits;
  bool stacked = true;                  // keep reading pickles after a STOP
  bool joblib = false;                  // raw numpy array data may follow NumpyArrayWrapper objects
};

PickleScan scan_pickle(std::string_view data, const PickleOptions& options = {});

// The names a global resolves to when loaded: `module.name` itself, the objects fetched along
// a dotted name (`builtins.eval` for `builtins.eval.__call__`), and what a module attribute
// reached through a dotted name is (`os.system` for `pathlib` + `os.system`).
std::vector<std::string> resolution_names(std::string_view module, std::string_view name);

}  // namespace mlaudit::model
