#include "sandbox/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mlaudit {
namespace {

// Between fork and exec: the argument vector and the seccomp filter need memory, so they are
// built before the limits; the address-space limit comes last, right before exec (under
// AddressSanitizer, whose allocator reserves far more address space than the limit, any
// allocation after it aborts the child with "Failed to mmap").
[[noreturn]] void child_main(const std::vector<std::string>& argv, const SandboxLimits& limits, int out_fd, int err_fd) {
  dup2(out_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  int null = open("/dev/null", O_RDONLY);
  if (null >= 0) dup2(null, STDIN_FILENO);
  setpgid(0, 0);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (!limits.allow_network) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
    bool ok = filter && seccomp_rule_add(filter, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX)) == 0 &&
              seccomp_load(filter) == 0;
    if (!ok) {
      const char message[] = "sandbox: could not install the no-network filter\n";
      (void)!write(STDERR_FILENO, message, sizeof message - 1);
      _exit(126);
    }
  }
  auto limit = [](int resource, rlim_t value) {
    rlimit bound{value, value};
    setrlimit(resource, &bound);
  };
  limit(RLIMIT_CPU, limits.cpu_seconds);
  limit(RLIMIT_FSIZE, 0);      // it reports on stdout; it writes no file
  limit(RLIMIT_CORE, 0);
  limit(RLIMIT_NOFILE, 256);
  limit(RLIMIT_AS, limits.memory_bytes);
  execv(args[0], args.data());
  const char message[] = "sandbox: cannot execute the program\n";
  (void)!write(STDERR_FILENO, message, sizeof message - 1);
  _exit(127);
}

}  // namespace

std::string ChildResult::describe() const {
  if (!failure.empty()) return failure;
  std::string last_line = err;
  while (!last_line.empty() && last_line.back() == '\n') last_line.pop_back();
  if (auto newline = last_line.rfind('\n'); newline != std::string::npos) last_line = last_line.substr(newline + 1);
  if (timed_out) return "stopped after the time limit";
  if (signal == SIGXCPU) return "stopped at the CPU-time limit";
  if (signal != 0)
    return std::string("killed by signal ") + strsignal(signal) + (signal == SIGKILL || signal == SIGSEGV ? " (memory limit?)" : "") +
           (last_line.empty() ? "" : ": " + last_line);
  return "exited with status " + std::to_string(exit_code) + (last_line.empty() ? "" : ": " + last_line);
}

ChildResult run_confined(const std::vector<std::string>& argv, const SandboxLimits& limits) {
  ChildResult result;
  int out_pipe[2], err_pipe[2];
  if (argv.empty() || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.failure = "cannot create pipes for the child process";
    return result;
  }
  pid_t pid = fork();
  if (pid < 0) {
    result.failure = std::string("cannot start a child process: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) child_main(argv, limits, out_pipe[1], err_pipe[1]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  auto deadline = std::chrono::steady_clock::now() + limits.wall;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_pipes = 2;
  char buffer[65536];
  while (open_pipes > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    int ready = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        if (sinks[i]->size() < (256u << 20)) sinks[i]->append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (auto& fd : fds)
    if (fd.fd >= 0) close(fd.fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace mlaudit
