// Structured one-line logs to stderr: `2026-11-24T05:12:00.123Z INFO http message key=value`.
// One line per record so journald and grep both work; never logs event content.
#pragma once

#include <string_view>

namespace bcp::daemon {

enum class LogLevel { debug, info, warning, error };

void log(LogLevel level, std::string_view component, std::string_view message);
void set_min_log_level(LogLevel level);

}  // namespace bcp::daemon
