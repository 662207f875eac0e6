// The real bcp-feedd as a child process of bench-distribution, on a loopback port the run
// script picked free. It is told to die with its parent (PR_SET_PDEATHSIG), so a benchmark
// that is interrupted or crashes leaves no daemon behind; the destructor stops it otherwise.
// Used from bench-distribution's main thread only; the child runs its own threads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace bcp::bench {

class ChildFeedd {
 public:
  // Starts `binary --config town --listen 127.0.0.1:port --data data_dir`, its stderr appended
  // to `log`, and waits (at most `timeout`) until /healthz answers 200. Throws
  // std::runtime_error with the log's last lines when it exits or never answers.
  ChildFeedd(const std::filesystem::path& binary, const std::filesystem::path& town,
             const std::filesystem::path& data_dir, std::uint16_t port, const std::filesystem::path& log,
             std::chrono::seconds timeout = std::chrono::seconds(60));
  ~ChildFeedd();  // stop()
  ChildFeedd(const ChildFeedd&) = delete;
  ChildFeedd& operator=(const ChildFeedd&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // CPU time (user + system) the daemon has used so far, in seconds; 0 once it is gone.
  double cpu_seconds() const;
  // SIGTERM, then SIGKILL after 10 s; returns the exit status (128 + signal when killed).
  int stop();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_;
  std::filesystem::path log_;
};

}  // namespace bcp::bench
