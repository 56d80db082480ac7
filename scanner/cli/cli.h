#pragma once
// mlaudit's command line: scan, rules, explain, graph, facts. Exit codes:
// 0 nothing at or above the gate, 1 findings at or above it, 2 usage or configuration
// error, 3 internal error.
#include <iosfwd>

namespace mlaudit {

enum ExitCode : int { kExitClean = 0, kExitFindings = 1, kExitUsage = 2, kExitInternal = 3 };

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// True when the scan gave up on a file whose extractor thread is still running (the
// watchdog): the process must then leave without running static destructors.
bool cli_left_threads_behind();

}  // namespace mlaudit
