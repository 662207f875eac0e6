// bcp-wall's command line (DESIGN.md "Command lines").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bcp::display {

struct Options {
  std::string config;                // --config town.json
  std::string wall = "main";         // --wall ID
  std::string feed;                  // --feed ws://…; default from the config's listen address
  std::optional<std::string> token;  // --token; default: the config's display token
  // --operator-token: what the H key sends POST /v1/talk/{id}/hide with; default: the
  // config's operator token when it holds a plain secret, else none (H then only shows the
  // bcpctl command line).
  std::optional<std::string> operator_token;
  int monitor = 0;                   // --monitor N
  bool windowed = false;             // --windowed
  bool headless = false;             // --headless
  int width = 1920, height = 1080;   // --size WxH (headless)
  std::string capture;               // --capture out.png
  double every = 0;                  // --every SECONDS (0 = once)
  double wait_seconds = 10;          // --wait SECONDS: first snapshot deadline for --capture
  std::string situation_file;        // --situation snapshot.json (no daemon)
  std::string layout_file;           // --layout layout.json (overrides the config's)
  std::optional<bool> demo;          // --demo drill|actual (built-in scripted situation)
  int bench_frames = 0;              // --bench N: render N frames headless, print timings
  std::string trace_frames;          // --trace-frames FILE: per-frame seq/finish-time log
  // Replay (issue 19): a journal export or http://…/v1/events?since=N, played at --speed,
  // or shown at --at (RFC 3339).
  std::string replay;
  double speed = 1;
  std::optional<std::chrono::sys_time<std::chrono::milliseconds>> at;
};

struct Help {
  std::string text;
};
struct CliError {
  std::string message;  // one line
};

std::variant<Options, Help, CliError> parse_args(const std::vector<std::string>& args);

}  // namespace bcp::display
