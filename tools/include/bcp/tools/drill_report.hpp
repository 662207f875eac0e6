// The drill report (issue 19): `bcpctl rollcall drill-report ID --out FILE.html`, one
// self-contained HTML file for the town's records — the roll-call report's figures as the
// daemon serves them (GET /v1/rollcalls/ID/report), the alerts raised meanwhile and the
// room's own wall at the start, at 50 % and at the close, rendered by bcp-wall --replay.
// Japanese first; printable to A4 from any browser; no network, pictures inline.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::tools {

// ---- what the journal adds to the report -------------------------------------------------

struct ReportAlert {
  std::string alert, kind, severity, title, area;
  bool drill = false;
  model::TimePoint raised{};
  std::optional<model::TimePoint> acknowledged;
  std::string acknowledged_by;
  std::optional<model::TimePoint> cancelled;
  std::string cancel_reason;
};

// The exact moments to picture (when the daemon journaled them, as a replay orders them).
struct DrillMoments {
  model::TimePoint start{};
  std::optional<model::TimePoint> half;  // the answer that made 50 %
  model::TimePoint end{};                // the close, or the journal's last event if open
  bool closed = false;
};

// Folds `events` (the journal from seq 1) onto `initial` (the directory) with the reducer.
// nullopt when the roll call is not in the journal.
std::optional<DrillMoments> drill_moments(const model::Situation& initial,
                                          const std::vector<model::Event>& events,
                                          const std::string& rollcall);
// Alerts raised between the roll call's start and its end (or the journal's end), with what
// happened to them later (acknowledged, cancelled).
std::vector<ReportAlert> alerts_during(const std::vector<model::Event>& events,
                                       const DrillMoments& m);

// ---- the page ----------------------------------------------------------------------------

struct WallPicture {
  std::string caption;  // "開始", "50%到達", "締切"
  model::TimePoint at{};
  std::string png;    // the PNG's bytes; empty when it could not be made
  std::string error;  // why not (shown in the report instead of the picture)
};

struct DrillReportPage {
  nlohmann::json report;  // GET /v1/rollcalls/ID/report, unchanged
  std::string town_name;
  std::vector<ReportAlert> alerts;
  std::vector<WallPicture> pictures;
  std::string pictures_note;  // why there are none, when there are none
  std::string source;         // the daemon it came from, for the footer
  model::Seq journal_seq = 0;
};

// The whole HTML document. Every figure taken from the report carries
// data-field="<path in the report JSON>" (e.g. summary.answered,
// by_department.soumu.response_rate) so it can be checked against the JSON.
std::string drill_report_html(const DrillReportPage& page);
// The response curve as an inline SVG (part of the page; separate for tests).
std::string response_curve_svg(const nlohmann::json& report);

// "+09:00" → 540; 0 for anything else.
int parse_utc_offset(const std::string& text);

// ---- the command -------------------------------------------------------------------------

struct DrillReportOptions {
  std::string server;  // http://host:port
  std::string token;   // operator
  std::string rollcall;
  std::filesystem::path out;
  std::optional<std::filesystem::path> town;  // town.json for the wall pictures
  bool pictures = true;
  std::string wall = "main";
  int width = 1920, height = 1080;
  std::optional<std::filesystem::path> wall_binary;  // default: beside bcpctl, then PATH
  std::filesystem::path self;                        // bcpctl's own path (argv[0])
};

// Fetches, renders and writes the report; progress on stderr. Returns how many pictures
// could not be made (the report is written anyway, saying so). Throws std::invalid_argument
// (usage: exit 2), ConnectError (exit 3) or DrillReportRefused (the daemon said no: exit 1).
struct DrillReportRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};
int make_drill_report(const DrillReportOptions& options);

// `bcpctl rollcall drill-report ID --out FILE.html [...]`: parses the words after
// "drill-report" and runs it; the exit code (0, or 1 when a picture failed).
int drill_report_command(const std::string& server, const std::string& token,
                         const std::vector<std::string>& words, const char* argv0);
extern const char* const kDrillReportHelp;

}  // namespace bcp::tools
