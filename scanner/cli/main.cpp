#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  int code = mlaudit::run_cli(argc, argv, std::cout, std::cerr);
  if (mlaudit::cli_left_threads_behind()) {
    // A thread is still inside a file the scan gave up on: the reports are written, and
    // running static destructors under it could crash, so leave without them.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    _exit(code);
  }
  return code;
}
