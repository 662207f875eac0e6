// bcpctl rollcall drill-report (issue 19) against an in-process daemon that played the sample
// drill: every figure on the page equals the roll-call report's JSON, the wall pictures are
// the replay's PNGs, the page needs no network, and headless Chromium prints it to A4.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stb_image.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "../common/run_process.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/tools/drill_report.hpp"
#include "bcp/tools/http_client.hpp"
#include "bcp/tools/scenario.hpp"
#include "daemon_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using bcp::daemon::test::sample_town;
using nlohmann::json;

const std::string kBcpctl = std::string(BCP_BINARY_DIR) + "/tools/bcpctl";
const std::string kWall = std::string(BCP_BINARY_DIR) + "/display/bcp-wall";

std::string rate_text(double r) {
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", r * 100);
  return b;
}
std::string duration_text(long long s) {
  char b[48];
  if (s < 60)
    std::snprintf(b, sizeof b, "%lld秒", s);
  else if (s < 3600)
    std::snprintf(b, sizeof b, "%lld分%02lld秒", s / 60, s % 60);
  else
    std::snprintf(b, sizeof b, "%lld時間%02lld分%02lld秒", s / 3600, (s % 3600) / 60, s % 60);
  return b;
}
std::string clock_of(const std::string& local) { return local.substr(11, 8); }

// Every data-field on the page: field -> the texts shown for it (a field may show twice).
std::multimap<std::string, std::string> fields(const std::string& html) {
  std::multimap<std::string, std::string> out;
  static const std::regex re(R"re(data-field="([^"]+)"[^>]*>([^<]*)<)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
       ++it)
    out.emplace((*it)[1].str(), (*it)[2].str());
  return out;
}

std::string decode_base64(const std::string& s) {
  std::string out(s.size() / 4 * 3 + 3, '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return {};
  std::size_t pad = s.size() >= 2 ? (s[s.size() - 1] == '=') + (s[s.size() - 2] == '=') : 0;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

// Width and height from a PNG's IHDR, or 0x0 when it is not a PNG.
std::pair<int, int> png_size(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return {0, 0};
  auto be = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) |
           (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  return {static_cast<int>(be(16)), static_cast<int>(be(20))};
}

class DrillReport : public bcp::daemon::test::DaemonTest {
 protected:
  void play_drill() {
    bcp::tools::PlayOptions o;
    o.server = {"127.0.0.1", port()};
    o.speed = 200;
    o.base_dir = BCP_SOURCE_DIR;
    auto s = bcp::tools::load_scenario(fs::path(BCP_SOURCE_DIR) /
                                       "assets/scenarios/earthquake-drill.json");
    auto r = bcp::tools::play_scenario(s, sample_town(), o);
    ASSERT_TRUE(r.ok) << r.failed_step;
  }
  json get(const std::string& target) {
    bcp::tools::HttpClient http({"127.0.0.1", port()});
    auto res = http.get(target, "operator-sample");
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body);
  }
  std::string rollcall_id() { return get("/v1/snapshot")["rollcall_order"][0].get<std::string>(); }
  bcp::test::ProcessRun bcpctl(std::vector<std::string> args,
                               std::vector<std::string> extra_env = {}) {
    args.insert(args.begin(), {"--server", "http://127.0.0.1:" + std::to_string(port())});
    fs::create_directories(data_ / "run");
    std::vector<std::string> env{"HOME=" + (data_ / "run").string(), "PATH=/usr/bin:/bin"};
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    return bcp::test::run_process(kBcpctl, args, data_ / "run", env);
  }
  static std::size_t pictures_in(const std::string& html) {
    std::size_t n = 0;
    const std::string tag = "src=\"data:image/png;base64,";
    for (auto at = html.find(tag); at != std::string::npos; at = html.find(tag, at + 1)) ++n;
    return n;
  }
  std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(DrillReport, EveryFigureOnThePageIsTheReportsJson) {
  if (!fs::exists(kBcpctl)) GTEST_SKIP() << "bcpctl not built";
  play_drill();
  const std::string id = rollcall_id();
  const fs::path out = data_ / "drill.html";
  auto run = bcpctl({"rollcall", "drill-report", id, "--out", out.string(), "--no-pictures"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json report = get("/v1/rollcalls/" + id + "/report");
  const json& s = report["summary"];
  const std::string html = read(out);
  auto shown = fields(html);
  ASSERT_FALSE(shown.empty());

  // What each field must read, from the JSON alone.
  std::map<std::string, std::string> want = {
      {"title", report["title"]},
      {"rollcall", id},
      {"started_at", clock_of(report["started_at"])},
      {"closed_at", clock_of(report["closed_at"])},
      {"summary.in_scope", s["in_scope"].dump()},
      {"summary.answered", s["answered"].dump()},
      {"summary.unanswered", s["unanswered"].dump()},
      {"summary.response_rate", rate_text(s["response_rate"])},
      {"summary.elapsed_seconds", duration_text(s["elapsed_seconds"])},
  };
  for (const auto& [k, v] : s["by_safety"].items()) want["summary.by_safety." + k] = v.dump();
  for (const auto& [k, v] : s["by_can_work"].items())
    if (k != "unknown") want["summary.by_can_work." + k] = v.dump();
  want["summary.by_can_work.unknown"] = s["by_can_work"]["unknown"].dump();
  for (const auto& [k, m] : s["milestones"].items()) {
    if (m.is_null()) {
      want["summary.milestones." + k] = "未到達";
    } else {
      want["summary.milestones." + k + ".at"] = clock_of(m["at"]);
      want["summary.milestones." + k + ".after_seconds"] = duration_text(m["after_seconds"]);
    }
  }
  std::map<std::string, std::set<std::string>> pending;  // field -> staff ids expected
  std::map<std::string, std::string> names;
  for (const auto& p : report["people"]) names[p["staff"]] = p["name"];
  for (const auto& d : s["by_department"]) {
    const std::string f = "by_department." + d["department"].get<std::string>();
    for (const char* k : {"in_scope", "answered", "unanswered"}) want[f + "." + k] = d[k].dump();
    want[f + ".response_rate"] = rate_text(d["response_rate"]);
    for (const char* k : {"safe", "minor_injury", "serious_injury", "needs_help"})
      want[f + ".by_safety." + k] = d["by_safety"][k].dump();
    for (const char* k : {"yes", "later", "no"})
      want[f + ".by_can_work." + k] = d["by_can_work"][k].dump();
    if (!d["pending"].empty()) {
      want[f + ".pending.count"] = std::to_string(d["pending"].size());
      for (const auto& sid : d["pending"]) pending[f + ".pending"].insert(names[sid]);
    }
  }
  // Every figure the JSON has is on the page, as the JSON says it...
  for (const auto& [field, text] : want) {
    auto range = shown.equal_range(field);
    ASSERT_NE(range.first, range.second) << field << " is not on the page";
    for (auto it = range.first; it != range.second; ++it) EXPECT_EQ(it->second, text) << field;
  }
  // ...the unanswered are exactly the report's pending, by name...
  for (const auto& [field, expected] : pending) {
    std::set<std::string> got;
    auto range = shown.equal_range(field);
    for (auto it = range.first; it != range.second; ++it) got.insert(it->second);
    EXPECT_EQ(got, expected) << field;
  }
  // ...and the page shows no figure the JSON does not have.
  for (const auto& [field, text] : shown) {
    EXPECT_TRUE(want.count(field) || pending.count(field)) << "unchecked field " << field;
  }
  // The scenario's own tallies (its _comment), so a report that is empty would fail too.
  EXPECT_EQ(want["summary.answered"], "110");
  EXPECT_EQ(want["summary.by_safety.safe"], "95");
  // The curve has one point per change, as the JSON.
  EXPECT_NE(html.find("data-points=\"" + std::to_string(s["curve"].size()) + "\""),
            std::string::npos);
  // Drill, and the quake alert raised during the roll call with its cancellation.
  EXPECT_NE(html.find("訓練 DRILL"), std::string::npos);
  EXPECT_NE(html.find("【訓練】震度5弱 架空町"), std::string::npos);
  EXPECT_NE(html.find("訓練終了"), std::string::npos);
  // The bot sent nothing for this drill (the scenario answers through the API): every
  // reachable person is counted, and there is no distribution section.
  const json& dist = s["distribution"];
  EXPECT_EQ(dist["reachable"], s["in_scope"]) << "the sample town: everyone has LINE WORKS";
  EXPECT_EQ(dist["messaged"], 0);
  EXPECT_EQ(html.find("配信（LINE WORKS）"), std::string::npos);
}

TEST_F(DrillReport, PicturesAreTheReplayedWallInlineAndThePageNeedsNoNetwork) {
  if (!fs::exists(kBcpctl) || !fs::exists(kWall)) GTEST_SKIP() << "bcpctl or bcp-wall not built";
  play_drill();
  const std::string id = rollcall_id();
  const fs::path out = data_ / "drill.html";
  auto run =
      bcpctl({"rollcall", "drill-report", id, "--out", out.string(), "--town",
              std::string(BCP_SOURCE_DIR) + "/config/sample-town/town.json", "--size", "1280x720"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string html = read(out);
  // (std::regex recurses per character: no use on half a megabyte of base64.)
  std::vector<std::string> pngs;
  const std::string tag = "src=\"data:image/png;base64,";
  for (auto at = html.find(tag); at != std::string::npos; at = html.find(tag, at + 1)) {
    auto begin = at + tag.size();
    pngs.push_back(decode_base64(html.substr(begin, html.find('"', begin) - begin)));
  }
  ASSERT_EQ(pngs.size(), 3u) << run.err;  // start, 50 %, close
  for (const auto& p : pngs) EXPECT_EQ(png_size(p), (std::pair{1280, 720}));
  EXPECT_NE(pngs[0], pngs[1]);
  EXPECT_NE(pngs[1], pngs[2]);
  for (const char* caption : {"開始", "50%到達", "締切"})
    EXPECT_NE(html.find(caption), std::string::npos);
  // Self-contained: nothing is fetched (no external src/href, no scripts, no stylesheets).
  for (const std::string attr : {"src=\"", "href=\""}) {
    for (auto at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1)) {
      EXPECT_EQ(html.compare(at + attr.size(), 5, "data:"), 0) << html.substr(at, 80);
    }
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  // Tests run in parallel and in any order: whoever copies first makes the folder.
  fs::create_directories(fs::path(BCP_BINARY_DIR) / "test-output");
  fs::copy_file(out, fs::path(BCP_BINARY_DIR) / "test-output" / "drill-report.html",
                fs::copy_options::overwrite_existing);
}

TEST_F(DrillReport, RendersInHeadlessChromiumToA4) {
  if (!fs::exists(kBcpctl)) GTEST_SKIP() << "bcpctl not built";
  const std::string chromium = "/usr/bin/chromium";
  if (!fs::exists(chromium))
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium): not rendered";
  play_drill();
  const fs::path html = data_ / "drill.html";
  auto run =
      bcpctl({"rollcall", "drill-report", rollcall_id(), "--out", html.string(), "--no-pictures"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto chrome = [&](const std::string& output_flag, const std::string& profile) {
    return bcp::test::run_process(
        chromium,
        {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--user-data-dir=" + (data_ / profile).string(), "--hide-scrollbars",
         "--window-size=794,1123", "--no-pdf-header-footer", output_flag,
         "file://" + html.string()},
        data_, std::vector<std::string>{"HOME=" + data_.string(), "PATH=/usr/bin:/bin"});
  };
  // Printed: A4 pages (595 x 842 pt), more than one.
  const fs::path pdf = data_ / "drill.pdf";
  auto printed = chrome("--print-to-pdf=" + pdf.string(), "profile-pdf");
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const std::string bytes = read(pdf);
  std::regex media(R"(/MediaBox \[0 0 (\d+)\.?\d* (\d+)\.?\d*\])");
  int pages = 0;
  for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), media);
       it != std::sregex_iterator(); ++it) {
    ++pages;
    EXPECT_NEAR(std::stoi((*it)[1].str()), 595, 1);
    EXPECT_NEAR(std::stoi((*it)[2].str()), 842, 1);
  }
  EXPECT_GE(pages, 2);
  // On screen at A4's width: the first page as a PNG, kept for a person to look at.
  const fs::path png = data_ / "page1.png";
  auto shot = chrome("--screenshot=" + png.string(), "profile-png");
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 4);
  ASSERT_TRUE(px);
  EXPECT_EQ(w, 794);
  EXPECT_EQ(h, 1123);
  // The yellow 訓練 DRILL badge at the top right, dark text on the white page.
  std::size_t yellow = 0, dark = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const unsigned char* p = px + (static_cast<std::size_t>(y) * w + x) * 4;
      if (y < 150 && x > w / 2 && p[0] == 0xF0 && p[1] == 0xE4 && p[2] == 0x42) ++yellow;
      if (p[0] < 60 && p[1] < 60 && p[2] < 60) ++dark;
    }
  stbi_image_free(px);
  EXPECT_GT(yellow, 500u);
  EXPECT_GT(dark, 5000u);
  fs::create_directories(fs::path(BCP_BINARY_DIR) / "test-output");
  fs::copy_file(png, fs::path(BCP_BINARY_DIR) / "test-output" / "drill-report-page1.png",
                fs::copy_options::overwrite_existing);
}

TEST_F(DrillReport, BadWordsAndUnknownRollCallsAreNamed) {
  if (!fs::exists(kBcpctl)) GTEST_SKIP() << "bcpctl not built";
  auto no_out = bcpctl({"rollcall", "drill-report", "rc-x"});
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.err.find("--out"), std::string::npos) << no_out.err;
  auto unknown = bcpctl(
      {"rollcall", "drill-report", "rc-x", "--out", (data_ / "x.html").string(), "--no-pictures"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("404"), std::string::npos) << unknown.err;
  EXPECT_FALSE(fs::exists(data_ / "x.html"));
  auto help = bcpctl({"rollcall", "drill-report", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("self-contained HTML"), std::string::npos);
}

// ---- the page from data alone ---------------------------------------------------------------

json small_report() {
  return json::parse(R"({"rollcall":"rc-1","title":"<script>alert(1)</script> 訓練","drill":false,
    "trigger":"manual","departments":[],"open":false,"started_at":"2026-11-24T14:00:00+09:00",
    "closed_at":"2026-11-24T14:10:00+09:00","generated_at":"2026-11-24T14:11:00+09:00",
    "utc_offset":"+09:00","summary":{"in_scope":2,"answered":1,"unanswered":1,"response_rate":0.5,
    "by_safety":{"safe":1,"minor_injury":0,"serious_injury":0,"needs_help":0},
    "by_can_work":{"yes":1,"later":0,"no":0,"unknown":0},"elapsed_seconds":600,
    "milestones":{"25":{"at":"2026-11-24T14:01:00+09:00","after_seconds":60},
                  "50":{"at":"2026-11-24T14:01:00+09:00","after_seconds":60},"75":null,"90":null},
    "by_department":[{"department":"soumu","name":"総務課","in_scope":2,"answered":1,"unanswered":1,
      "response_rate":0.5,"by_safety":{"safe":1,"minor_injury":0,"serious_injury":0,"needs_help":0},
      "by_can_work":{"yes":1,"later":0,"no":0,"unknown":0},"pending":["s002"]}],
    "curve":[{"at":"2026-11-24T14:00:00+09:00","after_seconds":0,"answered":0},
             {"at":"2026-11-24T14:01:00+09:00","after_seconds":60,"answered":1}]},
    "people":[{"staff":"s001","name":"村田　達也","answered":true},
              {"staff":"s002","name":"濱口 & 悠真","answered":false}]})");
}

TEST(DrillReportPage, ActualRollCallEscapedAndDistributionOnlyWhenPresent) {
  bcp::tools::DrillReportPage page;
  page.report = small_report();
  page.town_name = "架空町";
  page.pictures_note = "省略";
  std::string html = bcp::tools::drill_report_html(page);
  EXPECT_NE(html.find("実災害 ACTUAL"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);  // text is escaped, never markup
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("濱口 &amp; 悠真"), std::string::npos);
  EXPECT_NE(html.find("未到達"), std::string::npos);
  EXPECT_EQ(html.find("配信（LINE WORKS）"), std::string::npos);

  // A report whose roll call the bot never sent for (distribution off) has no section either.
  page.report["summary"]["distribution"] =
      json::parse(R"({"reachable":2,"messaged":0,"reminded":0,"failed":0,"not_reachable":[]})");
  EXPECT_EQ(bcp::tools::drill_report_html(page).find("配信（LINE WORKS）"), std::string::npos);

  // The LINE WORKS distribution (issue 15) once the bot sent: the report's counts, who it
  // gave up on with the last reason, who has no LINE WORKS account.
  page.report["summary"]["distribution"] = json::parse(
      R"({"reachable":1,"messaged":1,"reminded":1,"failed":1,"not_reachable":["s003"]})");
  page.report["people"][1]["failures"] = json::parse(
      R"([{"at":"2026-11-24T14:00:05+09:00","step":"question","why":"HTTP 500"},
          {"at":"2026-11-24T14:00:35+09:00","step":"question","why":"404 user not found"}])");
  page.report["people"].push_back(
      json::parse(R"({"staff":"s003","name":"佐藤 <b>","answered":false,"failures":[]})"));
  html = bcp::tools::drill_report_html(page);
  auto shown = fields(html);
  EXPECT_NE(html.find("配信（LINE WORKS）"), std::string::npos);
  ASSERT_EQ(shown.count("summary.distribution.messaged"), 1u);
  EXPECT_EQ(shown.find("summary.distribution.reachable")->second, "1");
  EXPECT_EQ(shown.find("summary.distribution.messaged")->second, "1");
  EXPECT_EQ(shown.find("summary.distribution.reminded")->second, "1");
  EXPECT_EQ(shown.find("summary.distribution.failed")->second, "1");
  EXPECT_EQ(shown.find("summary.distribution.not_reachable.count")->second, "1");
  EXPECT_EQ(shown.find("summary.distribution.not_reachable")->second, "佐藤 &lt;b&gt;");
  ASSERT_EQ(shown.count("distribution.failures"), 1u);
  EXPECT_EQ(shown.find("distribution.failures")->second, "濱口 &amp; 悠真");
  EXPECT_NE(html.find("質問: 404 user not found"), std::string::npos) << "the last reason";
  EXPECT_EQ(html.find("HTTP 500"), std::string::npos) << "only the last reason";
  EXPECT_NE(html.find("14:00:35"), std::string::npos);
}

TEST(DrillReportJournal, MomentsAreTheEventsThatMadeThem) {
  using namespace std::chrono;
  const auto t0 = time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5});
  std::vector<bcp::model::Event> events;
  auto add = [&](bcp::model::Payload p, int second) {
    bcp::model::Event e;
    e.seq = static_cast<bcp::model::Seq>(events.size()) + 1;
    e.at = t0 + seconds(second);
    e.received = e.at + milliseconds(5);
    e.body = std::move(p);
    events.push_back(std::move(e));
  };
  bcp::model::RollcallStarted start{"rc", "訓練", true, {"soumu"}, {}};
  add(start, 0);
  bcp::model::AlertRaised quake;
  quake.alert = "q";
  quake.title = "震度5弱";
  add(quake, 5);
  bcp::model::Situation initial;
  initial.directory = sample_town().directory();
  std::size_t scope = 0;
  for (const auto& p : initial.directory.staff) scope += p.department == "soumu";
  ASSERT_GT(scope, 4u);
  for (std::size_t k = 0; k < scope; ++k) {
    bcp::model::RollcallCheckin c;
    c.rollcall = "rc";
    char id[8];
    std::snprintf(id, sizeof id, "s%03zu", k + 1);
    c.staff = id;
    c.source = "api";
    add(c, static_cast<int>(10 + k));
  }
  add(bcp::model::RollcallClosed{"rc"}, 100);
  add(bcp::model::AlertCancelled{"q", "訓練終了"}, 120);
  auto m = bcp::tools::drill_moments(initial, events, "rc");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->start, *events[0].received);
  ASSERT_TRUE(m->half);
  // The soumu staff come first in the roster, so answer k is by person k+1.
  std::size_t half_index = 2 + (scope + 1) / 2 - 1;
  EXPECT_EQ(*m->half, *events[half_index].received);
  EXPECT_TRUE(m->closed);
  EXPECT_EQ(m->end, t0 + seconds(100) + milliseconds(5));
  auto alerts = bcp::tools::alerts_during(events, *m);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].title, "震度5弱");
  ASSERT_TRUE(alerts[0].cancelled);  // cancelled after the close: still told
  EXPECT_EQ(alerts[0].cancel_reason, "訓練終了");
  EXPECT_FALSE(bcp::tools::drill_moments(initial, events, "rc-other"));
}

}  // namespace

// DESIGN.md's command line has no --town: the report is still written, with the wall pictures
// when the town's config is found and names the daemon's staff, and without them (saying so)
// when the only config at hand is another town's.
TEST_F(DrillReport, TheDesignCommandLineFindsTheTownsConfigOrWritesWithoutPictures) {
  if (!fs::exists(kBcpctl) || !fs::exists(kWall)) GTEST_SKIP() << "bcpctl or bcp-wall not built";
  play_drill();
  const std::string id = rollcall_id();
  const std::string other_town =
      std::string(BCP_SOURCE_DIR) + "/config/sample-region/sorano/town.json";
  ASSERT_TRUE(fs::exists(other_town));
  const fs::path without = data_ / "without.html";
  auto run = bcpctl({"rollcall", "drill-report", id, "--out", without.string()},
                    {"BCP_TOWN=" + other_town});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string bare = read(without);
  EXPECT_EQ(pictures_in(bare), 0u);
  EXPECT_NE(bare.find("壁面の画像はありません"), std::string::npos);
  EXPECT_NE(run.err.find("not the daemon's town"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--town"), std::string::npos) << run.err;

  const fs::path with = data_ / "with.html";
  run = bcpctl({"rollcall", "drill-report", id, "--out", with.string(), "--size", "640x360"},
               {"BCP_TOWN=" + std::string(BCP_SOURCE_DIR) + "/config/sample-town/town.json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(pictures_in(read(with)), 3u) << run.err;
}
