// bench-kiosk-html (issue 8, benchmark 7): the alternative a town would pick — a static HTML
// dashboard generated from GET /v1/snapshot and shown by a browser in kiosk mode, reloading
// itself with <meta http-equiv="refresh">. Same panels as the wall's main layout: header,
// alerts, talk, roll call, staff board. Plain HTML + CSS, no script: the cheapest page a
// browser can show for this content.
//
// usage: bench-kiosk-html --snapshot SNAPSHOT.json --out PAGE.html [--refresh SECONDS]
// Writes PAGE.html atomically (temp file + rename), so a reload never sees half a page.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "bcp/model/codec.hpp"
#include "bcp/model/situation.hpp"

namespace {

using namespace bcp::model;

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string town_time(TimePoint t, int offset_minutes, const char* fmt) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t) + offset_minutes * 60;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::critical: return "緊急";
    case Severity::warning: return "警報";
    case Severity::advisory: return "注意報";
    default: return "情報";
  }
}
const char* severity_class(Severity s) {
  switch (s) {
    case Severity::critical: return "crit";
    case Severity::warning: return "warn";
    case Severity::advisory: return "adv";
    default: return "info";
  }
}
const char* availability_word(Availability a) {
  switch (a) {
    case Availability::in_office: return "在席";
    case Availability::out: return "外出";
    case Availability::meeting: return "会議";
    case Availability::remote: return "在宅";
    case Availability::trip: return "出張";
    case Availability::leave: return "休暇";
    case Availability::off_duty: return "退庁";
    case Availability::en_route: return "移動中";
    default: return "不明";
  }
}
const char* safety_word(Safety s) {
  switch (s) {
    case Safety::safe: return "無事";
    case Safety::minor_injury: return "軽傷";
    case Safety::serious_injury: return "重傷";
    default: return "要救助";
  }
}

constexpr const char* kStyle = R"(
body{margin:0;background:#0b0e13;color:#f2f4f7;font-family:"Noto Sans CJK JP",sans-serif;
 font-size:1.85vh;height:100vh;overflow:hidden;display:grid;gap:.6vh;padding:.6vh;box-sizing:border-box;
 grid-template-rows:8vh 21vh 1fr;grid-template-columns:45fr 25fr 30fr}
section{background:#171c24;overflow:hidden;border-radius:.4vh}
h2{margin:0;padding:.4vh .8vh;background:#222a36;font-size:2.6vh}
header{grid-column:1/4;background:#171c24;display:flex;align-items:center;justify-content:space-between;
 padding:0 1.2vh;font-size:3.2vh}
header .clock{font-size:5.5vh;font-weight:bold}
#alerts{grid-column:1/4} #alerts ul{display:flex;gap:.8vh;list-style:none;margin:.6vh;padding:0}
#alerts li{flex:1;background:#222a36;padding:.6vh;border-left:.5vh solid #e69f00}
.badge{display:inline-block;padding:0 .5vh;border-radius:.3vh;margin-right:.5vh;color:#000}
.crit{background:#d55e00}.warn{background:#e69f00}.adv{background:#f0e442}.info{background:#56b4e9}
.drill{background:#f0e442}.dim{color:#a8b2c0}
#talk ol{list-style:none;margin:0;padding:0 .8vh} #talk li{border-bottom:1px solid #333d4b;padding:.4vh 0}
#rollcall .rate{font-size:8vh;font-weight:bold} table{border-collapse:collapse;width:100%}
td{padding:.1vh .6vh} #staff .grid{display:grid;grid-template-columns:1fr 1fr;gap:.2vh .8vh;padding:.6vh}
.pending{columns:2;padding:0 .8vh}
)";

std::string page(const Situation& s, TimePoint now, int refresh_seconds) {
  const int off = s.directory.utc_offset_minutes;
  std::ostringstream h;
  h << "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
    << "<meta http-equiv=\"refresh\" content=\"" << refresh_seconds << "\">"
    << "<title>" << esc(s.directory.town_name) << "</title><style>" << kStyle << "</style></head><body>";

  h << "<header><span>" << esc(s.directory.town_name) << "</span><span class=\"clock\">"
    << town_time(now, off, "%m/%d %H:%M") << "</span><span class=\"dim\">更新 "
    << town_time(now, off, "%H:%M:%S") << "</span></header>";

  auto alerts = s.active_alerts(now);
  h << "<section id=\"alerts\"><h2>警報・注意報 " << alerts.size() << "</h2><ul>";
  for (std::size_t i = 0; i < alerts.size() && i < 3; ++i) {
    const auto& a = alerts[i]->alert;
    h << "<li><span class=\"badge " << severity_class(a.severity) << "\">"
      << severity_word(a.severity) << "</span>";
    if (a.drill) h << "<span class=\"badge drill\">訓練</span>";
    h << "<b>" << esc(a.title) << "</b><br><span class=\"dim\">" << esc(a.body);
    if (a.area) h << " " << esc(*a.area);
    h << "</span></li>";
  }
  h << "</ul>";
  if (alerts.size() > 3) h << "<div class=\"dim\">他 " << alerts.size() - 3 << "</div>";
  h << "</section>";

  // Talk: newest 30 over all groups, newest first.
  std::vector<const TalkEntry*> talk;
  for (const auto& [id, g] : s.talk)
    for (const auto& e : g.recent) talk.push_back(&e);
  std::sort(talk.begin(), talk.end(), [](auto* a, auto* b) { return a->seq > b->seq; });
  if (talk.size() > 30) talk.resize(30);
  h << "<section id=\"talk\"><h2>トーク</h2><ol>";
  for (const auto* e : talk) {
    const auto* g = s.directory.find_group(e->message.group);
    const auto* who = s.directory.find_staff(e->message.sender.id);
    h << "<li><span class=\"badge info\">" << esc(g ? g->name : e->message.group) << "</span><b>"
      << esc(who ? who->name : e->message.sender.name) << "</b> <span class=\"dim\">"
      << town_time(e->at, off, "%H:%M") << "</span><br>" << esc(e->message.text);
    if (!e->message.attachments.empty()) h << " <span class=\"dim\">[添付]</span>";
    h << "</li>";
  }
  h << "</ol></section>";

  h << "<section id=\"rollcall\"><h2>安否確認</h2>";
  const RollcallState* rc = s.open_rollcall(true);
  if (!rc) rc = s.open_rollcall(false);
  if (!rc && !s.rollcall_order.empty()) rc = &s.rollcalls.at(s.rollcall_order.back());
  if (rc) {
    const auto& t = rc->total;
    h << "<div style=\"padding:.6vh\">" << (rc->started.drill ? "<span class=\"badge drill\">訓練</span>" : "")
      << esc(rc->started.title) << (rc->open() ? "" : " (締切)") << "<div class=\"rate\">"
      << (t.in_scope ? t.answered * 100 / t.in_scope : 0) << "%</div>回答 " << t.answered << "/"
      << t.in_scope << "<br>";
    for (int k = 0; k < 4; ++k)
      h << "<span class=\"badge info\">" << safety_word(static_cast<Safety>(k)) << " "
        << t.by_safety[k] << "</span>";
    h << "<table>";
    for (const auto& d : s.directory.departments) {
      auto it = rc->by_department.find(d.id);
      if (it == rc->by_department.end()) continue;
      h << "<tr><td>" << esc(d.name) << "</td><td>" << it->second.answered << "/"
        << it->second.in_scope << "</td></tr>";
    }
    h << "</table></div><div class=\"dim\" style=\"padding:0 .8vh\">未回答 "
      << t.in_scope - t.answered << "人</div><div class=\"pending\">";
    std::size_t shown = 0;
    for (const auto& id : rc->scope) {
      if (rc->latest.count(id)) continue;
      if (++shown > 40) break;
      const auto* p = s.directory.find_staff(id);
      h << esc(p ? p->name : id) << "<br>";
    }
    h << "</div>";
  } else {
    h << "<div class=\"dim\">実施中の安否確認はありません</div>";
  }
  h << "</section>";

  h << "<section id=\"staff\"><h2>職員の状況</h2><div class=\"grid\">";
  for (const auto& p : s.directory.staff) {
    h << "<div><span class=\"badge info\">" << availability_word(s.availability_at(p.id, now))
      << "</span>" << esc(p.name) << "</div>";
  }
  h << "</div></section></body></html>\n";
  return h.str();
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "bench-kiosk-html: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string snapshot_path, out_path;
  int refresh = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return fail(a + " needs a value");
    std::string v = argv[++i];
    if (a == "--snapshot") snapshot_path = v;
    else if (a == "--out") out_path = v;
    else if (a == "--refresh") refresh = std::max(1, std::atoi(v.c_str()));
    else return fail("unknown argument \"" + a + "\"");
  }
  if (snapshot_path.empty() || out_path.empty()) return fail("needs --snapshot and --out");
  Situation s;
  try {
    std::ifstream in(snapshot_path);
    if (!in) return fail("cannot read " + snapshot_path);
    s = situation_from_json(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    return fail(snapshot_path + ": " + e.what());
  }
  auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string tmp = out_path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << page(s, now, refresh);
    if (!out) return fail("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return fail("cannot rename " + tmp + ": " + ec.message());
  return 0;
}
