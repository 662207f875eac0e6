// Staff calendars read from LINE WORKS (calendars.source "lineworks"), end to end: a real
// bcp-feedd reads each mapped person's calendar from the stand-in tenant through the bot's API
// client, journals `staff.availability` (source calendar) only on change and never a title,
// keeps the last known state when the API fails (the "calendar" source shows it), and keeps
// to the rate limit it shares with the bot's messages.
#include <gtest/gtest.h>

#include <cstdio>

#include "bcp/model/codec.hpp"
#include "bot_test_support.hpp"

namespace bcp::daemon::test {
namespace {

using tools::LineWorksTenant;
using Clock = std::chrono::system_clock;

// The three people whose calendars are read (all in 総務課); nobody else has a LINE WORKS
// account in these tests, so a round is three reads.
const std::vector<std::string> kPeople = {"s001", "s002", "s003"};

// `t` in JST as LINE WORKS writes a dateTime ("2026-12-03T10:00:00", with timeZone).
std::string jst(Clock::time_point t) {
  const std::time_t s = Clock::to_time_t(t + std::chrono::hours(9));
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}
std::string jst_date(Clock::time_point t) { return jst(t).substr(0, 10); }

json timed(const std::string& summary, Clock::time_point from, Clock::time_point to) {
  return {{"eventId", "ev-" + summary},
          {"summary", summary},
          {"description", "議事: 極秘の内容"},
          {"location", "第二会議室"},
          {"start", {{"dateTime", jst(from)}, {"timeZone", "Asia/Tokyo"}}},
          {"end", {{"dateTime", jst(to)}, {"timeZone", "Asia/Tokyo"}}}};
}
json calendar_of(std::vector<json> components) {
  json events = json::array();
  for (json& c : components) events.push_back({{"eventComponents", json::array({c})}});
  return {{"events", events}};
}

class LineWorksCalendarsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto now = Clock::now();
    tenant_.set_calendar("lw-s001", calendar_of({timed("極秘会議 人事", now - 30min, now + 2h)}));
    json leave = {{"summary", "年次休暇"},
                  {"start", {{"date", jst_date(now)}}},
                  {"end", {{"date", jst_date(now + 24h)}}}};
    tenant_.set_calendar("lw-s002", calendar_of({leave}));
    tenant_.set_calendar("lw-s003", calendar_of({timed("出張 県庁", now - 1h, now + 3h)}));
  }
  void start(int per_minute = 60'000, std::chrono::milliseconds period = 400ms) {
    daemon_.emplace(
        [period](DaemonOptions& o) {
          o.lineworks_client = fast_client();
          o.calendar_poll_period = period;
        },
        [&, per_minute](config::TownConfig& town) {
          speak_to(town, tenant_, {}, per_minute);
          town.calendars.source = config::Calendars::Source::lineworks;
          for (config::Staff& s : town.staff) {
            if (std::find(kPeople.begin(), kPeople.end(), s.id) == kPeople.end())
              s.lineworks_user.reset();
          }
        });
  }
  std::optional<model::Availability> calendar_status(const std::string& staff) {
    const model::Situation s = daemon_->snapshot();
    auto it = s.staff.find(staff);
    if (it == s.staff.end() || !it->second.calendar) return std::nullopt;
    return it->second.calendar->status;
  }
  bool wait_statuses(std::vector<std::optional<model::Availability>> want,
                     std::chrono::milliseconds timeout = 20s) {
    return wait_until(
        [&] {
          for (std::size_t i = 0; i < kPeople.size(); ++i)
            if (calendar_status(kPeople[i]) != want[i]) return false;
          return true;
        },
        timeout);
  }
  std::vector<json> availability_events() {
    std::vector<json> out;
    for (const json& e : daemon_->events())
      if (e.value("type", "") == "staff.availability") out.push_back(e);
    return out;
  }
  std::size_t answered_reads(int status = 200) {
    std::size_t n = 0;
    for (const auto& r : tenant_.calendar_requests()) n += r.status == status;
    return n;
  }
  std::string calendar_state() {
    HttpResult h = daemon_->get("/healthz");
    if (h.status != 200) return "";
    const json j = h.json();
    if (!j.contains("sources") || !j["sources"].contains("calendar")) return "";
    return j["sources"]["calendar"].value("state", "");
  }

  LineWorksTenant tenant_{sample_tenant_settings()};
  std::optional<TestDaemon> daemon_;
};

const std::vector<std::optional<model::Availability>> kFirstStates = {
    model::Availability::meeting, model::Availability::leave, model::Availability::trip};

TEST_F(LineWorksCalendarsE2E, ThePollJournalsEachPersonsStatusAndNoTitleAnywhere) {
  start();
  ASSERT_TRUE(wait_statuses(kFirstStates)) << "reads: " << tenant_.calendar_requests().size();
  for (const json& e : availability_events())
    EXPECT_EQ(e.value("source", ""), "calendar") << e.dump();

  // Asked as LINE WORKS wants it (the tenant answered 200, so both times were well-formed and
  // the window at most 31 days), with a token that has calendar.read.
  const auto reads = tenant_.calendar_requests();
  ASSERT_FALSE(reads.empty());
  EXPECT_EQ(reads.front().status, 200) << reads.front().error;
  EXPECT_EQ(reads.front().from.substr(19), "+09:00");
  std::set<std::string> users;
  for (const auto& r : reads) users.insert(r.user);
  EXPECT_EQ(users, (std::set<std::string>{"lw-s001", "lw-s002", "lw-s003"}));

  std::string everything;
  for (const json& e : daemon_->events()) everything += e.dump() + "\n";
  everything += daemon_->get("/v1/snapshot", kOperator).body;
  for (const char* secret : {"極秘", "人事", "年次休暇", "県庁", "第二会議室", "議事"})
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret << " reached the journal";
}

TEST_F(LineWorksCalendarsE2E, AnUnchangedCalendarJournalsNothingOnTheNextPolls) {
  start();
  ASSERT_TRUE(wait_statuses(kFirstStates));
  const std::size_t first = availability_events().size();
  EXPECT_EQ(first, 3u);
  // Two more full rounds of unchanged answers...
  const std::size_t seen = answered_reads();
  ASSERT_TRUE(wait_until([&] { return answered_reads() >= seen + 6; }, 20s));
  // ...then one change, which the single evaluation thread takes after every earlier answer:
  // once it is journaled, the unchanged rounds before it have been evaluated too.
  tenant_.set_calendar("lw-s001", calendar_of({}));
  ASSERT_TRUE(wait_statuses(
      {model::Availability::unknown, model::Availability::leave, model::Availability::trip}));
  const auto events = availability_events();
  ASSERT_EQ(events.size(), first + 1) << "unchanged calendars journaled something";
  EXPECT_EQ(events.back().value("staff", ""), "s001");
}

TEST_F(LineWorksCalendarsE2E, AFailingApiKeepsTheLastStateAndMarksTheSource) {
  start();
  ASSERT_TRUE(wait_statuses(kFirstStates));
  ASSERT_TRUE(wait_until([&] { return calendar_state() == "ok"; }, 10s)) << calendar_state();
  const std::size_t events = availability_events().size();
  // Every read for a while answers 503 (the client retries each up to 4 times): the meeting
  // ends meanwhile in LINE WORKS, but nobody can know.
  tenant_.set_calendar("lw-s001", calendar_of({}));
  tenant_.answer_next(24, 503, R"({"code":"SERVICE_UNAVAILABLE"})");
  ASSERT_TRUE(wait_until(
      [&] {
        const std::string s = calendar_state();
        return s == "degraded" || s == "failing";
      },
      20s))
      << calendar_state();
  EXPECT_EQ(calendar_status("s001"), model::Availability::meeting) << "the last known state";
  EXPECT_EQ(availability_events().size(), events);
  // The API answers again: the new state, and the source is ok.
  ASSERT_TRUE(wait_statuses(
      {model::Availability::unknown, model::Availability::leave, model::Availability::trip}));
  EXPECT_TRUE(wait_until([&] { return calendar_state() == "ok"; }, 20s)) << calendar_state();

  // Garbage instead of JSON is a failed read too: the state stays.
  tenant_.set_calendar("lw-s002", json("<html>maintenance</html>"));
  ASSERT_TRUE(wait_until([&] { return calendar_state() == "degraded"; }, 20s)) << calendar_state();
  EXPECT_EQ(calendar_status("s002"), model::Availability::leave);
}

TEST_F(LineWorksCalendarsE2E, ReadsAndTheBotsMessagesTogetherKeepToTheRateLimit) {
  // 300 a minute: one request every 200 ms for messages and reads together, 5 a second; the
  // tenant refuses a 7th in any second. Paced apart, the reads (one every 400 ms, half the
  // rate) and the roll call's four messages (one every 200 ms) would make 7 or 8 in a second.
  tenant_.set_rate_limit(6, 1s);
  start(300, 300ms);
  ASSERT_TRUE(wait_statuses(kFirstStates));
  HttpResult r = daemon_->post_json(
      "/v1/rollcalls", {{"title", "地震 安否確認"}, {"drill", true}, {"departments", {"soumu"}}},
      kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  // Three questions and the announcement in hq, among the reads.
  ASSERT_TRUE(tenant_.wait_for([](const Requests& m) { return m.size() >= 4; }, 20s));
  const std::size_t seen = answered_reads();
  ASSERT_TRUE(wait_until([&] { return answered_reads() >= seen + 6; }, 20s));
  for (const auto& m : tenant_.message_requests()) EXPECT_EQ(m.status, 201) << m.error;
  for (const auto& c : tenant_.calendar_requests())
    EXPECT_NE(c.status, 429) << "a read over the limit";
}

}  // namespace
}  // namespace bcp::daemon::test
