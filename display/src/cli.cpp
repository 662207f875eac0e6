#include "bcp/display/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "bcp/model/codec.hpp"

namespace bcp::display {
namespace {

constexpr const char* kHelp =
    R"(bcp-wall — the situation-room wall display

usage: bcp-wall --config town.json --wall ID [--feed URL] [--token T] [--operator-token T]
                [--monitor N] [--windowed]
                [--headless --size WxH --capture out.png [--every SECONDS]]
       bcp-wall --config town.json --wall ID --replay FILE|URL [--speed N] [--at TIME]
                [--token T] [--headless --size WxH --capture out.png]

  --config FILE      the town's config (town.json); gives the wall's layout, the display
                     settings, the feed address and the display token
  --wall ID          which wall of the config to show (default: main)
  --feed URL         the daemon's stream (default: ws://<config listen>/v1/stream)
  --token T          display token (default: the config's token with the display role)
  --operator-token T the token the H key takes a post off every wall with (default: the
                     config's operator token if it holds a plain secret; without one, H
                     lists the posts and shows the bcpctl command to run instead)
  --monitor N        full screen on display N, counted from 0 (default: 0)
  --windowed         a resizable window instead of full screen
  --headless         render off-screen (no display needed; SDL software renderer)
  --size WxH         headless picture size (default: 1920x1080), e.g. 3840x2160
  --capture FILE     write the picture as PNG; without --every: once the first snapshot
                     has been applied (exit 0), or the connecting picture after --wait
                     seconds without one (exit 1)
  --every SECONDS    keep running and rewrite the PNG every SECONDS (only when the
                     picture changed since the last write)
  --wait SECONDS     how long --capture waits for the first snapshot (default: 10)
  --situation FILE   show a snapshot JSON (GET /v1/snapshot) instead of a live feed
  --layout FILE      use this layout JSON instead of the config's
  --demo MODE        show a built-in scripted situation: drill or actual
  --bench N          render N frames headless and print frame times (ms)
  --trace-frames FILE  write one line per finished frame: CLOCK_MONOTONIC ns and the
                     event seqs it showed first (bench/03-event-to-pixel; off by default)
  --replay FILE      replay a journal export (bcpctl events --all > FILE: one JSON event
                     a line) through the same reducer, instead of the live feed; the wall
                     shows 再生 REPLAY with the replayed date and time, never LIVE
  --replay URL       the same, read from the daemon: http://HOST:PORT/v1/events?since=N
                     (--token: an operator token, default the config's); the whole
                     journal is read, playing starts at event N+1
  --speed N          replay at N times real time (default 1; 1/16 to 1024)
  --at TIME          show the wall as it was at TIME (RFC 3339, e.g.
                     2026-11-24T14:05:00+09:00), paused; with --capture: one PNG of that
                     moment. --capture without --at: the last moment of the journal
  --help             this text

keys: A acknowledge top alert (this wall only)  M mute chime  Left/Right page
      Space pause rotation  F/F11 full screen  Esc/Q quit (asks Y/N)
      H take a post off every wall: lists the last 9 messages, 1-9 picks one, Y takes
        it off (POST /v1/talk/ID/hide, journaled as talk.hidden), H/Esc closes the list
replay keys: Space/K pause or play  . next event  , previous event  J/L 1 minute back/on
      Down/Up 10 minutes back/on  Home/End start/end  +/- speed x2 or /2
      (P pauses the page rotation while replaying; a replay never chimes)

A new warning or critical alert flashes for display/flash_seconds (default 60) and chimes
at once and every display/chime_repeat_seconds (default 20) until it is acknowledged, on
this wall (A) or anywhere (alert.acknowledged); display/chime: false turns the chime off.
An actual alert chimes with its own sound (three rising tones, twice), a drill alert with
the soft ding-dong. While any actual warning/critical alert or actual roll call is active
the top band is the red 実災害 ACTUAL band, actual items come first and drill items are
demoted to grey lines (marked 訓練); after POST /v1/drill/stop the grey 訓練中止 band shows
for display/drill_stopped_seconds (default 600).
)";

bool parse_double(const std::string& s, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(s, &used);
    return used == s.size() && std::isfinite(out);
  } catch (...) {
    return false;
  }
}

bool parse_int(const std::string& s, int& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::variant<Options, Help, CliError> parse_args(const std::vector<std::string>& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) -> bool {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") return Help{kHelp};
    if (a == "--windowed") {
      o.windowed = true;
    } else if (a == "--headless") {
      o.headless = true;
    } else if (a == "--config" || a == "--wall" || a == "--feed" || a == "--token" ||
               a == "--monitor" || a == "--size" || a == "--capture" || a == "--every" ||
               a == "--wait" || a == "--situation" || a == "--layout" || a == "--demo" ||
               a == "--bench" || a == "--trace-frames" || a == "--replay" || a == "--speed" ||
               a == "--at" || a == "--operator-token") {
      if (!value(v)) return CliError{a + " needs a value (see --help)"};
      if (a == "--config") o.config = v;
      if (a == "--wall") o.wall = v;
      if (a == "--feed") o.feed = v;
      if (a == "--token") o.token = v;
      if (a == "--operator-token") o.operator_token = v;
      if (a == "--capture") o.capture = v;
      if (a == "--situation") o.situation_file = v;
      if (a == "--layout") o.layout_file = v;
      if (a == "--trace-frames") o.trace_frames = v;
      if (a == "--replay") o.replay = v;
      if (a == "--speed" && (!parse_double(v, o.speed) || o.speed < 1.0 / 16 || o.speed > 1024)) {
        return CliError{"--speed: expected a factor from 0.0625 to 1024, got \"" + v + "\""};
      }
      if (a == "--at") {
        try {
          o.at = model::parse_time(v, "--at");
        } catch (const std::exception&) {
          return CliError{
              "--at: expected an RFC 3339 time such as 2026-11-24T14:05:00+09:00, got \"" + v +
              "\""};
        }
      }
      if (a == "--monitor" && (!parse_int(v, o.monitor) || o.monitor < 0)) {
        return CliError{"--monitor: expected a display number >= 0, got \"" + v + "\""};
      }
      if (a == "--size") {
        auto x = v.find('x');
        if (x == std::string::npos || !parse_int(v.substr(0, x), o.width) ||
            !parse_int(v.substr(x + 1), o.height) || o.width < 320 || o.height < 240 ||
            o.width > 16384 || o.height > 16384) {
          return CliError{"--size: expected WIDTHxHEIGHT between 320x240 and 16384x16384, got \"" +
                          v + "\""};
        }
      }
      if (a == "--every" && (!parse_double(v, o.every) || o.every <= 0)) {
        return CliError{"--every: expected seconds > 0, got \"" + v + "\""};
      }
      if (a == "--wait" && (!parse_double(v, o.wait_seconds) || o.wait_seconds < 0)) {
        return CliError{"--wait: expected seconds >= 0, got \"" + v + "\""};
      }
      if (a == "--bench" && (!parse_int(v, o.bench_frames) || o.bench_frames <= 0)) {
        return CliError{"--bench: expected a frame count > 0, got \"" + v + "\""};
      }
      if (a == "--demo") {
        if (v != "drill" && v != "actual")
          return CliError{"--demo: expected drill or actual, got \"" + v + "\""};
        o.demo = v == "drill";
      }
    } else {
      return CliError{"unknown argument \"" + a + "\" (see --help)"};
    }
  }
  if (o.config.empty() && o.situation_file.empty() && !o.demo) {
    return CliError{"--config is required (or --situation FILE / --demo MODE without a daemon)"};
  }
  if (!o.capture.empty() && !o.headless) {
    return CliError{"--capture needs --headless"};
  }
  if (o.every > 0 && o.capture.empty()) return CliError{"--every needs --capture"};
  if (o.bench_frames > 0 && !o.headless) return CliError{"--bench needs --headless"};
  if (o.headless && o.windowed) return CliError{"--headless and --windowed exclude each other"};
  if (!o.situation_file.empty() && o.demo)
    return CliError{"--situation and --demo exclude each other"};
  bool speed_given = std::find(args.begin(), args.end(), "--speed") != args.end();
  if (o.replay.empty() && (speed_given || o.at)) return CliError{"--speed and --at need --replay"};
  if (!o.replay.empty()) {
    if (o.config.empty()) return CliError{"--replay needs --config (the town's names and roster)"};
    if (!o.situation_file.empty() || o.demo || !o.feed.empty())
      return CliError{"--replay excludes --situation, --demo and --feed"};
  }
  return o;
}

}  // namespace bcp::display
