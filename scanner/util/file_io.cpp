#include "util/file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace mlaudit {
namespace {

std::variant<std::string, ReadError> read_up_to(const std::filesystem::path& path, uint64_t limit, bool refuse_longer) {
  // O_NOFOLLOW: the walker already decided about symlinks; never follow one here.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return ReadError{std::strerror(errno)};
  std::string content;
  char buffer[65536];
  while (content.size() < limit) {
    size_t want = std::min<uint64_t>(sizeof buffer, limit - content.size());
    ssize_t got = ::read(fd, buffer, want);
    if (got < 0) {
      if (errno == EINTR) continue;
      ReadError error{std::strerror(errno)};
      ::close(fd);
      return error;
    }
    if (got == 0) break;
    content.append(buffer, static_cast<size_t>(got));
  }
  if (refuse_longer && content.size() == limit) {
    char probe;
    if (::read(fd, &probe, 1) == 1) {
      ::close(fd);
      return ReadError{"file is larger than the " + std::to_string(limit) + "-byte limit"};
    }
  }
  ::close(fd);
  return content;
}

}  // namespace

std::variant<std::string, ReadError> read_file_prefix(const std::filesystem::path& path, uint64_t limit) {
  return read_up_to(path, limit, false);
}

std::variant<std::string, ReadError> read_whole_file(const std::filesystem::path& path, uint64_t limit) {
  return read_up_to(path, limit, true);
}

}  // namespace mlaudit
