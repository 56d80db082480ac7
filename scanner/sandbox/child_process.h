#pragma once
// Runs a program as a confined child: resource limits (address space, CPU time, open
// files, no file writes, no core dumps), no new privileges, no network (a seccomp filter
// refusing every socket but AF_UNIX, inherited across exec), its own process group, a
// wall-clock limit after which the group is killed. Output is captured, never a terminal.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mlaudit {

struct SandboxLimits {
  uint64_t memory_bytes = 8ull << 30;       // RLIMIT_AS
  unsigned cpu_seconds = 3600;               // RLIMIT_CPU (all threads together)
  std::chrono::seconds wall{900};
  bool allow_network = false;
};

struct ChildResult {
  int exit_code = -1;      // -1 when it did not exit normally
  int signal = 0;          // the signal that ended it, if any
  bool timed_out = false;
  std::string out, err;
  std::string failure;     // why it could not be started, if it was not
  // One line for a diagnostic: "exited with status 4: ...", "killed by SIGKILL (memory?)", ...
  std::string describe() const;
};

ChildResult run_confined(const std::vector<std::string>& argv, const SandboxLimits& limits);

}  // namespace mlaudit
