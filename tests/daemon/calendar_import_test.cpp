// PUT /v1/staff/{id}/calendar over real HTTP on loopback: the calendar is stored in the
// journal's SQLite file, and what it says becomes `staff.availability` events with source
// `calendar` in the journal, the snapshot and after a restart. The daemon's clock is set to
// a chosen moment (DaemonOptions::clock) so the calendars' meetings are "now".
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

using model::Availability;
using std::chrono::system_clock;

model::TimePoint utc(const char* text) { return model::parse_time(text); }

// A clock that runs from a chosen moment at real speed (so timers still fire on time).
class MovableClock {
 public:
  void set(model::TimePoint moment) {
    offset_ms_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(moment - system_clock::now()).count();
  }
  system_clock::time_point now() const {
    return system_clock::now() + std::chrono::milliseconds(offset_ms_.load());
  }
  model::TimePoint model_now() const {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(now());
  }
  TestDaemon::Tweak tweak(const fs::path* data_dir = nullptr) {
    return [this, data_dir](DaemonOptions& o) {
      o.clock = [this] { return now(); };
      if (data_dir) o.data_dir = *data_dir;
    };
  }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

std::string vcalendar(const std::string& events) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n" +
         events + "END:VCALENDAR\r\n";
}

// Tuesdays 14:00-15:00 JST (05:00-06:00Z) from 2026-11-03; the title is sensitive on purpose.
const std::string kWeeklyInterview = vcalendar(
    "BEGIN:VEVENT\r\n"
    "DTSTART;TZID=Asia/Tokyo:20261103T140000\r\n"
    "DTEND;TZID=Asia/Tokyo:20261103T150000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=TU\r\n"
    "UID:interview@google.com\r\n"
    "SUMMARY:人事面談（懲戒の件）\r\n"
    "END:VEVENT\r\n");

// 2026-12-01 all day (JST) on leave.
const std::string kLeaveToday = vcalendar(
    "BEGIN:VEVENT\r\n"
    "DTSTART;VALUE=DATE:20261201\r\n"
    "DTEND;VALUE=DATE:20261202\r\n"
    "UID:leave@google.com\r\n"
    "SUMMARY:有給\r\n"
    "END:VEVENT\r\n");

// Something later in December only: free on 2026-12-01.
const std::string kNothingToday = vcalendar(
    "BEGIN:VEVENT\r\n"
    "DTSTART:20261220T000000Z\r\n"
    "DTEND:20261220T010000Z\r\n"
    "UID:january@google.com\r\n"
    "SUMMARY:新年会\r\n"
    "END:VEVENT\r\n");

HttpResult put_calendar(std::uint16_t port, const std::string& staff, const std::string& ics,
                        const std::string& token = kIngest,
                        const std::string& type = "text/calendar; charset=utf-8") {
  Headers headers = bearer(token);
  headers.emplace_back("Content-Type", type);
  return http_request(port, "PUT", "/v1/staff/" + staff + "/calendar", ics, headers);
}

// The calendar-sourced availability events of `staff` in the journal, oldest first.
std::vector<json> calendar_events(const TestDaemon& d, const std::string& staff) {
  std::vector<json> out;
  for (const json& e : d.events()) {
    if (e.value("type", "") == "staff.availability" && e.value("staff", "") == staff &&
        e.value("source", "") == "calendar") {
      out.push_back(e);
    }
  }
  return out;
}

// The "calendar" entry of /healthz "sources" (null when the daemon has no such source).
json calendar_source(const TestDaemon& d) {
  HttpResult h = http_request(d.port(), "GET", "/healthz", "", {}, 1000ms);
  if (h.status != 200) return nullptr;
  const json body = h.json();
  if (!body.contains("sources") || !body["sources"].contains("calendar")) return nullptr;
  return body["sources"]["calendar"];
}

// The "calendar" source once it is degraded (what it is after 10 s otherwise).
json degraded_calendar_source(const TestDaemon& d) {
  json calendar;
  wait_until(
      [&] {
        calendar = calendar_source(d);
        return calendar.is_object() && calendar.value("state", "") == "degraded";
      },
      10s);
  return calendar;
}

class CalendarImportTest : public ::testing::Test {
 protected:
  void SetUp() override { clock.set(utc("2026-12-01T05:10:00Z")); }  // Tuesday 14:10 JST
  MovableClock clock;
};

TEST_F(CalendarImportTest, ImportJournalsACalendarSourcedStatusSeenInTheSnapshot) {
  TestDaemon d(clock.tweak());
  HttpResult r = put_calendar(d.port(), "s001", kWeeklyInterview);
  ASSERT_EQ(r.status, 200) << r.body;
  json answer = r.json();
  EXPECT_EQ(answer["staff"], "s001");
  EXPECT_EQ(answer["status"], "meeting");
  EXPECT_EQ(answer["until"], "2026-12-01T06:00:00.000Z");
  ASSERT_TRUE(answer.contains("seq")) << r.body;

  // Answered after the commit: the event is already in the journal and the snapshot.
  std::vector<json> events = calendar_events(d, "s001");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["seq"], answer["seq"]);
  EXPECT_EQ(events[0]["status"], "meeting");
  EXPECT_EQ(events[0]["until"], "2026-12-01T06:00:00.000Z");
  // The title may be above level C: it never reaches the journal (and so never a wall).
  EXPECT_EQ(events[0].dump().find("面談"), std::string::npos) << events[0].dump();
  model::Situation s = d.snapshot();
  EXPECT_EQ(s.availability_at("s001", clock.model_now()), Availability::meeting);
  EXPECT_EQ(s.availability_at("s002", clock.model_now()), Availability::unknown);

  // Importing the same calendar again changes nothing: no second event.
  r = put_calendar(d.port(), "s001", kWeeklyInterview, kOperator);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().contains("seq")) << r.body;
  EXPECT_EQ(calendar_events(d, "s001").size(), 1u);
}

TEST_F(CalendarImportTest, AWallSeesTheCalendarStatusOnItsStream) {
  TestDaemon d(clock.tweak());
  Subscriber wall(d.port(), d.seq());
  auto hello = wall.next();  // up to date: hello, then an empty replay
  ASSERT_TRUE(hello) << wall.error();
  EXPECT_EQ((*hello)["type"], "hello");
  HttpResult r = put_calendar(d.port(), "s006", kLeaveToday);
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<json> events = wall.events_until(r.json()["seq"].get<std::int64_t>());
  ASSERT_FALSE(events.empty()) << wall.error();
  const json& event = events.back();
  EXPECT_EQ(event["seq"], r.json()["seq"]);
  EXPECT_EQ(event["type"], "staff.availability") << event.dump();
  EXPECT_EQ(event["staff"], "s006");
  EXPECT_EQ(event["status"], "leave");
  EXPECT_EQ(event["source"], "calendar");
}

TEST_F(CalendarImportTest, ReimportReplacesThePersonsCalendar) {
  TestDaemon d(clock.tweak());
  ASSERT_EQ(put_calendar(d.port(), "s002", kWeeklyInterview).status, 200);
  HttpResult r = put_calendar(d.port(), "s002", kLeaveToday);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "leave");
  EXPECT_EQ(d.snapshot().availability_at("s002", clock.model_now()), Availability::leave);

  // A calendar with nothing on now clears what the old one said.
  r = put_calendar(d.port(), "s002", kNothingToday);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["status"].is_null()) << r.body;
  std::vector<json> events = calendar_events(d, "s002");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2]["status"], "unknown");
  EXPECT_EQ(events[2]["until"], "2026-12-20T00:00:00.000Z") << events[2].dump();
  EXPECT_EQ(d.snapshot().availability_at("s002", clock.model_now()), Availability::unknown);
}

TEST_F(CalendarImportTest, RestartedDaemonKeepsTheCalendarAndFollowsIt) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  {
    TestDaemon d(clock.tweak(&data));
    ASSERT_EQ(put_calendar(d.port(), "s003", kWeeklyInterview).status, 200);
  }
  // A week later, same data directory, no import: the stored calendar says meeting again,
  // with the new `until`, and the daemon journals that on start-up.
  clock.set(utc("2026-12-08T05:10:00Z"));
  TestDaemon d(clock.tweak(&data));
  std::vector<json> events;
  ASSERT_TRUE(wait_until(
      [&] {
        events = calendar_events(d, "s003");
        return events.size() >= 2;
      },
      5s));
  EXPECT_EQ(events[1]["status"], "meeting");
  EXPECT_EQ(events[1]["until"], "2026-12-08T06:00:00.000Z");
  EXPECT_EQ(d.snapshot().availability_at("s003", clock.model_now()), Availability::meeting);
}

TEST_F(CalendarImportTest, TheTimerJournalsTheEndOfAMeeting) {
  // Three seconds before the meeting ends: margin for a slow machine to start and import.
  clock.set(utc("2026-12-01T05:59:57Z"));
  TestDaemon d(clock.tweak());
  HttpResult r = put_calendar(d.port(), "s004", kWeeklyInterview);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["status"], "meeting") << "the import came after the meeting's end";
  std::vector<json> events;
  ASSERT_TRUE(wait_until(
      [&] {
        events = calendar_events(d, "s004");
        return events.size() >= 2;
      },
      10s))
      << "no event at the end of the meeting";
  EXPECT_EQ(events[1]["status"], "unknown");
  EXPECT_EQ(events[1]["until"], "2026-12-08T05:00:00.000Z");
  EXPECT_GE(model::parse_time(events[1]["at"].get<std::string>()), utc("2026-12-01T06:00:00Z"));
}

TEST_F(CalendarImportTest, BadCalendarIsRefusedAndNothingIsStored) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  {
    TestDaemon d(clock.tweak(&data));
    const std::int64_t before = d.seq();
    HttpResult r =
        put_calendar(d.port(), "s005",
                     vcalendar("BEGIN:VEVENT\r\nUID:bad@x\r\nDTSTART:20261201T050000Z\r\n"
                               "RRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n"));
    ASSERT_EQ(r.status, 400) << r.body;
    std::string error = r.json()["error"];
    EXPECT_NE(error.find("line 7"), std::string::npos) << error;
    EXPECT_NE(error.find("RRULE"), std::string::npos) << error;
    EXPECT_NE(error.find("VEVENT \"bad@x\""), std::string::npos) << error;
    EXPECT_EQ(put_calendar(d.port(), "s005", "not a calendar").status, 400);
    EXPECT_EQ(d.seq(), before);
  }
  EXPECT_TRUE(open_sqlite_journal(data / "journal.sqlite3")->calendars().empty());
}

TEST_F(CalendarImportTest, WrongTypeUnknownStaffTokensAndSize) {
  TestDaemon d(clock.tweak());
  HttpResult r = put_calendar(d.port(), "s001", kWeeklyInterview, kIngest, "application/json");
  EXPECT_EQ(r.status, 415) << r.body;
  r = put_calendar(d.port(), "s999", kWeeklyInterview);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("s999"), std::string::npos) << r.body;
  EXPECT_EQ(put_calendar(d.port(), "s001", kWeeklyInterview, "no-such-token").status, 401);
  EXPECT_EQ(put_calendar(d.port(), "s001", kWeeklyInterview, kDisplay).status, 403);
  // Over the 1 MiB body limit: answered as soon as the length is seen, so write from a
  // thread while the answer is read (the writer gets cut).
  std::string huge = kWeeklyInterview;
  huge.insert(huge.find("END:VCALENDAR"), "X-PADDING:" + std::string(1100 * 1024, 'x') + "\r\n");
  const std::string request =
      "PUT /v1/staff/s001/calendar HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      std::string(kIngest) +
      "\r\nContent-Type: text/calendar\r\nContent-Length: " + std::to_string(huge.size()) +
      "\r\n\r\n" + huge;
  int fd = connect_raw(d.port());
  ASSERT_GE(fd, 0);
  std::thread writer([&] { send_all(fd, request); });
  r = read_response(fd, 10s);
  ::shutdown(fd, SHUT_RDWR);
  writer.join();
  ::close(fd);
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_TRUE(calendar_events(d, "s001").empty());
}

// ---- hostile calendars (issue 12, classes 4 and 5) --------------------------------------------

// A VEVENT (8 lines) with a one-hour DTSTART in December 2026 and `rule` as its RRULE.
std::string ruled_event(const std::string& uid, const std::string& rule,
                        const std::string& dtstart = "20261201T050000Z") {
  return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTART:" + dtstart +
         "\r\nDURATION:PT1H\r\nSUMMARY:人事面談\r\nRRULE:" + rule + "\r\nEND:VEVENT\r\n";
}

std::string events_with(int n, const std::string& rule, const std::string& dtstart) {
  std::string out;
  for (int i = 0; i < n; ++i) out += ruled_event("e" + std::to_string(i), rule, dtstart);
  return out;
}

// libical 3.0 spends about a second in each of these rules (they never occur, in a way only
// libical's own search finds out): a calendar of them keeps a worker busy for seconds.
std::string slow_calendar(int events = 40) {
  return vcalendar(
      events_with(events, "FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2;BYMONTHDAY=1", "20261201T050000Z"));
}

TEST_F(CalendarImportTest, HostileCalendarsAreRefusedNamingTheirLineAndNothingIsStored) {
  struct Case {
    const char* what;
    std::string ics;
    const char* says;
  };
  std::string rdates;
  for (int i = 0; i < 2001; ++i) {
    rdates += "RDATE:202612" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(1 + i % 28) +
              "T0" + std::to_string(i % 10) + "0000Z\r\n";
  }
  const std::vector<Case> cases = {
      // The calendar: 40 leap-day rules with COUNT=100000 from 1604.
      {"leap days from 1604",
       vcalendar(
           events_with(40, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=100000", "16040101T090000Z")),
       "line 9: VEVENT \"e0\": RRULE: needs more than 20000 steps"},
      {"daily count from 1900",
       vcalendar(ruled_event("c", "FREQ=DAILY;COUNT=1000000", "19000101T000000Z")),
       "line 9: VEVENT \"c\": RRULE: needs more than 20000 steps"},
      {"hours list", vcalendar(ruled_event("h", "FREQ=DAILY;BYHOUR=9,10,11")),
       "line 9: VEVENT \"h\": RRULE: FREQ=DAILY;BYHOUR=9,10,11 gives 3 instances a day"},
      {"minutes list", vcalendar(ruled_event("m", "FREQ=WEEKLY;BYDAY=MO;BYMINUTE=0,20,40")),
       "gives 3 instances a day (at most one instance a day)"},
      {"seconds list", vcalendar(ruled_event("s", "FREQ=DAILY;BYSECOND=0,30")),
       "gives 2 instances a day"},
      {"minutely", vcalendar(ruled_event("n", "FREQ=MINUTELY;INTERVAL=5")),
       "line 9: VEVENT \"n\": RRULE: FREQ=MINUTELY is not supported"},
      {"minutely time zone",
       vcalendar("BEGIN:VTIMEZONE\r\nTZID:Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\n"
                 "RRULE:FREQ=MINUTELY\r\nTZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"
                 "END:STANDARD\r\nEND:VTIMEZONE\r\n"
                 "BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Tokyo:20261201T140000\r\n"
                 "DURATION:PT1H\r\nEND:VEVENT\r\n"),
       "line 8: VTIMEZONE \"Tokyo\": RRULE: FREQ=MINUTELY is not a time zone rule"},
      {"hourly time zone",
       vcalendar("BEGIN:VTIMEZONE\r\nTZID:Tokyo\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700101T000000\r\n"
                 "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+1000\r\nRRULE:FREQ=HOURLY;INTERVAL=2\r\n"
                 "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
                 "BEGIN:VEVENT\r\nUID:z\r\nDTSTART;TZID=Tokyo:20261201T140000\r\n"
                 "DURATION:PT1H\r\nEND:VEVENT\r\n"),
       "line 10: VTIMEZONE \"Tokyo\": RRULE: FREQ=HOURLY is not a time zone rule"},
      {"rdate flood",
       vcalendar("BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20261201T000000Z\r\nDURATION:PT1M\r\n" + rdates +
                 "END:VEVENT\r\n"),
       "line 8: VEVENT \"r\": RDATE: more than 2000 RDATE values"},
      {"never-occurring rules",
       vcalendar(events_with(4, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20261201T050000Z")),
       "more than 3 of them can never occur"},
      {"slow rules", slow_calendar(), "too long"},
  };
  TempDir dir;
  const fs::path data = dir.path() / "data";
  {
    TestDaemon d(clock.tweak(&data));
    const std::int64_t before = d.seq();
    for (const Case& c : cases) {
      SCOPED_TRACE(c.what);
      HttpResult r = put_calendar(d.port(), "s005", c.ics);
      ASSERT_EQ(r.status, 400) << r.body;
      const std::string error = r.json().value("error", "");
      EXPECT_EQ(error.rfind("calendar: line ", 0), 0u) << error;
      EXPECT_NE(error.find(c.says), std::string::npos) << error;
      EXPECT_EQ(error.find("面談"), std::string::npos) << error;  // titles are never echoed
    }
    EXPECT_EQ(d.seq(), before);
    EXPECT_TRUE(calendar_events(d, "s005").empty());
    // A good calendar after all that is taken as usual.
    EXPECT_EQ(put_calendar(d.port(), "s005", kWeeklyInterview).status, 200);
  }
  std::vector<StoredCalendar> stored = open_sqlite_journal(data / "journal.sqlite3")->calendars();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].ics, kWeeklyInterview);
}

// While a calendar that keeps its worker busy for seconds is imported, every /healthz and an
// ingest request are answered within a second (they would wait for the whole evaluation if
// it ran on the I/O thread).
TEST_F(CalendarImportTest, HealthzAndIngestAreAnsweredWhileAHostileImportIsEvaluated) {
  TestDaemon d(clock.tweak());
  std::atomic<bool> done{false};
  HttpResult import;
  std::thread importer([&] {
    import = put_calendar(d.port(), "s001", slow_calendar());
    done = true;
  });
  int answered_during = 0, ingested_during = 0, failed = 0;
  while (!done) {
    HttpResult h = http_request(d.port(), "GET", "/healthz", "", {}, 1000ms);
    if (h.status != 200) ++failed;
    if (h.status == 200 && !done) ++answered_during;
    if (ingested_during == 0 && !done) {
      HttpResult a = http_request(d.port(), "POST", "/v1/availability",
                                  json{{"staff", "s002"}, {"status", "remote"}}.dump(),
                                  bearer(kIngest), 1000ms);
      if (a.status == 200 && !done) ++ingested_during;
      if (a.status != 200) ++failed;
    }
    std::this_thread::sleep_for(50ms);  // pacing only: each request has its own deadline
  }
  importer.join();
  EXPECT_EQ(import.status, 400) << import.body;
  EXPECT_NE(import.body.find("too long"), std::string::npos) << import.body;
  EXPECT_EQ(failed, 0);
  EXPECT_GE(answered_during, 3);
  EXPECT_EQ(ingested_during, 1);
  EXPECT_EQ(d.snapshot().availability_at("s002", clock.model_now()), Availability::remote);
}

// Stored calendars an older build accepted are evaluated in the background: the daemon serves
// at once, the good calendar behind the slow ones is followed when its turn comes, and the
// slow ones are left out.
TEST_F(CalendarImportTest, StartUpWithHostileStoredCalendarsServesAtOnce) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  fs::create_directories(data);
  {
    auto journal = open_sqlite_journal(data / "journal.sqlite3");
    for (const char* staff : {"s001", "s002", "s003"}) {
      journal->put_calendar({staff, slow_calendar(), utc("2026-11-01T00:00:00Z")});
    }
    journal->put_calendar({"s004", kWeeklyInterview, utc("2026-11-01T00:00:00Z")});
  }
  TestDaemon d(clock.tweak(&data));
  HttpResult h = http_request(d.port(), "GET", "/healthz", "", {}, 1000ms);
  EXPECT_EQ(h.status, 200) << h.error;
  HttpResult a =
      http_request(d.port(), "POST", "/v1/availability",
                   json{{"staff", "s009"}, {"status", "remote"}}.dump(), bearer(kIngest), 1000ms);
  EXPECT_EQ(a.status, 200) << a.body;
  // The evaluation of the slow calendars (seconds each) is still going on.
  EXPECT_TRUE(calendar_events(d, "s004").empty());
  std::vector<json> events;
  ASSERT_TRUE(wait_until(
      [&] {
        events = calendar_events(d, "s004");
        return !events.empty();
      },
      30s));
  EXPECT_EQ(events[0]["status"], "meeting");
  EXPECT_EQ(events[0]["until"], "2026-12-01T06:00:00.000Z");
  for (const char* staff : {"s001", "s002", "s003"}) EXPECT_TRUE(calendar_events(d, staff).empty());

  // Calendars are a source (docs/protocol.md "Source health"): three of four are left out,
  // which /healthz says without saying whose.
  json calendar = degraded_calendar_source(d);
  ASSERT_TRUE(calendar.is_object() && calendar.value("state", "") == "degraded")
      << calendar.dump();
  const std::string why = calendar.value("why", "");
  EXPECT_NE(why.find("3 of 4 stored calendars left out"), std::string::npos) << why;
  EXPECT_EQ(why.find("s00"), std::string::npos) << why;
}

// A stored calendar that no longer reads keeps the calendar source failing until it is
// imported again; a town without calendars has no calendar source until its first import.
TEST_F(CalendarImportTest, CalendarsAreASourceThatSaysWhenOneIsLeftOut) {
  {
    TestDaemon d(clock.tweak());
    EXPECT_TRUE(calendar_source(d).is_null()) << calendar_source(d).dump();
    ASSERT_EQ(put_calendar(d.port(), "s001", kWeeklyInterview).status, 200);
    const json calendar = calendar_source(d);
    EXPECT_EQ(calendar.value("state", ""), "ok") << calendar.dump();
    EXPECT_TRUE(calendar.contains("last_ok")) << calendar.dump();
  }
  TempDir dir;
  const fs::path data = dir.path() / "data";
  fs::create_directories(data);
  {
    auto journal = open_sqlite_journal(data / "journal.sqlite3");
    journal->put_calendar({"s001", kWeeklyInterview, utc("2026-11-01T00:00:00Z")});
    journal->put_calendar({"s002",
                           "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
                           "DTSTART:tomorrow\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                           utc("2026-11-01T00:00:00Z")});
  }
  TestDaemon d(clock.tweak(&data));
  json calendar = degraded_calendar_source(d);
  ASSERT_TRUE(calendar.is_object() && calendar.value("state", "") == "degraded")
      << calendar.dump();
  EXPECT_NE(calendar.value("why", "").find("1 of 2 stored calendars left out"), std::string::npos)
      << calendar.dump();
  ASSERT_EQ(put_calendar(d.port(), "s002", kLeaveToday).status, 200);
  calendar = calendar_source(d);
  EXPECT_EQ(calendar.value("state", ""), "ok") << calendar.dump();
  EXPECT_FALSE(calendar.contains("why")) << calendar.dump();
}

// ---- calendars as exporters write them (issue 16) ------------------------------------------

std::string calendar_fixture(const std::string& name) {
  std::ifstream in(std::string(BCP_SOURCE_DIR) + "/tests/calendar/fixtures/" + name,
                   std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(CalendarImportTest, ExporterCalendarsAreTakenWithTheRightStatusAndNoTitleOnTheWall) {
  struct Case {
    const char* fixture;
    const char* now;
    const char* status;  // what the import answers and journals
    std::vector<const char*> titles;
  };
  const Case cases[] = {
      {"google-export.ics", "2026-12-09T03:00:00Z", "leave", {"有給", "通院", "課長会議"}},
      {"apple-calendar.ics", "2026-12-15T03:00:00Z", "trip", {"出張", "札幌", "非公開"}},
      {"outlook-desktop-bom.ics", "2026-12-10T06:30:00Z", "meeting", {"人事評価", "面談"}},
      {"exchange-empty-tzid.ics", "2026-12-08T01:30:00Z", "meeting", {"議会"}},
      {"lotus-notes-rdate-period.ics", "2026-12-15T06:00:00Z", "meeting", {"防災会議"}},
      {"evolution.ics", "2026-12-10T00:30:00Z", "meeting", {"朝会"}},
      {"lightning-mozilla-tzid.ics", "2026-12-11T03:00:00Z", "remote", {"テレワーク"}},
      {"rfc9253-7986-properties.ics", "2026-12-14T05:00:00Z", "meeting", {"避難所"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fixture);
    clock.set(utc(c.now));
    TestDaemon d(clock.tweak());
    HttpResult r = put_calendar(d.port(), "s010", calendar_fixture(c.fixture));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], c.status) << r.body;
    std::vector<json> events = calendar_events(d, "s010");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]["status"], c.status);
    const std::string everything = r.body + d.get("/v1/snapshot", kDisplay).body + events[0].dump();
    for (const char* title : c.titles) {
      EXPECT_EQ(everything.find(title), std::string::npos) << title;
    }
  }
}

// Schema step 1 -> 2 adds the calendars table to a journal written by an older build.
TEST(CalendarJournal, MigratesAVersionOneFileAndReplacesOnPut) {
  TempDir dir;
  const fs::path file = dir.path() / "journal.sqlite3";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                           " at TEXT NOT NULL, received TEXT NOT NULL, body TEXT NOT NULL);"
                           "PRAGMA application_id = 1111707735; PRAGMA user_version = 1;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  {
    auto j = open_sqlite_journal(file);
    EXPECT_TRUE(j->calendars().empty());
    j->put_calendar({"s001", kWeeklyInterview, utc("2026-12-01T00:00:00Z")});
    j->put_calendar({"s002", kLeaveToday, utc("2026-12-01T00:00:01Z")});
    j->put_calendar({"s001", kNothingToday, utc("2026-12-01T00:00:02Z")});
  }
  auto j = open_sqlite_journal(file);
  std::vector<StoredCalendar> stored = j->calendars();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].staff, "s001");
  EXPECT_EQ(stored[0].ics, kNothingToday);
  EXPECT_EQ(stored[0].imported, utc("2026-12-01T00:00:02Z"));
  EXPECT_EQ(stored[1].staff, "s002");
  EXPECT_EQ(stored[1].ics, kLeaveToday);
}

}  // namespace
}  // namespace bcp::daemon::test
