#include "ops/process_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace bcp::daemon {
namespace {

// The fields of /proc/self/stat after the command name, which is in parentheses and may
// itself hold spaces and ')': the fields start after the LAST ')'. fields[0] is field 3.
std::optional<std::vector<std::string>> self_stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  if (fields.size() < 22) return std::nullopt;  // up to field 24, rss
  return fields;
}

// Seconds since the epoch at which the machine booted (the "btime" line of /proc/stat).
std::optional<long long> boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      long long t = 0;
      if (in >> t) return t;
      return std::nullopt;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<std::size_t> open_fds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return std::nullopt;
  std::size_t n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return std::nullopt;
    ++n;
  }
  // The iterator's own descriptor on /proc/self/fd is one of those listed.
  return n > 0 ? n - 1 : 0;
}

void family(std::ostream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << "\n";
}

void write_from_proc(std::ostream& out) {
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  if (auto f = self_stat_fields(); f && ticks > 0 && page > 0) {
    // man 5 proc: utime (14), stime (15), starttime (22), vsize (23), rss (24).
    const double cpu = (std::stod((*f)[11]) + std::stod((*f)[12])) / static_cast<double>(ticks);
    family(out, "process_cpu_seconds_total", "counter",
           "User and system CPU time spent in seconds.");
    out << "process_cpu_seconds_total " << std::to_string(cpu) << "\n";
    family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
    out << "process_virtual_memory_bytes " << (*f)[20] << "\n";
    family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out << "process_resident_memory_bytes " << std::stoll((*f)[21]) * page << "\n";
    if (auto boot = boot_time()) {
      const double start =
          static_cast<double>(*boot) + std::stod((*f)[19]) / static_cast<double>(ticks);
      family(out, "process_start_time_seconds", "gauge",
             "Start time of the process since unix epoch in seconds.");
      out << "process_start_time_seconds " << std::to_string(start) << "\n";
    }
  }
  if (auto fds = open_fds()) {
    family(out, "process_open_fds", "gauge", "Number of open file descriptors.");
    out << "process_open_fds " << *fds << "\n";
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
    out << "process_max_fds " << rl.rlim_cur << "\n";
  }
}

}  // namespace

void write_process_metrics(std::ostream& out) {
  // Rendered into a buffer first: a family half-written when /proc says something
  // unexpected would break the whole scrape; the daemon's own metrics still stand.
  std::ostringstream buffer;
  try {
    write_from_proc(buffer);
  } catch (const std::exception&) {
    return;
  }
  out << buffer.str();
}

}  // namespace bcp::daemon
