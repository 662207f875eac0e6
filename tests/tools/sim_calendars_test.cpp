// A scenario's calendars section (sim_calendars.hpp): the events JSON bcp-sim's tenant answers
// is LINE WORKS's shape, and the daemon's own reading of it (bcp::calendar, the rules of the
// .ics import) gives each person the state the scenario meant: leave, trip, remote, meeting,
// nothing for a free event. Bad sections are named to the field.
#include <gtest/gtest.h>

#include <filesystem>

#include "bcp/calendar/calendar.hpp"
#include "bcp/calendar/lineworks_events.hpp"
#include "bcp/tools/scenario.hpp"
#include "bcp/tools/sim_calendars.hpp"
#include "daemon_fixture.hpp"

namespace {

using bcp::daemon::test::sample_town;
using bcp::model::Availability;
using nlohmann::json;
using Clock = std::chrono::system_clock;

// What the daemon would make of `events` for `user` at `now` (Japan: +540 minutes).
std::optional<Availability> status_of(const json& events, const std::string& user,
                                      Clock::time_point now) {
  std::string error;
  auto ics = bcp::calendar::lineworks_calendar_to_ics(events.dump(), user, error);
  EXPECT_TRUE(ics) << error;
  if (!ics) return std::nullopt;
  const auto calendar = bcp::calendar::parse_ics(ics->ics);
  return bcp::calendar::status_at(
             calendar, std::chrono::time_point_cast<bcp::model::TimePoint::duration>(now), 540)
      .status;
}

TEST(SimCalendars, EachEntryReadsAsTheStateItMeans) {
  const json scenario = {
      {"calendars",
       {{"s003", {{{"title", "年次休暇"}, {"days", {0, 1}}}}},
        {"s007", {{{"title", "出張 道庁"}, {"hours", {-3, 6}}}}},
        {"s012", {{{"title", "在宅勤務"}, {"days", {0, 1}}}}},
        {"s018", {{{"title", "定例会議"}, {"hours", {-0.25, 1.5}}, {"weekly", true}}}},
        {"s115", {{{"title", "私用"}, {"hours", {0, 3}}, {"free", true}}}}}}};
  // Noon in Japan, so that an all-day entry "today" surely covers now.
  const Clock::time_point now = Clock::from_time_t(1796266800);  // 2026-12-03 03:00 UTC
  const auto calendars = bcp::tools::scenario_calendars(scenario, sample_town(), now);
  ASSERT_EQ(calendars.size(), 5u);
  EXPECT_EQ(status_of(calendars.at("lw-s003"), "lw-s003", now), Availability::leave);
  EXPECT_EQ(status_of(calendars.at("lw-s007"), "lw-s007", now), Availability::trip);
  EXPECT_EQ(status_of(calendars.at("lw-s012"), "lw-s012", now), Availability::remote);
  EXPECT_EQ(status_of(calendars.at("lw-s018"), "lw-s018", now), Availability::meeting);
  EXPECT_EQ(status_of(calendars.at("lw-s115"), "lw-s115", now), std::nullopt);

  const json& all_day = calendars.at("lw-s003")["events"][0]["eventComponents"][0];
  EXPECT_EQ(all_day["start"], (json{{"date", "2026-12-03"}}));
  EXPECT_EQ(all_day["end"], (json{{"date", "2026-12-04"}}));
  const json& timed = calendars.at("lw-s007")["events"][0]["eventComponents"][0];
  EXPECT_EQ(timed["start"],
            (json{{"dateTime", "2026-12-03T09:00:00"}, {"timeZone", "Asia/Tokyo"}}));
  EXPECT_EQ(timed["end"], (json{{"dateTime", "2026-12-03T18:00:00"}, {"timeZone", "Asia/Tokyo"}}));
  EXPECT_EQ(calendars.at("lw-s018")["events"][0]["eventComponents"][0]["recurrence"],
            json::array({"RRULE:FREQ=WEEKLY"}));
}

TEST(SimCalendars, BadSectionsAreNamedToTheField) {
  struct Case {
    json calendars;
    std::string names;
  };
  for (const Case& c :
       {Case{{{"s999", json::array()}}, "calendars/s999: no such staff"},
        Case{{{"s003", {{{"days", {0, 1}}}}}}, "calendars/s003/0/title"},
        Case{{{"s003", {{{"title", "休暇"}}}}}, "calendars/s003/0: expected either days or hours"},
        Case{{{"s003", {{{"title", "休暇"}, {"days", {0.5, 1}}}}}}, "calendars/s003/0/days"},
        Case{{{"s003", {{{"title", "休暇"}, {"hours", {3, 1}}}}}}, "from must be before to"},
        Case{{{"s003", {{{"title", "休暇"}, {"days", {0, 1}}, {"colour", "red"}}}}},
             "/colour: unknown key"},
        Case{json::array(), "calendars: expected an object"}}) {
    try {
      bcp::tools::scenario_calendars({{"calendars", c.calendars}}, sample_town(), Clock::now());
      ADD_FAILURE() << "accepted " << c.calendars.dump();
    } catch (const bcp::tools::ScenarioError& e) {
      EXPECT_NE(std::string(e.what()).find(c.names), std::string::npos) << e.what();
    }
  }
}

TEST(SimCalendars, TheSampleDrillGivesTheBoardLeaveTripsRemoteAndMeetings) {
  const json drill = bcp::tools::load_scenario(std::filesystem::path(BCP_SOURCE_DIR) /
                                               "assets/scenarios/earthquake-drill.json");
  const Clock::time_point now = Clock::from_time_t(1796266800);
  const auto calendars = bcp::tools::scenario_calendars(drill, sample_town(), now);
  EXPECT_GE(calendars.size(), 12u);
  std::map<Availability, int> states;
  for (const auto& [user, events] : calendars)
    if (auto s = status_of(events, user, now)) ++states[*s];
  for (Availability a :
       {Availability::leave, Availability::trip, Availability::remote, Availability::meeting})
    EXPECT_GE(states[a], 2) << static_cast<int>(a);
  // And the scenario plans (the section is judged there too).
  EXPECT_NO_THROW(bcp::tools::plan_scenario(drill, sample_town()));
}

}  // namespace
