#include "bcp/daemon/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "bcp/common/utf8.hpp"
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

std::string escape_for_log(std::string_view message) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(message.size());
  auto escape_byte = [&](unsigned char c) {
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  };
  std::size_t i = 0;
  while (i < message.size()) {
    const auto c = static_cast<unsigned char>(message[i]);
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\\') {
        out += "\\\\";  // so that an escape in the log always means one was needed
      } else if (c < 0x20 || c == 0x7F) {
        escape_byte(c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence is copied whole when it is valid and not a C1 control (U+0080..9F,
    // which some terminals obey like ESC sequences); anything else byte by byte, escaped.
    const common::Utf8Char next = common::decode_utf8(message, i);
    const std::size_t len = next.length;
    const char32_t code = next.code_point;
    const bool valid = next.error == common::Utf8Error::none;
    if (!valid) {
      escape_byte(c);
      ++i;
    } else if (code <= 0x9F) {
      out += "\\u00";
      out += hex[code >> 4];
      out += hex[code & 15];
      i += len;
    } else {
      out.append(message.substr(i, len));
      i += len;
    }
  }
  return out;
}

void log(LogLevel level, std::string_view component, std::string_view message) {
  if (level < g_min_level.load()) return;
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line = model::format_time(now);
  line += ' ';
  line += level_name(level);
  line += ' ';
  line += component;
  line += ' ';
  // One line whatever the message holds, and nothing a terminal would obey.
  line += escape_for_log(message);
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace bcp::daemon
