#include <gtest/gtest.h>

#include <random>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace bcp::model::testing;
using nlohmann::json;

TEST(SituationDirectory, FindsById) {
  const Directory d = small_town();
  ASSERT_NE(d.find_staff("s006"), nullptr);
  EXPECT_EQ(d.find_staff("s006")->department, "kensetsu");
  EXPECT_EQ(d.find_staff("s999"), nullptr);
  ASSERT_NE(d.find_department("kikaku"), nullptr);
  EXPECT_EQ(d.find_department("kikaku")->name, "企画課");
  EXPECT_EQ(d.find_department("jinji"), nullptr);
  ASSERT_NE(d.find_group("hq"), nullptr);
  EXPECT_EQ(d.find_group("hq")->name, "災害対策本部");
  EXPECT_EQ(d.find_group("jinji"), nullptr);
}

TEST(SituationHelpers, OpenRollcallByKindNewestFirst) {
  Situation s = small_town_situation();
  EXPECT_EQ(s.open_rollcall(false), nullptr);
  apply(s, make_event(1, at_second(1), rollcall("drill-1", true, {})));
  apply(s, make_event(2, at_second(2), rollcall("real-1", false, {})));
  apply(s, make_event(3, at_second(3), rollcall("real-2", false, {"soumu"})));
  ASSERT_NE(s.open_rollcall(true), nullptr);
  EXPECT_EQ(s.open_rollcall(true)->started.rollcall, "drill-1");
  ASSERT_NE(s.open_rollcall(false), nullptr);
  EXPECT_EQ(s.open_rollcall(false)->started.rollcall, "real-2");
  apply(s, make_event(4, at_second(4), RollcallClosed{"real-2"}));
  EXPECT_EQ(s.open_rollcall(false)->started.rollcall, "real-1");
  apply(s, make_event(5, at_second(5), RollcallClosed{"drill-1"}));
  EXPECT_EQ(s.open_rollcall(true), nullptr);
}

TEST(SituationHelpers, ActiveAlertsBySeverityThenNewest) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(1), alert("old-warning", Severity::warning)));
  apply(s, make_event(2, at_second(2), alert("info", Severity::info)));
  apply(s, make_event(3, at_second(3), alert("new-warning", Severity::warning)));
  apply(s, make_event(4, at_second(4), alert("critical", Severity::critical)));
  AlertRaised expiring = alert("expiring", Severity::critical);
  expiring.expires = at_second(10);
  apply(s, make_event(5, at_second(5), expiring));
  apply(s, make_event(6, at_second(6), alert("cancelled", Severity::critical)));
  apply(s, make_event(7, at_second(7), AlertCancelled{"cancelled", std::nullopt}));

  auto ids = [&](TimePoint now) {
    std::vector<std::string> out;
    for (const AlertState* a : s.active_alerts(now)) out.push_back(a->alert.alert);
    return out;
  };
  EXPECT_EQ(ids(at_second(8)), (std::vector<std::string>{"expiring", "critical", "new-warning",
                                                         "old-warning", "info"}));
  EXPECT_EQ(ids(at_second(10)),
            (std::vector<std::string>{"critical", "new-warning", "old-warning", "info"}));
}

TEST(SituationHelpers, ShowsDrillForDrillAlertOrOpenDrillRollcall) {
  Situation s = small_town_situation();
  EXPECT_FALSE(s.shows_drill(at_second(0)));
  apply(s, make_event(1, at_second(1), alert("real", Severity::warning, false)));
  EXPECT_FALSE(s.shows_drill(at_second(2)));
  AlertRaised drill = alert("drill", Severity::warning, true);
  drill.expires = at_second(30);
  apply(s, make_event(2, at_second(2), drill));
  EXPECT_TRUE(s.shows_drill(at_second(29)));
  EXPECT_FALSE(s.shows_drill(at_second(30)));  // expired drill alert no longer shown
  apply(s, make_event(3, at_second(40), rollcall("rc-d", true, {})));
  EXPECT_TRUE(s.shows_drill(at_second(41)));
  apply(s, make_event(4, at_second(50), RollcallClosed{"rc-d"}));
  EXPECT_FALSE(s.shows_drill(at_second(51)));
}

TEST(SituationHelpers, ShowsActualForActualWarningOrCriticalOrOpenActualRollcall) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(1), alert("drill-quake", Severity::critical, true)));
  apply(s, make_event(2, at_second(2), rollcall("rc-d", true, {})));
  EXPECT_TRUE(s.shows_drill(at_second(3)));
  EXPECT_FALSE(s.shows_actual(at_second(3)));  // drill items only: the 訓練 band
  // An actual advisory is real but not an emergency: no actual band for 大雨注意報.
  apply(s, make_event(3, at_second(3), alert("rain", Severity::advisory, false)));
  EXPECT_FALSE(s.shows_actual(at_second(4)));
  AlertRaised quake = alert("quake", Severity::warning, false);
  quake.expires = at_second(20);
  apply(s, make_event(4, at_second(4), quake));
  EXPECT_TRUE(s.shows_actual(at_second(5)));
  EXPECT_FALSE(s.shows_actual(at_second(20)));  // expired: back to the drill band
  apply(s, make_event(5, at_second(21), rollcall("rc-a", false, {})));
  EXPECT_TRUE(s.shows_actual(at_second(22)));
  apply(s, make_event(6, at_second(23), RollcallClosed{"rc-a"}));
  EXPECT_FALSE(s.shows_actual(at_second(24)));
  apply(s, make_event(7, at_second(25), alert("real-critical", Severity::critical, false)));
  EXPECT_TRUE(s.shows_actual(at_second(26)));
  apply(s, make_event(8, at_second(27), AlertCancelled{"real-critical", std::nullopt}));
  EXPECT_FALSE(s.shows_actual(at_second(28)));
}

TEST(SituationHelpers, ActualAlertsLeadDrillAlertsOnlyInActualMode) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(1), alert("drill-critical", Severity::critical, true)));
  apply(s, make_event(2, at_second(2), alert("rain", Severity::advisory, false)));
  auto ids = [&](TimePoint now) {
    std::vector<std::string> out;
    for (const AlertState* a : s.active_alerts(now)) out.push_back(a->alert.alert);
    return out;
  };
  // No actual emergency: severity decides, the drill's critical quake leads.
  EXPECT_EQ(ids(at_second(3)), (std::vector<std::string>{"drill-critical", "rain"}));
  apply(s, make_event(3, at_second(3), alert("real-warning", Severity::warning, false)));
  apply(s, make_event(4, at_second(4), alert("drill-warning", Severity::warning, true)));
  // Actual mode: every actual alert first (by severity), then the drill's.
  EXPECT_EQ(ids(at_second(5)),
            (std::vector<std::string>{"real-warning", "rain", "drill-critical", "drill-warning"}));
}

TEST(SituationHelpers, DrillStoppedAtIsTheLatestStopNotice) {
  Situation s = small_town_situation();
  EXPECT_FALSE(s.drill_stopped_at());
  apply(s, make_event(1, at_second(1), Notice{"再接続しました", NoticeLevel::info}));
  EXPECT_FALSE(s.drill_stopped_at());
  apply(s, make_event(2, at_second(2),
                      Notice{std::string(kDrillStoppedNotice), NoticeLevel::warning}));
  apply(s, make_event(3, at_second(3), Notice{"その後のお知らせ", NoticeLevel::info}));
  EXPECT_EQ(s.drill_stopped_at(), at_second(2));
}

TEST(SituationHelpers, AvailabilityHoldsUntilItsUntil) {
  Situation s = small_town_situation();
  EXPECT_EQ(s.availability_at("s001", at_second(0)), Availability::unknown);
  apply(s, make_event(1, at_second(1),
                      StaffAvailability{"s001", Availability::trip, at_second(100), std::nullopt,
                                        AvailabilitySource::calendar}));
  EXPECT_EQ(s.availability_at("s001", at_second(99)), Availability::trip);
  EXPECT_EQ(s.availability_at("s001", at_second(100)), Availability::unknown);
  apply(s, make_event(2, at_second(2),
                      StaffAvailability{"s002", Availability::in_office, std::nullopt, std::nullopt,
                                        AvailabilitySource::manual}));
  EXPECT_EQ(s.availability_at("s002", at_second(1000000)), Availability::in_office);
  // Seen in talk but never reported availability.
  apply(s, make_event(3, at_second(3), talk("hq", "s003", "hi")));
  EXPECT_EQ(s.availability_at("s003", at_second(4)), Availability::unknown);
}

// A busy morning: every event type, with corrections, repeats and out-of-scope answers.
std::vector<Event> generated_events(unsigned seed, std::size_t count) {
  std::mt19937 random(seed);
  const Directory d = small_town();
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  std::vector<Event> events;
  for (std::size_t i = 0; i < count; ++i) {
    const Seq seq = static_cast<Seq>(i + 1);
    const TimePoint at = at_second(static_cast<int>(i * 7 % 1000));
    const std::string staff = d.staff[pick(d.staff.size())].id;
    const std::string rc = "rc-" + std::to_string(pick(3));
    const std::string al = "a-" + std::to_string(pick(4));
    Payload body;
    switch (pick(10)) {
      case 0:
        body = talk(pick(2) ? "hq" : "soumu", staff, "t" + std::to_string(i));
        break;
      case 1:
        body =
            StaffAvailability{staff, static_cast<Availability>(pick(9)),
                              pick(2) ? std::optional(at + std::chrono::minutes(30)) : std::nullopt,
                              std::nullopt,
                              pick(3) ? AvailabilitySource::manual : AvailabilitySource::calendar};
        break;
      case 2: {
        std::vector<std::string> departments;
        if (pick(2)) departments.push_back(d.departments[pick(3)].id);
        body = rollcall(rc, pick(2), departments);
        break;
      }
      case 3:
      case 4:
      {
        RollcallCheckin c =
            checkin(rc, staff, static_cast<Safety>(pick(4)), static_cast<CanWork>(pick(4)));
        if (pick(2)) c.location = pick(2) ? "庁舎" : "自宅";
        body = c;
        break;
      }
      case 5:
        body = RollcallClosed{rc};
        break;
      case 6:
        body = alert(al, static_cast<Severity>(pick(4)), pick(2));
        break;
      case 7:
        body = AlertUpdated{.alert = al, .severity = static_cast<Severity>(pick(4))};
        break;
      case 8:
        body =
            pick(2) ? Payload(AlertCancelled{al, "done"}) : Payload(AlertAcknowledged{al, staff});
        break;
      default:
        body = Notice{"n" + std::to_string(i), NoticeLevel::info};
        break;
    }
    events.push_back(make_event(seq, at, body));
    if (pick(8) == 0) events.push_back(events.back());  // a resent event after a reconnect
  }
  return events;
}

Situation replay(const std::vector<Event>& events) {
  Situation s = small_town_situation();
  s.talk_history_limit = 5;
  s.notice_limit = 4;
  for (const Event& e : events) apply(s, e);
  return s;
}

TEST(ModelReplay, SameEventsGiveTheSameState) {
  const auto events = generated_events(20261124, 400);
  const Situation first = replay(events);
  const Situation second = replay(events);
  EXPECT_EQ(first, second);
  // Guard against a vacuous pass: the sequence must have exercised the state.
  EXPECT_EQ(first.last_seq, 400);
  EXPECT_FALSE(first.rollcalls.empty());
  EXPECT_FALSE(first.alerts.empty());
  EXPECT_EQ(first.talk.at("hq").recent.size(), 5u);
  EXPECT_EQ(first.notices.size(), 4u);
}

TEST(ModelReplay, EventsThroughTheCodecGiveTheSameState) {
  const auto events = generated_events(7, 300);
  std::vector<Event> decoded;
  for (const Event& e : events) decoded.push_back(event_from_json(json::parse(to_json(e).dump())));
  EXPECT_EQ(replay(decoded), replay(events));
}

TEST(ModelReplay, SnapshotThenRestEqualsFullReplay) {
  // What a wall does: start from the daemon's snapshot, then apply the missed events.
  const auto events = generated_events(99, 300);
  const std::size_t split = 150;
  const Situation head = replay({events.begin(), events.begin() + split});
  Situation wall = situation_from_json(json::parse(situation_to_json(head).dump()));
  for (std::size_t i = split; i < events.size(); ++i) apply(wall, events[i]);
  const Situation full = replay(events);
  EXPECT_EQ(wall, full);
  // The derived availability agrees too, at any moment asked.
  for (int second : {0, 300, 700, 2000}) {
    EXPECT_EQ(wall.availability_overview(at_second(second)),
              full.availability_overview(at_second(second)));
  }
}

TEST(SituationSnapshot, RoundTripIsLossless) {
  Situation s = replay(generated_events(12345, 500));
  // Fields the generator does not reach.
  s.directory.utc_offset_minutes = -210;
  AlertRaised a = alert("full", Severity::critical, true);
  a.area = "本町";
  a.expires = at_second(5000);
  a.source = {AlertSourceKind::cap, "urn:oid:2.49.0.1.392.0"};
  apply(s, make_event(1000, at_second(1), a));
  apply(s, make_event(1001, at_second(2), AlertAcknowledged{"full", "s001"}));
  apply(s, make_event(1002, at_second(3), AlertCancelled{"full", "解除"}));
  TalkMessage m = talk("hq", "s001", "位置");
  m.sender.department = "soumu";
  m.attachments = {{AttachmentKind::location, "現在地", 43.5, -141.25, "試験町"}};
  apply(s, make_event(1003, at_second(4), m));
  ASSERT_FALSE(s.rollcalls.empty());

  const json j = situation_to_json(s);
  EXPECT_EQ(situation_from_json(json::parse(j.dump())), s);
  EXPECT_EQ(j["last_seq"], 1003);
  EXPECT_EQ(j["limits"], json({{"talk_history", 5}, {"notices", 4}}));
}

TEST(SituationSnapshot, RollcallDerivedFieldsAreKept) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(1), rollcall("rc-1", false, {"soumu"})));
  apply(s, make_event(2, at_second(2), checkin("rc-1", "s001", Safety::safe)));
  apply(s, make_event(3, at_second(3), checkin("rc-1", "s003", Safety::needs_help, CanWork::no)));
  const json j = situation_to_json(s);
  const json& r = j["rollcalls"]["rc-1"];
  EXPECT_EQ(r["total"]["answered"], 2);
  EXPECT_EQ(r["total"]["by_safety"]["needs_help"], 1);
  EXPECT_EQ(r["by_department"]["soumu"]["in_scope"], 4);
  EXPECT_EQ(r["reached"],
            json({{"25", "2026-11-24T05:00:02.000Z"}, {"50", "2026-11-24T05:00:03.000Z"}}));
  EXPECT_FALSE(r.contains("closed_at"));
  EXPECT_EQ(situation_from_json(j), s);
}

TEST(SituationSnapshot, EmptySituationRoundTrips) {
  const Situation s;
  EXPECT_EQ(situation_from_json(situation_to_json(s)), s);
}

TEST(SituationSnapshot, DecodingIsStrict) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(1), rollcall("rc-1", false, {})));
  json j = situation_to_json(s);
  j["rollcalls"]["rc-1"]["total"]["by_safety"]["fine"] = 1;
  try {
    situation_from_json(j);
    FAIL() << "accepted";
  } catch (const CodecError& e) {
    EXPECT_STREQ(e.what(), "/rollcalls/rc-1/total/by_safety/fine: unknown field");
  }
  j = situation_to_json(s);
  j["directory"]["staff"][2].erase("department");
  try {
    situation_from_json(j);
    FAIL() << "accepted";
  } catch (const CodecError& e) {
    EXPECT_STREQ(e.what(), "/directory/staff/2/department: missing required field");
  }
  j = situation_to_json(s);
  j["last_seq"] = "1";
  try {
    situation_from_json(j);
    FAIL() << "accepted";
  } catch (const CodecError& e) {
    EXPECT_STREQ(e.what(), "/last_seq: expected integer, got string");
  }
}

}  // namespace
}  // namespace bcp::model
