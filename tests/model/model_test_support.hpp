// Shared fixtures for the model tests: a small town directory and event builders.
#pragma once

#include <string>
#include <utility>

#include "bcp/model/codec.hpp"
#include "bcp/model/events.hpp"
#include "bcp/model/reducer.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::model::testing {

inline TimePoint T(const char* text) { return parse_time(text); }

// 2026-11-24T05:00:00Z plus the given seconds: keeps the reducer tests readable.
inline TimePoint at_second(int seconds) {
  return T("2026-11-24T05:00:00Z") + std::chrono::seconds(seconds);
}

// Three departments: soumu (4 staff), kikaku (3 staff), kensetsu (1 staff).
inline Directory small_town() {
  Directory d;
  d.town_name = "試験町";
  d.utc_offset_minutes = 540;
  d.departments = {{"soumu", "総務課"}, {"kikaku", "企画課"}, {"kensetsu", "建設課"}};
  d.staff = {{"s001", "山田 花子", "soumu"},  {"s002", "佐藤 一郎", "kikaku"},
             {"s003", "鈴木 次郎", "soumu"},  {"s004", "高橋 三郎", "kikaku"},
             {"s005", "田中 四郎", "soumu"},  {"s006", "伊藤 五郎", "kensetsu"},
             {"s007", "渡辺 六子", "kikaku"}, {"s008", "中村 七海", "soumu"}};
  d.groups = {{"hq", "災害対策本部"}, {"soumu", "総務課"}};
  return d;
}

inline Situation small_town_situation() {
  Situation s;
  s.directory = small_town();
  return s;
}

inline Event make_event(Seq seq, TimePoint at, Payload body) {
  Event e;
  e.seq = seq;
  e.at = at;
  e.body = std::move(body);
  return e;
}

inline TalkMessage talk(std::string group, std::string sender, std::string text) {
  TalkMessage m;
  m.group = std::move(group);
  m.message_id = "m-" + text;
  m.sender = {sender, "name of " + sender, std::nullopt};
  m.text = std::move(text);
  return m;
}

inline RollcallStarted rollcall(std::string id, bool drill, std::vector<std::string> departments) {
  RollcallStarted r;
  r.rollcall = std::move(id);
  r.title = "地震 安否確認";
  r.drill = drill;
  r.departments = std::move(departments);
  r.trigger = RollcallTrigger::manual;
  return r;
}

inline RollcallCheckin checkin(std::string rollcall, std::string staff, Safety safety,
                               CanWork can_work = CanWork::yes) {
  RollcallCheckin c;
  c.rollcall = std::move(rollcall);
  c.staff = std::move(staff);
  c.safety = safety;
  c.can_work = can_work;
  c.source = "api";
  return c;
}

inline AlertRaised alert(std::string id, Severity severity, bool drill = false) {
  AlertRaised a;
  a.alert = std::move(id);
  a.kind = AlertKind::bear;
  a.severity = severity;
  a.drill = drill;
  a.title = "クマ出没";
  a.body = "役場裏の河川敷で目撃";
  a.source = {AlertSourceKind::manual, std::nullopt};
  return a;
}

}  // namespace bcp::model::testing
