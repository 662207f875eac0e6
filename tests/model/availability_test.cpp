// Staff availability: check-in > manual (until its until) > calendar (until its until) >
// unknown, and the per-department overview the wall draws.
#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace bcp::model::testing;

StaffAvailability report(std::string staff, Availability status, AvailabilitySource source,
                         std::optional<TimePoint> until = std::nullopt,
                         std::optional<std::string> note = std::nullopt) {
  return StaffAvailability{std::move(staff), status, until, std::move(note), source};
}

RollcallCheckin answer(std::string rollcall, std::string staff, CanWork can_work,
                       std::optional<std::string> location = std::nullopt) {
  RollcallCheckin c = checkin(std::move(rollcall), std::move(staff), Safety::safe, can_work);
  c.location = std::move(location);
  return c;
}

class AvailabilityTest : public ::testing::Test {
 protected:
  Situation s = small_town_situation();
  Seq next_seq = 1;

  void feed(int second, Payload body) { apply(s, make_event(next_seq++, at_second(second), body)); }
  Availability at(std::string_view staff, int second) const {
    return s.availability_at(staff, at_second(second));
  }
  EffectiveAvailability why(std::string_view staff, int second) const {
    return s.effective_availability(staff, at_second(second));
  }
};

TEST_F(AvailabilityTest, NothingKnownIsUnknown) {
  EXPECT_EQ(at("s001", 0), Availability::unknown);
  EXPECT_EQ(why("s001", 0), EffectiveAvailability{});
  EXPECT_EQ(at("nobody", 0), Availability::unknown);
  feed(1, talk("hq", "s003", "おはよう"));  // seen, but no status reported
  EXPECT_EQ(at("s003", 2), Availability::unknown);
}

TEST_F(AvailabilityTest, CalendarEventsKeepTheirOwnSlot) {
  feed(1,
       report("s001", Availability::meeting, AvailabilitySource::calendar, at_second(100), "庁議"));
  feed(2, report("s001", Availability::remote, AvailabilitySource::manual));
  const StaffState& st = s.staff.at("s001");
  ASSERT_TRUE(st.calendar);
  EXPECT_EQ(st.calendar->status, Availability::meeting);
  EXPECT_EQ(st.calendar_at, at_second(1));
  ASSERT_TRUE(st.availability);
  EXPECT_EQ(st.availability->status, Availability::remote);
  EXPECT_EQ(st.availability_at, at_second(2));
  // A later calendar re-import does not overwrite what the desk set.
  feed(3, report("s001", Availability::leave, AvailabilitySource::calendar));
  EXPECT_EQ(s.staff.at("s001").availability->status, Availability::remote);
  EXPECT_EQ(at("s001", 4), Availability::remote);
  EXPECT_EQ(s.staff.at("s001").last_seen, at_second(3));
}

TEST_F(AvailabilityTest, ManualHoldsUntilItsUntilThenFallsBackToTheCalendar) {
  feed(1, report("s002", Availability::trip, AvailabilitySource::calendar, at_second(500),
                 "札幌出張"));
  feed(2, report("s002", Availability::in_office, AvailabilitySource::manual, at_second(100),
                 "出張取りやめ"));
  EXPECT_EQ(at("s002", 99), Availability::in_office);
  EXPECT_EQ(why("s002", 99).origin, AvailabilityOrigin::manual);
  EXPECT_EQ(why("s002", 99).note, "出張取りやめ");
  EXPECT_EQ(why("s002", 99).until, at_second(100));
  // At its `until` the manual status ends and the calendar shows through.
  EXPECT_EQ(at("s002", 100), Availability::trip);
  EXPECT_EQ(why("s002", 100).origin, AvailabilityOrigin::calendar);
  EXPECT_EQ(why("s002", 100).note, "札幌出張");
  // The calendar's own `until` ends that too: a stale status is worse than unknown.
  EXPECT_EQ(at("s002", 500), Availability::unknown);
  EXPECT_EQ(why("s002", 500).origin, AvailabilityOrigin::none);
}

TEST_F(AvailabilityTest, ManualWithoutUntilHoldsAndUnknownClearsIt) {
  feed(1, report("s003", Availability::leave, AvailabilitySource::calendar));
  feed(2, report("s003", Availability::in_office, AvailabilitySource::manual));
  EXPECT_EQ(at("s003", 1000000), Availability::in_office);
  // The desk clears its status: the calendar shows again.
  feed(3, report("s003", Availability::unknown, AvailabilitySource::manual));
  EXPECT_EQ(at("s003", 4), Availability::leave);
  EXPECT_EQ(why("s003", 4).origin, AvailabilityOrigin::calendar);
  // A calendar with nothing on it right now (unknown) is no status at all.
  feed(5, report("s003", Availability::unknown, AvailabilitySource::calendar));
  EXPECT_EQ(why("s003", 6).origin, AvailabilityOrigin::none);
}

TEST_F(AvailabilityTest, CheckinSourcedReportsAreManualReports) {
  feed(1, report("s004", Availability::en_route, AvailabilitySource::checkin, at_second(50)));
  EXPECT_EQ(at("s004", 49), Availability::en_route);
  EXPECT_EQ(why("s004", 49).origin, AvailabilityOrigin::manual);
  EXPECT_EQ(at("s004", 50), Availability::unknown);
}

TEST(CheckinAvailability, AnswerToStatus) {
  EXPECT_EQ(checkin_availability(answer("r", "s", CanWork::yes, "庁舎")), Availability::in_office);
  EXPECT_EQ(checkin_availability(answer("r", "s", CanWork::yes, "自宅")), Availability::en_route);
  EXPECT_EQ(checkin_availability(answer("r", "s", CanWork::yes)), Availability::en_route);
  EXPECT_EQ(checkin_availability(answer("r", "s", CanWork::later, "庁舎")), Availability::unknown);
  EXPECT_EQ(checkin_availability(answer("r", "s", CanWork::no, "庁舎")), Availability::off_duty);
  EXPECT_EQ(checkin_availability(answer("r", "s", CanWork::unknown, "庁舎")), std::nullopt);
}

TEST(CheckinAvailability, OfficeLocations) {
  for (const char* yes :
       {"庁舎", "本庁舎", "役場", "役場庁舎", "office", " Office ", "IN_OFFICE"}) {
    EXPECT_TRUE(is_office_location(yes)) << yes;
  }
  for (const char* no : {"", "自宅", "避難所", "移動中", "庁舎前", "offices", "役場に向かう"}) {
    EXPECT_FALSE(is_office_location(no)) << no;
  }
}

TEST_F(AvailabilityTest, OpenActualRollcallAnswerDrivesAvailabilityUntilItCloses) {
  feed(1, report("s001", Availability::leave, AvailabilitySource::calendar));
  feed(2, report("s002", Availability::trip, AvailabilitySource::manual));
  feed(3, report("s003", Availability::remote, AvailabilitySource::manual));
  feed(10, rollcall("rc-1", false, {}));
  feed(11, answer("rc-1", "s001", CanWork::yes, "庁舎"));
  feed(12, answer("rc-1", "s002", CanWork::yes, "自宅"));
  feed(13, answer("rc-1", "s003", CanWork::no));
  feed(14, answer("rc-1", "s004", CanWork::later));
  feed(15, answer("rc-1", "s005", CanWork::unknown));
  feed(16, report("s005", Availability::meeting, AvailabilitySource::calendar));

  EXPECT_EQ(at("s001", 20), Availability::in_office);
  EXPECT_EQ(at("s002", 20), Availability::en_route);
  EXPECT_EQ(at("s003", 20), Availability::off_duty);
  EXPECT_EQ(at("s004", 20), Availability::unknown);
  const EffectiveAvailability later = why("s004", 20);
  EXPECT_EQ(later.origin, AvailabilityOrigin::checkin);
  EXPECT_EQ(later.can_work, CanWork::later);
  EXPECT_EQ(later.rollcall, "rc-1");
  // can_work unknown says nothing about availability: the calendar still speaks.
  EXPECT_EQ(at("s005", 20), Availability::meeting);
  EXPECT_EQ(why("s005", 20).origin, AvailabilityOrigin::calendar);

  feed(30, RollcallClosed{"rc-1"});
  EXPECT_EQ(at("s001", 31), Availability::leave);
  EXPECT_EQ(at("s002", 31), Availability::trip);
  EXPECT_EQ(at("s003", 31), Availability::remote);
  EXPECT_EQ(at("s004", 31), Availability::unknown);
  EXPECT_EQ(why("s004", 31).origin, AvailabilityOrigin::none);
  // A moment before the close (after-action review) still shows the answers.
  EXPECT_EQ(at("s001", 29), Availability::in_office);
}

TEST_F(AvailabilityTest, DrillRollcallAnswersDoNotChangeAvailability) {
  feed(1, report("s001", Availability::leave, AvailabilitySource::manual));
  feed(2, rollcall("drill-1", true, {}));
  feed(3, answer("drill-1", "s001", CanWork::yes, "庁舎"));
  feed(4, answer("drill-1", "s002", CanWork::no));
  EXPECT_EQ(at("s001", 5), Availability::leave);
  EXPECT_EQ(at("s002", 5), Availability::unknown);
  // With an actual roll call open beside the drill, only the actual one's answers count.
  feed(6, rollcall("real-1", false, {}));
  EXPECT_EQ(at("s001", 7), Availability::leave);
  feed(8, answer("real-1", "s001", CanWork::yes));
  feed(9, answer("drill-1", "s001", CanWork::no));
  EXPECT_EQ(at("s001", 10), Availability::en_route);
  EXPECT_EQ(why("s001", 10).rollcall, "real-1");
}

TEST_F(AvailabilityTest, TheLatestAnswerCounts) {
  feed(1, rollcall("rc-1", false, {}));
  feed(2, answer("rc-1", "s001", CanWork::yes, "自宅"));
  EXPECT_EQ(at("s001", 3), Availability::en_route);
  feed(4, answer("rc-1", "s001", CanWork::no));
  EXPECT_EQ(at("s001", 5), Availability::off_duty);
  feed(6, answer("rc-1", "s001", CanWork::yes, "庁舎"));
  EXPECT_EQ(at("s001", 7), Availability::in_office);
}

TEST_F(AvailabilityTest, ManualNewerThanTheAnswerWinsOlderDoesNot) {
  feed(1, report("s001", Availability::leave, AvailabilitySource::manual));
  feed(2, rollcall("rc-1", false, {}));
  feed(3, answer("rc-1", "s001", CanWork::yes, "自宅"));
  EXPECT_EQ(at("s001", 4), Availability::en_route);  // answer newer than the manual status
  // The desk marks them in the office when they arrive: newer than the answer, so it wins.
  feed(5, report("s001", Availability::in_office, AvailabilitySource::manual));
  EXPECT_EQ(at("s001", 6), Availability::in_office);
  EXPECT_EQ(why("s001", 6).origin, AvailabilityOrigin::manual);
  // A newer answer wins again.
  feed(7, answer("rc-1", "s001", CanWork::no));
  EXPECT_EQ(at("s001", 8), Availability::off_duty);
  // A newer manual status that has run out does not hide the answer.
  feed(9, report("s001", Availability::remote, AvailabilitySource::manual, at_second(12)));
  EXPECT_EQ(at("s001", 10), Availability::remote);
  EXPECT_EQ(at("s001", 12), Availability::off_duty);
  // Calendar imports never override an answer, however new.
  feed(13, answer("rc-1", "s002", CanWork::yes));
  feed(14, report("s002", Availability::trip, AvailabilitySource::calendar));
  EXPECT_EQ(at("s002", 15), Availability::en_route);
}

TEST_F(AvailabilityTest, OutOfScopeAndClosedAnswersDoNotCount) {
  feed(1, rollcall("rc-1", false, {"kikaku"}));
  feed(2, answer("rc-1", "s001", CanWork::no));  // s001 is in soumu: out of scope
  EXPECT_EQ(at("s001", 3), Availability::unknown);
  EXPECT_FALSE(s.rollcalls.at("rc-1").latest.contains("s001"));
  feed(4, RollcallClosed{"rc-1"});
  feed(5, answer("rc-1", "s002", CanWork::no));  // kikaku, but the roll call is closed
  EXPECT_EQ(at("s002", 6), Availability::unknown);
}

TEST(AvailableNow, OnlyThoseWhoCanActNow) {
  using A = Availability;
  for (A a : {A::in_office, A::meeting, A::remote}) EXPECT_TRUE(counts_as_available(a));
  for (A a : {A::out, A::trip, A::leave, A::off_duty, A::en_route, A::unknown}) {
    EXPECT_FALSE(counts_as_available(a));
  }
}

TEST_F(AvailabilityTest, OverviewPerDepartmentAndTotal) {
  // soumu: s001 s003 s005 s008; kikaku: s002 s004 s007; kensetsu: s006.
  feed(1, report("s001", Availability::in_office, AvailabilitySource::manual));
  feed(2, report("s003", Availability::remote, AvailabilitySource::calendar));
  feed(3, report("s005", Availability::leave, AvailabilitySource::manual));
  feed(4, report("s002", Availability::meeting, AvailabilitySource::calendar, at_second(50)));
  feed(5, rollcall("rc-1", false, {}));
  feed(6, answer("rc-1", "s004", CanWork::yes, "自宅"));
  feed(7, answer("rc-1", "s006", CanWork::yes, "役場"));
  s.directory.staff.push_back({"s009", "新人 九郎", "kaikei"});  // department not in the list

  const AvailabilityOverview o = s.availability_overview(at_second(10));
  ASSERT_EQ(o.departments.size(), 4u);
  const DepartmentAvailability& soumu = o.departments[0];
  EXPECT_EQ(soumu.department, "soumu");
  EXPECT_EQ(soumu.staff, 4u);
  EXPECT_EQ(soumu.available, (std::vector<std::string>{"s001", "s003"}));
  EXPECT_TRUE(soumu.en_route.empty());
  EXPECT_EQ(soumu.by_status[static_cast<int>(Availability::leave)], 1u);
  EXPECT_EQ(soumu.by_status[static_cast<int>(Availability::unknown)], 1u);
  const DepartmentAvailability& kikaku = o.departments[1];
  EXPECT_EQ(kikaku.department, "kikaku");
  EXPECT_EQ(kikaku.available, (std::vector<std::string>{"s002"}));
  EXPECT_EQ(kikaku.en_route, (std::vector<std::string>{"s004"}));
  EXPECT_EQ(o.departments[2].department, "kensetsu");
  EXPECT_EQ(o.departments[2].available, (std::vector<std::string>{"s006"}));
  EXPECT_EQ(o.departments[3].department, "kaikei");
  EXPECT_EQ(o.departments[3].staff, 1u);
  EXPECT_EQ(o.total.department, "");
  EXPECT_EQ(o.total.staff, 9u);
  EXPECT_EQ(o.total.available, (std::vector<std::string>{"s001", "s002", "s003", "s006"}));
  EXPECT_EQ(o.total.en_route, (std::vector<std::string>{"s004"}));
  std::size_t counted = 0;
  for (std::size_t n : o.total.by_status) counted += n;
  EXPECT_EQ(counted, 9u);

  // Later the calendar meeting has ended: s002 drops out of the available list.
  const AvailabilityOverview later = s.availability_overview(at_second(50));
  EXPECT_EQ(later.departments[1].available, std::vector<std::string>{});
  EXPECT_EQ(later.total.available.size(), 3u);
}

// Issue 12, class 13: "newer" is the journal's order. A client clock ahead (JST sent with a
// Z is 9 h ahead) must not make its report beat every answer received after it, and one
// behind must not lose to an answer received before it.
TEST_F(AvailabilityTest, NewerIsDecidedByReceiptOrderNotByTheClientsClock) {
  auto feed_at = [&](int second, Payload body) {
    apply(s, make_event(next_seq++, at_second(second), body));
  };
  feed_at(0, rollcall("rc-1", false, {}));
  // Received first, but claims to be from later on (a clock ahead): the answer after it wins.
  feed_at(600, report("s001", Availability::in_office, AvailabilitySource::manual));
  feed_at(5, answer("rc-1", "s001", CanWork::no));
  EXPECT_EQ(at("s001", 10), Availability::off_duty);
  EXPECT_EQ(why("s001", 10).origin, AvailabilityOrigin::checkin);
  // Received after the answer, with a clock behind: the desk's word is the newer one.
  feed_at(-300, report("s001", Availability::in_office, AvailabilitySource::manual));
  EXPECT_EQ(at("s001", 10), Availability::in_office);
  EXPECT_EQ(s.staff.at("s001").availability_seq, next_seq - 1);
  // Another answer after that wins again, whatever its `at`.
  feed_at(-600, answer("rc-1", "s001", CanWork::yes, "自宅"));
  EXPECT_EQ(at("s001", 10), Availability::en_route);
  // The receipt order survives a snapshot (walls decide the same).
  const Situation back = situation_from_json(nlohmann::json::parse(situation_to_json(s).dump()));
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.availability_at("s001", at_second(10)), Availability::en_route);
}

TEST(LastSeen, NeverLaterThanTheDaemonReceivedIt) {
  Situation s = small_town_situation();
  auto received_at = [](Seq seq, int at, int received, Payload body) {
    Event e = make_event(seq, at_second(at), std::move(body));
    e.received = at_second(received);
    return e;
  };
  // A clock 9 h ahead: seen when it arrived, not in the future.
  apply(s, received_at(1, 9 * 3600, 10,
                       report("s001", Availability::remote, AvailabilitySource::manual)));
  EXPECT_EQ(s.staff.at("s001").last_seen, at_second(10));
  apply(s, received_at(2, 3600, 20, talk("hq", "s001", "x")));
  EXPECT_EQ(s.staff.at("s001").last_seen, at_second(20));
  // A late delivery (a phone back in coverage) keeps its own, earlier time; never backwards.
  apply(s,
        received_at(3, 15, 30, report("s002", Availability::remote, AvailabilitySource::manual)));
  EXPECT_EQ(s.staff.at("s002").last_seen, at_second(15));
  apply(s, received_at(4, 5, 40, talk("hq", "s002", "y")));
  EXPECT_EQ(s.staff.at("s002").last_seen, at_second(15));
  apply(s, make_event(5, at_second(0), rollcall("rc-1", false, {})));
  apply(s, received_at(6, 100000, 50, checkin("rc-1", "s003", Safety::safe)));
  EXPECT_EQ(s.staff.at("s003").last_seen, at_second(50));
}

TEST(AvailabilitySnapshot, CalendarSlotRoundTrips) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(1),
                      report("s001", Availability::leave, AvailabilitySource::calendar,
                             at_second(90), "年休")));
  apply(s, make_event(
               2, at_second(2),
               report("s001", Availability::in_office, AvailabilitySource::manual, at_second(30))));
  const nlohmann::json j = situation_to_json(s);
  EXPECT_EQ(j["staff"]["s001"]["calendar"]["status"], "leave");
  EXPECT_EQ(j["staff"]["s001"]["calendar_at"], "2026-11-24T05:00:01.000Z");
  EXPECT_EQ(j["staff"]["s001"]["availability"]["status"], "in_office");
  const Situation back = situation_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.availability_at("s001", at_second(40)), Availability::leave);
}

}  // namespace
}  // namespace bcp::model
