#include "child_feedd.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bcp/tools/http_client.hpp"

namespace bcp::bench {
namespace {

std::string last_lines(const std::filesystem::path& file, std::size_t count) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
    out += "\n  " + lines[i];
  return out;
}

// Reaps the child if it has exited; returns its status (128 + signal), or -1 while it runs.
int reap(pid_t pid, bool block) {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ChildFeedd::ChildFeedd(const std::filesystem::path& binary, const std::filesystem::path& town,
                       const std::filesystem::path& data_dir, std::uint16_t port,
                       const std::filesystem::path& log, std::chrono::seconds timeout)
    : port_(port), log_(log) {
  std::filesystem::create_directories(data_dir);
  // Everything the child needs is made before fork: between fork and exec only
  // async-signal-safe calls, since this process has threads (the tenant's).
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  std::vector<std::string> args = {binary.string(), "--config", town.string(), "--listen", listen,
                                   "--data", data_dir.string()};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error(log.string() + ": " + std::strerror(errno));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    const int e = errno;
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(e));
  }
  if (pid_ == 0) {
    // The daemon goes when this benchmark goes, however it ends.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (const int status = reap(pid_, false); status >= 0) {
      pid_ = -1;
      throw std::runtime_error("bcp-feedd exited (status " + std::to_string(status) +
                               ") before it answered /healthz:" + last_lines(log_, 8));
    }
    try {
      tools::HttpClient client({"127.0.0.1", port_}, std::chrono::seconds(2));
      if (client.get("/healthz", "").status == 200) return;
    } catch (const std::exception&) {
      // Not listening yet.
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      stop();
      throw std::runtime_error("bcp-feedd did not answer /healthz on 127.0.0.1:" +
                               std::to_string(port_) + " within " +
                               std::to_string(timeout.count()) + " s:" + last_lines(log_, 8));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ChildFeedd::~ChildFeedd() { stop(); }

double ChildFeedd::cpu_seconds() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  // rest starts at field 3 (state); utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int ChildFeedd::stop() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  int status = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((status = reap(pid_, false)) < 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (status < 0) {
    ::kill(pid_, SIGKILL);
    status = reap(pid_, true);
  }
  pid_ = -1;
  return status;
}

}  // namespace bcp::bench
