// The drill report's HTML: one document with its style, the curve and the pictures inline.
// Every figure from the roll-call report is printed as the report states it and carries
// data-field="<its path in the report JSON>" so a test can hold the page to the JSON.

#include <cmath>
#include <cstdio>
#include <map>

#include "bcp/common/base64.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/tools/drill_report.hpp"

namespace bcp::tools {
namespace {

using nlohmann::json;

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string text_of(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}
long long int_of(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<long long>() : 0;
}
const json& obj(const json& j, const char* key) {
  static const json empty = json::object();
  return j.is_object() && j.contains(key) && j[key].is_object() ? j[key] : empty;
}
const json& arr(const json& j, const char* key) {
  static const json empty = json::array();
  return j.is_object() && j.contains(key) && j[key].is_array() ? j[key] : empty;
}

// "1分05秒", "45秒", "1時間02分05秒".
std::string duration_text(long long s) {
  char b[48];
  if (s < 60) {
    std::snprintf(b, sizeof b, "%lld秒", s);
  } else if (s < 3600) {
    std::snprintf(b, sizeof b, "%lld分%02lld秒", s / 60, s % 60);
  } else {
    std::snprintf(b, sizeof b, "%lld時間%02lld分%02lld秒", s / 3600, (s % 3600) / 60, s % 60);
  }
  return b;
}

std::string rate_text(double rate) {
  char b[16];
  std::snprintf(b, sizeof b, "%.1f%%", rate * 100.0);
  return b;
}

// The report's local time "2026-11-24T14:01:05+09:00" shown as "14:01:05" (the date is
// in the heading), or the whole date for the heading itself.
std::string clock_of(const std::string& local) {
  return local.size() >= 19 ? local.substr(11, 8) : local;
}
std::string date_of(const std::string& local) {
  if (local.size() < 10) return local;
  return local.substr(0, 4) + "年" + std::to_string(std::atoi(local.substr(5, 2).c_str())) + "月" +
         std::to_string(std::atoi(local.substr(8, 2).c_str())) + "日";
}

std::string local_clock(model::TimePoint t, int offset) {
  using namespace std::chrono;
  auto local = floor<seconds>(t) + minutes(offset);
  hh_mm_ss<seconds> hms{local - floor<days>(local)};
  char b[16];
  std::snprintf(b, sizeof b, "%02d:%02d:%02d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return b;
}

// A cell holding one figure of the report: its text and where it came from.
std::string cell(const std::string& field, const std::string& text, const char* cls = "n") {
  return "<td class=\"" + std::string(cls) + "\" data-field=\"" + esc(field) + "\">" + esc(text) +
         "</td>";
}

const std::map<std::string, std::string>& labels() {
  static const std::map<std::string, std::string> m = {
      {"safe", "無事"},         {"minor_injury", "軽傷"}, {"serious_injury", "重傷"},
      {"needs_help", "要救助"}, {"yes", "出勤可"},        {"later", "遅れて可"},
      {"no", "出勤不可"},       {"unknown", "不明"},      {"bear", "クマ"},
      {"earthquake", "地震"},   {"tsunami", "津波"},      {"weather", "気象"},
      {"fire", "火災"},         {"other", "その他"},      {"info", "情報"},
      {"advisory", "注意"},     {"warning", "警報"},      {"critical", "緊急"},
      {"messaged", "配信済"},   {"reminded", "再通知"},   {"failed", "配信失敗"},
      {"queued", "配信待ち"},   {"answered", "回答済"},
  };
  return m;
}
std::string label(const std::string& key) {
  auto it = labels().find(key);
  return it == labels().end() ? key : it->second;
}

constexpr const char* kStyle = R"(
@page { size: A4; margin: 13mm 12mm 14mm; }
:root { --ink:#1d232b; --dim:#5b6573; --rule:#c8ced6; --blue:#0072B2; --drill:#F0E442;
        --actual:#D55E00; --pale:#f2f5f8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN",
       "Hiragino Sans", "Yu Gothic", "YuGothic", "Meiryo", sans-serif;
       color: var(--ink); font-size: 10pt; line-height: 1.5; margin: 0 auto; max-width: 186mm; }
@media screen { body { padding: 10mm 0; } }
header.top { display: flex; justify-content: space-between; align-items: flex-end;
             border-bottom: 2.5pt solid var(--ink); padding-bottom: 2mm; }
header.top .town { font-size: 11pt; color: var(--dim); }
h1 { font-size: 17pt; margin: 0; letter-spacing: 0.04em; }
h1 small { font-size: 10pt; font-weight: normal; color: var(--dim); margin-left: 2mm; }
.badge { display: inline-block; padding: 0.6mm 3mm; border-radius: 1.5mm; font-weight: bold;
         font-size: 12pt; vertical-align: middle; }
.badge.drill { background: var(--drill); color: #000; border: 0.6pt solid #000; }
.badge.actual { background: var(--actual); color: #fff; }
.title { font-size: 13pt; font-weight: bold; margin: 3mm 0 1mm; }
.meta { color: var(--dim); font-size: 9pt; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; padding-left: 2.5mm; border-left: 3pt solid var(--blue);
     break-after: avoid; }
h2 small { font-weight: normal; color: var(--dim); font-size: 9pt; margin-left: 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid var(--rule); padding: 1mm 1.8mm; text-align: left;
         vertical-align: top; }
th { background: var(--pale); font-weight: bold; font-size: 9pt; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
tfoot td { font-weight: bold; border-top: 1pt solid var(--ink); }
.kpi { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; margin-top: 3mm; }
.kpi > div { border: 0.6pt solid var(--rule); border-radius: 1.5mm; padding: 1.5mm 3mm; }
.kpi .k { font-size: 8.5pt; color: var(--dim); }
.kpi .v { font-size: 19pt; font-weight: bold; line-height: 1.2; font-variant-numeric: tabular-nums; }
.kpi .v small { font-size: 10pt; font-weight: normal; }
.times { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 2.5mm; margin-top: 2.5mm; }
.times > div { background: var(--pale); padding: 1.2mm 3mm; border-radius: 1.5mm; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; }
svg.curve { width: 100%; height: auto; display: block; }
.bar { display: inline-block; height: 2.2mm; background: var(--blue); vertical-align: middle; }
.bar.bg { background: var(--rule); width: 22mm; position: relative; }
.bar.bg .bar { position: absolute; left: 0; top: 0; }
.pending td:first-child { white-space: nowrap; font-weight: bold; }
.names span { display: inline-block; margin-right: 3.5mm; white-space: nowrap; }
.none { color: var(--dim); }
figure { break-inside: avoid; margin: 0 0 4mm; }
figure img { width: 100%; display: block; border: 0.6pt solid var(--rule); }
figcaption { font-size: 9pt; color: var(--dim); margin-top: 1mm; }
figcaption b { color: var(--ink); }
.pictures { break-before: page; }
footer { margin-top: 6mm; border-top: 0.6pt solid var(--rule); padding-top: 1.5mm;
         font-size: 8pt; color: var(--dim); }
)";

class Page {
 public:
  explicit Page(const DrillReportPage& p)
      : p_(p),
        r_(p.report),
        s_(obj(r_, "summary")),
        offset_(parse_utc_offset(text_of(r_, "utc_offset"))) {
    for (const auto& person : arr(r_, "people")) {
      names_[text_of(person, "staff")] = text_of(person, "name");
    }
  }

  std::string render() {
    out_ += "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    out_ += "<title>" +
            esc(std::string(drill() ? "訓練報告" : "実施報告") + " " + text_of(r_, "title")) +
            "</title><style>" + kStyle + "</style></head><body>\n";
    heading();
    figures();
    curve();
    totals();
    departments();
    pending();
    distribution();
    alerts();
    pictures();
    footer();
    out_ += "</body></html>\n";
    return std::move(out_);
  }

 private:
  bool drill() const { return r_.value("drill", false); }

  void heading() {
    const std::string started = text_of(r_, "started_at");
    out_ += "<header class=\"top\"><div><div class=\"town\">" + esc(p_.town_name) +
            "</div><h1>安否確認 " + std::string(drill() ? "訓練報告" : "実施報告") + "<small>" +
            (drill() ? "Roll-call drill report" : "Roll-call report") + "</small></h1></div>";
    out_ += std::string("<span class=\"badge ") +
            (drill() ? "drill\">訓練 DRILL" : "actual\">実災害 ACTUAL") + "</span></header>\n";
    out_ += "<div class=\"title\" data-field=\"title\">" + esc(text_of(r_, "title")) + "</div>";
    out_ += "<div class=\"meta\">" + esc(date_of(started)) +
            "　点呼ID <span data-field=\"rollcall\">" + esc(text_of(r_, "rollcall")) +
            "</span>　時刻は " + esc(text_of(r_, "utc_offset")) + "（" +
            (r_.value("open", false) ? "実施中に出力" : "締切後に出力") + " " +
            esc(clock_of(text_of(r_, "generated_at"))) + "）</div>\n";
  }

  void figures() {
    const long long scope = int_of(s_, "in_scope");
    out_ += "<div class=\"kpi\">";
    auto kpi = [&](const char* k, const std::string& field, const std::string& v,
                   const std::string& unit) {
      out_ += "<div><div class=\"k\">" + std::string(k) +
              "</div><div class=\"v\"><span data-field=\"" + field + "\">" + esc(v) +
              "</span><small>" + unit + "</small></div></div>";
    };
    kpi("回答率", "summary.response_rate", rate_text(s_.value("response_rate", 0.0)), "");
    kpi("回答", "summary.answered", std::to_string(int_of(s_, "answered")),
        " / " + std::to_string(scope) + "人");
    kpi("未回答", "summary.unanswered", std::to_string(int_of(s_, "unanswered")), "人");
    kpi("所要時間", "summary.elapsed_seconds", duration_text(int_of(s_, "elapsed_seconds")), "");
    out_ += "</div><div class=\"times\">";
    out_ += "<div>開始 <b data-field=\"started_at\">" + esc(clock_of(text_of(r_, "started_at"))) +
            "</b></div>";
    std::string closed = r_.contains("closed_at") && r_["closed_at"].is_string()
                             ? clock_of(r_["closed_at"].get<std::string>())
                             : "実施中";
    out_ += "<div>締切 <b data-field=\"closed_at\">" + esc(closed) + "</b></div>";
    out_ += "<div>対象 <b data-field=\"summary.in_scope\">" + std::to_string(scope) + "</b>人（" +
            esc(departments_scope()) + "）</div></div>\n";
  }

  std::string departments_scope() const {
    const json& d = arr(r_, "departments");
    if (d.empty()) return "全部署";
    return std::to_string(d.size()) + "部署";
  }

  void curve() {
    out_ += "<h2>回答の推移<small>Response curve and milestones</small></h2>";
    out_ += "<div class=\"two\" style=\"grid-template-columns: 2.1fr 1fr\"><div>" +
            response_curve_svg(r_) +
            "</div><div><table><thead><tr><th>到達</th><th class=\"n\">時刻</th><th "
            "class=\"n\">開始から</th></tr></thead><tbody>";
    const json& ms = obj(s_, "milestones");
    for (const char* k : {"25", "50", "75", "90"}) {
      const std::string f = std::string("summary.milestones.") + k;
      out_ += "<tr><td>" + std::string(k) + "%</td>";
      if (ms.contains(k) && ms[k].is_object()) {
        out_ += cell(f + ".at", clock_of(text_of(ms[k], "at")));
        out_ += cell(f + ".after_seconds", duration_text(int_of(ms[k], "after_seconds")));
      } else {
        out_ += "<td class=\"n none\" data-field=\"" + f + "\" colspan=\"2\">未到達</td>";
      }
      out_ += "</tr>";
    }
    out_ += "</tbody></table></div></div>\n";
  }

  void tally(const char* title, const char* key, std::initializer_list<const char*> order) {
    const json& t = obj(s_, key);
    const long long scope = int_of(s_, "in_scope");
    out_ += "<div><table><thead><tr><th>" + std::string(title) +
            "</th><th class=\"n\">人数</th><th class=\"n\">対象比</th></tr></thead><tbody>";
    for (const char* k : order) {
      long long n = int_of(t, k);
      out_ += "<tr><td>" + esc(label(k)) + "</td>" +
              cell(std::string("summary.") + key + "." + k, std::to_string(n)) +
              "<td class=\"n\">" + rate_text(scope ? double(n) / double(scope) : 0) + "</td></tr>";
    }
    long long un = int_of(s_, "unanswered");
    out_ += "<tr><td class=\"none\">未回答</td><td class=\"n\">" + std::to_string(un) +
            "</td><td class=\"n\">" + rate_text(scope ? double(un) / double(scope) : 0) +
            "</td></tr></tbody></table></div>";
  }

  void totals() {
    out_ += "<h2>安否・出勤可否<small>Safety and ability to work</small></h2><div class=\"two\">";
    tally("安否", "by_safety", {"safe", "minor_injury", "serious_injury", "needs_help"});
    tally("出勤可否", "by_can_work", {"yes", "later", "no", "unknown"});
    out_ += "</div>\n";
  }

  void departments() {
    out_ +=
        "<h2>部署別<small>By department</small></h2><table><thead><tr><th>部署</th>"
        "<th class=\"n\">対象</th><th class=\"n\">回答</th><th class=\"n\">未回答</th>"
        "<th class=\"n\">回答率</th><th></th><th class=\"n\">無事</th><th class=\"n\">軽傷</th>"
        "<th class=\"n\">重傷</th><th class=\"n\">要救助</th><th class=\"n\">出勤可</th>"
        "<th class=\"n\">遅れて可</th><th class=\"n\">出勤不可</th></tr></thead><tbody>";
    for (const auto& d : arr(s_, "by_department")) {
      const std::string f = "by_department." + text_of(d, "department");
      double rate = d.value("response_rate", 0.0);
      char w[32];
      std::snprintf(w, sizeof w, "%.1f", std::clamp(rate, 0.0, 1.0) * 22);
      out_ += "<tr><td>" + esc(text_of(d, "name")) + "</td>" +
              cell(f + ".in_scope", std::to_string(int_of(d, "in_scope"))) +
              cell(f + ".answered", std::to_string(int_of(d, "answered"))) +
              cell(f + ".unanswered", std::to_string(int_of(d, "unanswered"))) +
              cell(f + ".response_rate", rate_text(rate)) +
              "<td><span class=\"bar bg\"><span class=\"bar\" style=\"width:" + w +
              "mm\"></span></span></td>";
      for (const char* k : {"safe", "minor_injury", "serious_injury", "needs_help"})
        out_ += cell(f + ".by_safety." + k, std::to_string(int_of(obj(d, "by_safety"), k)));
      for (const char* k : {"yes", "later", "no"})
        out_ += cell(f + ".by_can_work." + k, std::to_string(int_of(obj(d, "by_can_work"), k)));
      out_ += "</tr>";
    }
    out_ += "</tbody><tfoot><tr><td>合計</td>" +
            cell("summary.in_scope", std::to_string(int_of(s_, "in_scope"))) +
            cell("summary.answered", std::to_string(int_of(s_, "answered"))) +
            cell("summary.unanswered", std::to_string(int_of(s_, "unanswered"))) +
            cell("summary.response_rate", rate_text(s_.value("response_rate", 0.0))) + "<td></td>";
    for (const char* k : {"safe", "minor_injury", "serious_injury", "needs_help"})
      out_ += cell(std::string("summary.by_safety.") + k,
                   std::to_string(int_of(obj(s_, "by_safety"), k)));
    for (const char* k : {"yes", "later", "no"})
      out_ += cell(std::string("summary.by_can_work.") + k,
                   std::to_string(int_of(obj(s_, "by_can_work"), k)));
    out_ += "</tr></tfoot></table>\n";
  }

  void pending() {
    out_ += "<h2>未回答者<small>Never answered, by department</small></h2>";
    bool any = false;
    std::string rows;
    for (const auto& d : arr(s_, "by_department")) {
      const json& ids = arr(d, "pending");
      if (ids.empty()) continue;
      any = true;
      const std::string f = "by_department." + text_of(d, "department") + ".pending";
      rows += "<tr><td>" + esc(text_of(d, "name")) + "（<span data-field=\"" + esc(f) +
              ".count\">" + std::to_string(ids.size()) + "</span>人）</td><td class=\"names\">";
      for (const auto& id : ids) {
        std::string sid = id.is_string() ? id.get<std::string>() : "";
        auto name = names_.find(sid);
        rows += "<span data-field=\"" + esc(f) + "\" data-staff=\"" + esc(sid) + "\">" +
                esc(name != names_.end() && !name->second.empty() ? name->second : sid) + "</span>";
      }
      rows += "</td></tr>";
    }
    if (!any) {
      out_ += "<p class=\"none\">全員が回答しました。</p>";
    } else {
      out_ += "<table class=\"pending\"><tbody>" + rows + "</tbody></table>";
    }
  }

  // The bot's distribution (LINE WORKS), from the report's summary.distribution and each
  // person's sends: the counts, who the bot gave up on and why, who has no LINE WORKS
  // account. Only when the bot sent (or tried to send) anything for this roll call.
  void distribution() {
    static constexpr const char* kNotReachable = "ボット未到達（LINE WORKSなし）";
    const json& d = obj(s_, "distribution");
    std::vector<const json*> failed;
    for (const auto& person : arr(r_, "people")) {
      if (!arr(person, "failures").empty()) failed.push_back(&person);
    }
    const long long sends = int_of(d, "messaged") + int_of(d, "reminded") + int_of(d, "failed");
    if (sends == 0 && failed.empty()) return;
    out_ +=
        "<h2>配信（LINE WORKS）<small>Bot distribution</small></h2><div "
        "class=\"two\"><div><table><tbody>";
    constexpr std::pair<const char*, const char*> kCounts[] = {{"reachable", "LINE WORKSあり"},
                                                               {"messaged", "質問を送信"},
                                                               {"reminded", "再通知を送信"},
                                                               {"failed", "質問の送信に失敗"}};
    for (const auto& [k, what] : kCounts) {
      out_ += "<tr><td>" + std::string(what) + "</td>" +
              cell("summary.distribution." + std::string(k), std::to_string(int_of(d, k))) +
              "</tr>";
    }
    const json& unreachable = arr(d, "not_reachable");
    out_ += "<tr><td>" + std::string(kNotReachable) + "</td>" +
            cell("summary.distribution.not_reachable.count", std::to_string(unreachable.size())) +
            "</tr></tbody></table>";
    if (!unreachable.empty()) {
      out_ += "<p class=\"names\">" + std::string(kNotReachable) + ": ";
      for (const auto& id : unreachable) {
        const std::string sid = id.is_string() ? id.get<std::string>() : "";
        out_ += "<span data-field=\"summary.distribution.not_reachable\" data-staff=\"" + esc(sid) +
                "\">" + esc(name_of(sid)) + "</span>";
      }
      out_ += "</p>";
    }
    out_ += "</div><div>";
    if (!failed.empty()) {
      out_ +=
          "<table><thead><tr><th>送信に失敗した職員</th><th>時刻</th><th>理由</th></tr></thead>"
          "<tbody>";
      for (const json* person : failed) {
        // The last failure kept for the person (the report keeps up to five).
        const json& last = arr(*person, "failures").back();
        const std::string sid = text_of(*person, "staff");
        const std::string step = text_of(last, "step") == "reminder" ? "再通知" : "質問";
        out_ += "<tr><td data-field=\"distribution.failures\" data-staff=\"" + esc(sid) + "\">" +
                esc(name_of(sid)) + "</td><td>" + esc(clock_of(text_of(last, "at"))) + "</td><td>" +
                esc(step + ": " + text_of(last, "why")) + "</td></tr>";
      }
      out_ += "</tbody></table>";
    }
    out_ += "</div></div>\n";
  }

  std::string name_of(const std::string& staff) const {
    auto it = names_.find(staff);
    return it != names_.end() && !it->second.empty() ? it->second : staff;
  }

  void alerts() {
    out_ += "<h2>期間中の警報・注意報<small>Alerts raised during the roll call</small></h2>";
    if (p_.alerts.empty()) {
      out_ += "<p class=\"none\">期間中に発表された警報はありません。</p>";
      return;
    }
    out_ +=
        "<table><thead><tr><th class=\"n\">発表</th><th>種別</th><th>重要度</th><th></th>"
        "<th>件名</th><th>確認</th><th>取消</th></tr></thead><tbody>";
    for (const auto& a : p_.alerts) {
      out_ +=
          "<tr data-alert=\"" + esc(a.alert) + "\"><td class=\"n\">" +
          local_clock(a.raised, offset_) + "</td><td>" + esc(label(a.kind)) + "</td><td>" +
          esc(label(a.severity)) + "</td><td>" + (a.drill ? "訓練" : "<b>実</b>") + "</td><td>" +
          esc(a.title) +
          (a.area.empty() ? "" : "<br><span class=\"meta\">" + esc(a.area) + "</span>") +
          "</td><td>" +
          (a.acknowledged ? local_clock(*a.acknowledged, offset_) + " " + esc(a.acknowledged_by)
                          : "—") +
          "</td><td>" +
          (a.cancelled ? local_clock(*a.cancelled, offset_) + " " + esc(a.cancel_reason) : "—") +
          "</td></tr>";
    }
    out_ += "</tbody></table>\n";
  }

  void pictures() {
    out_ +=
        "<section class=\"pictures\"><h2>壁面の記録<small>The wall, replayed from the "
        "journal</small></h2>";
    if (p_.pictures.empty()) {
      out_ += "<p class=\"none\">" + esc(p_.pictures_note) + "</p></section>\n";
      return;
    }
    for (const auto& pic : p_.pictures) {
      out_ += "<figure>";
      if (!pic.png.empty()) {
        out_ += "<img alt=\"" + esc(pic.caption) + " " + local_clock(pic.at, offset_) +
                " の壁面\" src=\"data:image/png;base64," + common::base64_encode(pic.png) + "\">";
      } else {
        out_ += "<p class=\"none\">画像を作成できませんでした: " + esc(pic.error) + "</p>";
      }
      out_ += "<figcaption><b>" + esc(pic.caption) + " " + local_clock(pic.at, offset_) +
              "</b>　bcp-wall --replay --at で記録から再現した壁面（画面下の青帯「再生 "
              "REPLAY」）</figcaption></figure>";
    }
    out_ += "</section>\n";
  }

  void footer() {
    out_ += "<footer>bcpctl rollcall drill-report で作成。数値は " + esc(p_.source) +
            " の GET /v1/rollcalls/" + esc(text_of(r_, "rollcall")) + "/report（出力 " +
            esc(text_of(r_, "generated_at")) + "）、警報と壁面は記録 seq 1–" +
            std::to_string(p_.journal_seq) +
            " から。このファイルは単独で表示・印刷できます（外部への接続なし。文字はシステムの "
            "Noto Sans CJK JP などの日本語フォントで表示）。</footer>\n";
  }

  const DrillReportPage& p_;
  const json& r_;
  const json& s_;
  int offset_;
  std::map<std::string, std::string> names_;
  std::string out_;
};

}  // namespace

int parse_utc_offset(const std::string& t) {
  if (t.size() != 6 || (t[0] != '+' && t[0] != '-') || t[3] != ':') return 0;
  int h = std::atoi(t.substr(1, 2).c_str()), m = std::atoi(t.substr(4, 2).c_str());
  return (t[0] == '-' ? -1 : 1) * (h * 60 + m);
}

std::string drill_report_html(const DrillReportPage& page) { return Page(page).render(); }

}  // namespace bcp::tools
