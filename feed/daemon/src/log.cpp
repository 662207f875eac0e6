#include "bcp/daemon/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "bcp/model/codec.hpp"

namespace bcp::daemon {
namespace {
std::atomic<LogLevel> g_min_level{LogLevel::info};
std::mutex g_mutex;

std::string_view level_name(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARN";
    case LogLevel::error: return "ERROR";
  }
  return "INFO";
}
}  // namespace

void set_min_log_level(LogLevel level) { g_min_level = level; }

void log(LogLevel level, std::string_view component, std::string_view message) {
  if (level < g_min_level.load()) return;
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line = model::format_time(now);
  line += ' ';
  line += level_name(level);
  line += ' ';
  line += component;
  line += ' ';
  // Keep the record on one line whatever the message holds.
  for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace bcp::daemon
