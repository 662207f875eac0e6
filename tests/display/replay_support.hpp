// Journals for the replay tests: events built as the daemon journals them (seq, at,
// received), written out as a `bcpctl events --all` export, and the sample town's directory.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/situation.hpp"
#include "daemon_fixture.hpp"

namespace bcp::display::test {

using namespace std::chrono;

// 14:00 JST on a drill day.
inline model::TimePoint drill_t0() {
  return time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{5});
}

using daemon::test::sample_town;

inline model::Situation sample_directory() {
  model::Situation s;
  s.directory = sample_town().directory();
  return s;
}

// Appends events with consecutive seqs, each received when it happened.
class JournalBuilder {
 public:
  model::Event& add(model::Payload body, model::TimePoint at) {
    model::Event e;
    e.seq = static_cast<model::Seq>(events_.size()) + 1;
    e.at = at;
    e.received = at;
    e.body = std::move(body);
    events_.push_back(std::move(e));
    return events_.back();
  }
  void talk(model::TimePoint at, const std::string& staff, const std::string& text) {
    model::TalkMessage m;
    m.group = "hq";
    m.message_id = "m" + std::to_string(events_.size() + 1);
    m.sender.id = staff;
    m.sender.name = sample_town().directory().find_staff(staff)->name;
    m.text = text;
    add(m, at);
  }
  void availability(model::TimePoint at, const std::string& staff, model::Availability status,
                    model::TimePoint until) {
    model::StaffAvailability a;
    a.staff = staff;
    a.status = status;
    a.until = until;
    a.note = "徒歩で登庁中";
    add(a, at);
  }
  void alert(model::TimePoint at, const std::string& id, const std::string& title,
             std::optional<model::TimePoint> expires = std::nullopt) {
    model::AlertRaised a;
    a.alert = id;
    a.kind = model::AlertKind::bear;
    a.severity = model::Severity::warning;
    a.drill = true;
    a.title = title;
    a.body = "訓練です。";
    a.source.kind = model::AlertSourceKind::manual;
    a.expires = expires;
    add(a, at);
  }
  void ack(model::TimePoint at, const std::string& id) {
    model::AlertAcknowledged a;
    a.alert = id;
    a.by = "本部";
    add(a, at);
  }
  void start(model::TimePoint at, const std::string& id) {
    model::RollcallStarted r;
    r.rollcall = id;
    r.title = "【訓練】地震発生 職員安否確認";
    r.drill = true;
    add(r, at);
  }
  void checkin(model::TimePoint at, const std::string& rc, int staff_number) {
    model::RollcallCheckin c;
    c.rollcall = rc;
    char id[8];
    std::snprintf(id, sizeof id, "s%03d", staff_number);
    c.staff = id;
    c.safety = model::Safety::safe;
    c.can_work = model::CanWork::yes;
    c.source = "api";
    add(c, at);
  }
  const std::vector<model::Event>& events() const { return events_; }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& e : events_) out.push_back(model::to_json(e).dump());
    return out;
  }
  void write(const std::filesystem::path& path) const {
    std::ofstream out(path, std::ios::binary);
    for (const auto& l : lines()) out << l << "\n";
  }

 private:
  std::vector<model::Event> events_;
};

// A drill: talk, a drill bear alert acknowledged at once (so nothing flashes later) that
// expires at +170 s, s003 on the way until +150 s, a roll call of the whole town and then 60
// answers two seconds apart from +60 s: 30 answered at +118 s (25 %), 60 at +178 s (50 %).
// Between +100 s and +200 s only answers arrive; the expiry and the `until` pass by time.
inline JournalBuilder sample_drill() {
  JournalBuilder j;
  const auto t0 = drill_t0();
  j.talk(t0, "s001", "【訓練】これより訓練を開始します。");
  j.alert(t0 + seconds(10), "bear-1", "【訓練】クマ出没 河川敷", t0 + seconds(170));
  j.ack(t0 + seconds(20), "bear-1");
  j.availability(t0 + seconds(25), "s003", model::Availability::en_route, t0 + seconds(150));
  j.start(t0 + seconds(30), "rc-drill");
  for (int k = 0; k < 60; ++k) j.checkin(t0 + seconds(60 + 2 * k), "rc-drill", k + 1);
  return j;
}

}  // namespace bcp::display::test
