// evaluate_isolated(): worker processes forked from the calling thread (see isolated.hpp).
// The calling thread owns each worker from fork to waitpid; nothing here is shared with
// other threads except the read-only inputs, and a page of shared memory the worker writes
// its progress to (the line it is at), which the caller reads only after killing it.
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bcp/calendar/isolated.hpp"
#include "calendar_data.hpp"
#include "evaluation_wire.hpp"

namespace bcp::calendar {
namespace {

using Clock = std::chrono::steady_clock;

// Written by the worker, read by the caller after the worker is stopped.
struct Progress {
  std::atomic<std::uint32_t> line{0};
};

// ---- the worker (after fork; async-signal-safe system calls and this component only) -------

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Pages of address space the process maps now (the first field of /proc/self/statm).
std::size_t mapped_bytes() {
  int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128] = {};
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  std::size_t pages = 0;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) {
    pages = pages * 10 + static_cast<std::size_t>(buf[i] - '0');
  }
  return pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// The worker keeps only its pipe (as fd 3) and /dev/null for stdio: it must not hold the
// parent's sockets open (a client the daemon closes would not see the close) nor write to
// its log (libical prints warnings to stderr).
void isolate(int out_fd, pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(2);  // the parent is already gone
  int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null_fd, fd);
  }
  if (out_fd != 3 && ::dup2(out_fd, 3) < 0) ::_exit(2);
  ::syscall(SYS_close_range, 4u, ~0u, 0u);
  signal(SIGPIPE, SIG_DFL);
}

[[noreturn]] void worker_main(int out_fd, pid_t parent, const std::vector<std::string_view>& texts,
                              std::size_t first, EvaluationOptions options, Progress* progress) {
  isolate(out_fd, parent);
  // The ceiling counts address space: what the worker inherited and does not use is handed
  // back first (free heap at the top), so that less of it is room for the calendar.
  ::malloc_trim(0);
  if (std::size_t now = mapped_bytes(); now > 0) {
    rlimit limit{now + options.memory_bytes, now + options.memory_bytes};
    ::setrlimit(RLIMIT_AS, &limit);
  }
  options.limits.progress_line = &progress->line;
  options.parse_limits.progress_line = &progress->line;
  for (std::size_t i = first; i < texts.size(); ++i) {
    progress->line.store(0, std::memory_order_relaxed);
    if (!write_all(3, wire::encode(evaluate(texts[i], options)))) ::_exit(1);
  }
  ::_exit(0);
}

// ---- the caller --------------------------------------------------------------------------------

class Worker {
 public:
  enum class Read { record, timeout, ended, cancelled };

  // Forks a worker for texts[first...]; pid() < 0 when that failed (errno_ says why).
  Worker(const std::vector<std::string_view>& texts, std::size_t first,
         const EvaluationOptions& options, Progress* progress) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      error_ = errno;
      return;
    }
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      worker_main(fds[1], parent, texts, first, options, progress);
    }
    if (pid_ < 0) error_ = errno;
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Worker() { stop(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  pid_t pid() const { return pid_; }
  int error() const { return error_; }

  // The next record's body, waiting until `deadline`.
  Read next(Clock::time_point deadline, const std::atomic<bool>* cancel, std::string& body) {
    for (;;) {
      if (buffer_.size() >= wire::kHeaderBytes) {
        const std::size_t length = wire::body_length(buffer_);
        if (length > wire::kMaxBody) return Read::ended;  // garbled: treated as a crash
        if (buffer_.size() >= wire::kHeaderBytes + length) {
          body = buffer_.substr(wire::kHeaderBytes, length);
          buffer_.erase(0, wire::kHeaderBytes + length);
          return Read::record;
        }
      }
      if (cancel && cancel->load()) return Read::cancelled;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return Read::timeout;
      pollfd p{fd_, POLLIN, 0};
      // Short slices, so that a cancel is seen soon.
      int ready = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count() + 1, 100)));
      if (ready < 0 && errno != EINTR) return Read::ended;
      if (ready <= 0) continue;
      char chunk[65536];
      ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return Read::ended;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // Kills the worker (if it still runs) and collects it; how it ended, as waitpid says.
  int stop() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (pid_ > 0 && !reaped_) {
      // Still ours until waited for (a zombie keeps its pid), so this never hits another.
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
    }
    return status_;
  }

  // After the last record: lets the worker exit by itself (it does so right away).
  void finish() {
    std::string ignored;
    next(Clock::now() + std::chrono::seconds(1), nullptr, ignored);
    stop();
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int error_ = 0;
  int status_ = 0;
  bool reaped_ = false;
  std::string buffer_;
};

Evaluation failed(Evaluation::Outcome outcome, std::string error) {
  Evaluation e;
  e.outcome = outcome;
  e.error = std::move(error);
  return e;
}

Evaluation over_budget(const EvaluationOptions& options, std::uint32_t line) {
  return failed(Evaluation::Outcome::over_budget,
                at_line(line ? line : 1, "the calendar takes too long to evaluate (over " +
                                             std::to_string(options.budget.count()) +
                                             " ms; stopped at this line)"));
}

Evaluation crashed(int status, std::uint32_t line) {
  std::string how = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                        : "exit " + std::to_string(WEXITSTATUS(status));
  return failed(Evaluation::Outcome::crashed,
                at_line(line ? line : 1,
                        "the calendar could not be evaluated: its evaluator "
                        "ended (" +
                            how + ") at this line"));
}

struct SharedPage {
  SharedPage() {
    void* p = ::mmap(nullptr, sizeof(Progress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                     -1, 0);
    if (p != MAP_FAILED) progress = new (p) Progress;
  }
  ~SharedPage() {
    if (progress) ::munmap(progress, sizeof(Progress));
  }
  Progress* progress = nullptr;
};

}  // namespace

std::vector<Evaluation> evaluate_isolated(const std::vector<std::string_view>& texts,
                                          const EvaluationOptions& options,
                                          const std::atomic<bool>* cancel) {
  std::vector<Evaluation> out(texts.size());
  SharedPage shared;
  if (!shared.progress) {
    for (Evaluation& e : out) {
      e = failed(Evaluation::Outcome::unavailable,
                 std::string("no shared memory for a worker: ") + std::strerror(errno));
    }
    return out;
  }
  std::size_t next = 0;
  while (next < texts.size() && !(cancel && cancel->load())) {
    Worker worker(texts, next, options, shared.progress);
    if (worker.pid() < 0) {
      for (; next < texts.size(); ++next) {
        out[next] = failed(Evaluation::Outcome::unavailable,
                           std::string("cannot start a calendar worker process: ") +
                               std::strerror(worker.error()));
      }
      break;
    }
    // Each calendar gets the whole budget, counted from when the previous one was done.
    for (; next < texts.size(); ++next) {
      std::string body;
      Worker::Read read = worker.next(Clock::now() + options.budget, cancel, body);
      if (read == Worker::Read::record) {
        std::optional<Evaluation> e = wire::decode(body);
        out[next] = e ? std::move(*e) : crashed(worker.stop(), 0);
        if (!e) {
          ++next;
          break;
        }
        continue;
      }
      if (read == Worker::Read::cancelled) break;
      const int status = worker.stop();
      const std::uint32_t line = shared.progress->line.load();
      out[next] =
          read == Worker::Read::timeout ? over_budget(options, line) : crashed(status, line);
      ++next;
      break;
    }
    if (next == texts.size()) worker.finish();
  }
  for (; next < texts.size(); ++next) {
    out[next] = failed(Evaluation::Outcome::unavailable, "calendar evaluation was stopped");
  }
  return out;
}

}  // namespace bcp::calendar
