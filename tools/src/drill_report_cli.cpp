// The words of `bcpctl rollcall drill-report`, and its help text.
#include <charconv>

#include "bcp/tools/drill_report.hpp"

namespace bcp::tools {

const char* const kDrillReportHelp =
    R"(usage: bcpctl rollcall drill-report ID --out FILE.html [--town town.json] [--wall ID]
                                    [--size WxH] [--wall-binary PATH] [--no-pictures]

Writes one self-contained HTML file for the town's records of roll call ID (訓練 or 実災害):
title, start and close, the response curve, the 25/50/75/90 % milestones, answered and in
scope per department, safety and can-work totals, who never answered by department, the
bot's distribution when the report holds one, the alerts raised meanwhile, and pictures of
the wall at the start, at 50 % and at the close. Print it to A4 from the browser.

The figures are the daemon's own report (GET /v1/rollcalls/ID/report). The pictures are
made by replaying the journal (GET /v1/events, all of it) with the built bcp-wall, headless:
--town is that wall's config (the names and layout; without it $BCP_TOWN, or else
/etc/bcp/town.json and ./config/sample-town/town.json, each used only if it names the daemon's
own staff; when none does, the report is written without pictures and says so), --wall
the wall id (default main), --size the picture size (default 1920x1080). bcp-wall is looked
for beside bcpctl, in ../display/ (the build tree), then on PATH, unless --wall-binary.
The file needs no network: pictures are inline, text uses the system's Japanese font
(Noto Sans CJK JP on Debian: fonts-noto-cjk; Yu Gothic or Meiryo on Windows).
Exit 0; 1 when the daemon refused or a picture could not be made (the report is written
anyway and says which); 2 on bad words; 3 when the daemon cannot be reached.
)";

int drill_report_command(const std::string& server, const std::string& token,
                         const std::vector<std::string>& words, const char* argv0) {
  DrillReportOptions o;
  o.server = server;
  o.token = token;
  o.self = argv0 ? argv0 : "";
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= words.size()) throw std::invalid_argument(w + " needs a value (see --help)");
      return words[++i];
    };
    if (w == "--out") {
      o.out = value();
    } else if (w == "--town") {
      o.town = value();
    } else if (w == "--wall") {
      o.wall = value();
    } else if (w == "--wall-binary") {
      o.wall_binary = value();
    } else if (w == "--no-pictures") {
      o.pictures = false;
    } else if (w == "--size") {
      std::string v = value();
      auto x = v.find('x');
      auto num = [](std::string_view s, int& out) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size();
      };
      if (x == std::string::npos || !num(std::string_view(v).substr(0, x), o.width) ||
          !num(std::string_view(v).substr(x + 1), o.height) || o.width < 320 || o.height < 240 ||
          o.width > 7680 || o.height > 4320) {
        throw std::invalid_argument("--size: expected WIDTHxHEIGHT from 320x240 to 7680x4320");
      }
    } else if (w.rfind("--", 0) == 0) {
      throw std::invalid_argument("unknown flag " + w +
                                  " (see bcpctl rollcall drill-report --help)");
    } else {
      positional.push_back(w);
    }
  }
  if (positional.size() != 1)
    throw std::invalid_argument("rollcall drill-report needs exactly one ID");
  if (o.out.empty()) throw std::invalid_argument("rollcall drill-report needs --out FILE.html");
  o.rollcall = positional[0];
  return make_drill_report(o) == 0 ? 0 : 1;
}

}  // namespace bcp::tools
