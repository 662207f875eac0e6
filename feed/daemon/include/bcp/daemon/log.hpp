// Structured one-line logs to stderr: `2026-11-24T05:12:00.123Z INFO http message key=value`.
// One line per record so journald and grep both work; never logs event content. Messages
// may quote what a client sent (an id, a content type): control characters (C0, DEL, C1)
// and bytes that are not UTF-8 are written escaped (\n, \x1b, \u009b, \xff; a backslash as \\), so
// a callback can neither break a record in two nor send escape sequences to an operator's terminal.
//
// Threads: called from every thread of the daemon; each record is written whole, under a mutex.
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace bcp::daemon {

enum class LogLevel { debug, info, warning, error };

void log(LogLevel level, std::string_view component, std::string_view message);
void set_min_log_level(LogLevel level);

// `message` as log() writes it: control characters and invalid UTF-8 escaped.
std::string escape_for_log(std::string_view message);

// Runs `f`; an exception escaping it is logged as an error of `component` ("`what` failed:
// …") instead of unwinding further. For handlers on the I/O thread, where anything thrown
// would otherwise end io_context::run() and the process with it. False when `f` threw.
template <typename F>
bool run_guarded(std::string_view component, std::string_view what, F&& f) noexcept {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    try {
      log(LogLevel::error, component, std::string(what) + " failed: " + e.what());
    } catch (...) {
    }
  } catch (...) {
    try {
      log(LogLevel::error, component, std::string(what) + " failed: unknown exception");
    } catch (...) {
    }
  }
  return false;
}

}  // namespace bcp::daemon
