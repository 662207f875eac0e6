#include "frame_trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace bcp::display {

FrameTrace::~FrameTrace() {
  if (fd_ >= 0) ::close(fd_);
}

bool FrameTrace::open(const std::string& path, std::string* error) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    if (error) *error = "--trace-frames: cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  static constexpr char kHeader[] = "# finished_ns(CLOCK_MONOTONIC) first_seq last_seq\n";
  if (::write(fd_, kHeader, sizeof kHeader - 1) < 0) {
    if (error) *error = "--trace-frames: cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void FrameTrace::record(std::int64_t shown_seq) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  // A daemon started over with an empty journal counts from 1 again.
  if (shown_seq < shown_) shown_ = 0;
  char line[96];
  int n = std::snprintf(line, sizeof line, "%lld%09ld %lld %lld\n",
                        static_cast<long long>(ts.tv_sec), static_cast<long>(ts.tv_nsec),
                        static_cast<long long>(shown_ + 1), static_cast<long long>(shown_seq));
  shown_ = shown_seq;
  if (n > 0) {
    // A full disk must not stop the wall: a lost trace line is only a lost measurement.
    [[maybe_unused]] auto written = ::write(fd_, line, static_cast<std::size_t>(n));
  }
}

}  // namespace bcp::display
