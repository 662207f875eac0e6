// Issue 12, class 12: races between a request's checks and its commit. Requests are
// validated on the I/O thread against the situation, which only holds what was committed;
// many are validated before the first of them commits. The invariants (one open roll call
// of a kind, no answer into a closed one, one alert per operator id) are decided again in
// the commit queue, in journal order, and answered 409 there. Real sockets on 127.0.0.1:
// once with a commit held so the requests certainly line up behind it, then in rounds of
// requests fired together.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <latch>
#include <map>
#include <mutex>
#include <set>

#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"
#include "recording_bot_replies.hpp"
#include "thread_hold.hpp"

namespace bcp::daemon::test {
namespace {

struct Call {
  std::string target;
  std::string body;
  std::string token;  // empty: a LINE WORKS callback, signed
};

std::string request_text(const Call& c) {
  std::string head =
      "POST " + c.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
  if (c.token.empty()) {
    head += "X-WORKS-BotId: " + std::string(kBotId) +
            "\r\nX-WORKS-Signature: " + lineworks_signature(kBotSecret, c.body) + "\r\n";
  } else {
    head += "Authorization: Bearer " + c.token + "\r\n";
  }
  return head + "Content-Length: " + std::to_string(c.body.size()) +
         "\r\nConnection: close\r\n\r\n" + c.body;
}

// Connects every call first, then sends them all at once from their own threads: the
// daemon reads them within microseconds of each other.
std::vector<HttpResult> fire_together(std::uint16_t port, const std::vector<Call>& calls) {
  std::vector<int> fds;
  for (std::size_t i = 0; i < calls.size(); ++i) fds.push_back(connect_raw(port));
  std::vector<HttpResult> results(calls.size());
  std::latch go(static_cast<std::ptrdiff_t>(calls.size()));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    threads.emplace_back([&, i] {
      const std::string text = request_text(calls[i]);
      go.arrive_and_wait();
      if (fds[i] < 0 || !send_all(fds[i], text)) return;
      results[i] = read_response(fds[i], 20s);
    });
  }
  for (auto& t : threads) t.join();
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
  return results;
}

// Holds the next group commit on the committer thread until released (armed by arm()).
using CommitHold = ThreadHold;

// Sends `calls` while a commit is held, waits until the daemon has read every one of them
// (so each was validated against the situation without the held commit), then lets the
// commit go. Returns the held call's answer and the others'.
std::pair<HttpResult, std::vector<HttpResult>> behind_a_held_commit(
    TestDaemon& d, CommitHold& hold, const Call& held, const std::vector<Call>& calls) {
  hold.arm();
  HttpResult first;
  std::thread t([&] {
    int fd = connect_raw(d.port());
    if (fd >= 0 && send_all(fd, request_text(held))) first = read_response(fd, 20s);
    if (fd >= 0) ::close(fd);
  });
  std::vector<HttpResult> rest;
  if (hold.wait_entered()) {
    // Every /metrics request counts itself in bcp_http_requests_total; it is served by the
    // same I/O thread, after the handlers of the calls read before it.
    const double read_before = d.metric("bcp_http_requests_total");
    std::thread others([&] { rest = fire_together(d.port(), calls); });
    double polls = 0;
    EXPECT_TRUE(wait_until(
        [&] {
          ++polls;
          return d.metric("bcp_http_requests_total") - polls >= read_before + double(calls.size());
        },
        20s));
    hold.release();
    others.join();
  } else {
    ADD_FAILURE() << "the held commit never started";
    hold.release();
  }
  t.join();
  return {first, rest};
}

Call start_call(bool drill, const std::string& id = "") {
  json body = {{"title", drill ? "訓練 安否確認" : "地震 安否確認"}, {"drill", drill}};
  if (!id.empty()) body["rollcall"] = id;
  return {"/v1/rollcalls", body.dump(), kOperator};
}
Call checkin_call(const std::string& rollcall, const std::string& staff,
                  const std::string& safety) {
  return {"/v1/rollcalls/" + rollcall + "/checkins",
          json({{"staff", staff}, {"safety", safety}, {"can_work", "no"}}).dump(), kIngest};
}
Call close_call(const std::string& rollcall) {
  return {"/v1/rollcalls/" + rollcall + "/close", "{}", kOperator};
}
// A LINE WORKS button answer for the one open roll call; `nonce` makes each body unique
// (the same body twice is a replay).
Call lineworks_answer(const std::string& staff, const std::string& safety,
                      const std::string& nonce) {
  json body = {{"type", "postback"},
               {"source", {{"userId", "lw-" + staff}, {"domainId", 1}}},
               {"issuedTime", "2026-11-24T05:16:05." + nonce + "Z"},
               {"data", "anpi=" + safety + "&work=no"}};
  return {"/callback/lineworks", body.dump(), ""};
}

std::string staff_id(int n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "s%03d", n);
  return buf;
}

const char* const kSafeties[] = {"serious_injury", "minor_injury", "needs_help", "safe"};

std::vector<json> events_since(const TestDaemon& d, std::int64_t since) { return d.events(since); }

// The rounds below send more writes a minute than a token's default rate limit allows.
void without_rate_limit(config::TownConfig& town) { town.rate_limit = {0, 1}; }

// ---------------------------------------------------------------------------------------

TEST(CommitOrder, StartsQueuedBehindAHeldStartAreRefused) {
  CommitHold hold;
  TestDaemon d([&](DaemonOptions& o) { o.before_commit = hold.hook(); });
  auto [first, rest] = behind_a_held_commit(d, hold, start_call(false, "rc-first"),
                                            {start_call(false), start_call(false, "rc-third"),
                                             start_call(true, "rc-first"), start_call(true)});
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(rest.size(), 4u);
  // Each was validated while rc-first was only in the queue, so only the commit knew.
  EXPECT_EQ(rest[0].status, 409) << rest[0].body;
  EXPECT_NE(rest[0].body.find("an actual roll call is open already: \\\"rc-first\\\""),
            std::string::npos)
      << rest[0].body;
  EXPECT_EQ(rest[1].status, 409) << rest[1].body;
  EXPECT_EQ(rest[2].status, 409) << rest[2].body;  // the id is taken (by an actual one)
  EXPECT_NE(rest[2].body.find("exists already"), std::string::npos) << rest[2].body;
  EXPECT_EQ(rest[3].status, 201) << rest[3].body;  // a drill one may be open beside it

  model::Situation s = d.snapshot();
  EXPECT_EQ(s.rollcalls.size(), 2u);
  int started = 0;
  for (const json& e : d.events()) started += e["type"] == "rollcall.started";
  EXPECT_EQ(started, 2);
  EXPECT_EQ(d.refused("conflict"), 3);
}

TEST(CommitOrder, CheckinsQueuedBehindAHeldCloseAreRefusedOrKeptAsNotices) {
  CommitHold hold;
  RecordingBotReplies bot;
  TestDaemon d([&](DaemonOptions& o) {
    o.before_commit = hold.hook();
    o.bot_replies = &bot;
  });
  HttpResult r = d.post("/v1/rollcalls", start_call(false).body, bearer(kOperator));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["rollcall"];
  const std::int64_t before_close = d.seq();

  auto [closed, rest] = behind_a_held_commit(
      d, hold, close_call(id),
      {checkin_call(id, "s001", "serious_injury"), checkin_call("current", "s002", "needs_help"),
       checkin_call(id, "s003", "safe"), lineworks_answer("s004", "serious_injury", "001"),
       lineworks_answer("s005", "minor_injury", "002"), close_call(id)});
  ASSERT_EQ(closed.status, 200) << closed.body;
  ASSERT_EQ(rest.size(), 6u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rest[i].status, 409) << i << ": " << rest[i].body;
    EXPECT_NE(rest[i].body.find("is closed"), std::string::npos) << rest[i].body;
  }
  // LINE WORKS gets 200 and its answers are kept, as notices (there is no roll call left).
  EXPECT_EQ(rest[3].status, 200) << rest[3].body;
  EXPECT_EQ(rest[4].status, 200) << rest[4].body;
  EXPECT_EQ(rest[5].status, 409) << rest[5].body;  // closed twice

  std::vector<json> events = events_since(d, before_close);
  ASSERT_EQ(events.size(), 3u);  // the close and two notices, nothing else
  EXPECT_EQ(events[0]["type"], "rollcall.closed");
  std::set<std::string> notices;
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["type"], "notice");
    notices.insert(events[i]["text"].get<std::string>());
  }
  const auto name = [](const std::string& staff) { return sample_town().find_staff(staff)->name; };
  EXPECT_EQ(notices, (std::set<std::string>{
                         "安否回答（対象の点呼なし）: " + name("s004") +
                             " — serious_injury, 出勤 no（終了した点呼「地震 安否確認」への回答）",
                         "安否回答（対象の点呼なし）: " + name("s005") +
                             " — minor_injury, 出勤 no（終了した点呼「地震 安否確認」への回答）"}));
  EXPECT_EQ(d.snapshot().rollcalls.at(id).total.answered, 0u);
  // Validated while the roll call was open, refused at the commit: the bot tells each of them
  // that the roll call they answered is closed.
  std::vector<NotCountedReply> told = bot.replies();
  std::sort(told.begin(), told.end(),
            [](const NotCountedReply& a, const NotCountedReply& b) { return a.staff < b.staff; });
  EXPECT_EQ(told, (std::vector<NotCountedReply>{
                      {"lw-s004", "s004", id, AnswerProblem::rollcall_closed},
                      {"lw-s005", "s005", id, AnswerProblem::rollcall_closed}}));
}

TEST(CommitOrder, OperatorAlertsWithOneIdQueuedBehindEachOtherRaiseOne) {
  CommitHold hold;
  TestDaemon d([&](DaemonOptions& o) { o.before_commit = hold.hook(); });
  const std::string body =
      json({{"alert", "bear-1"}, {"kind", "bear"}, {"severity", "warning"}, {"title", "クマ出没"}})
          .dump();
  auto [first, rest] =
      behind_a_held_commit(d, hold, {"/v1/alerts", body, kOperator},
                           {{"/v1/alerts", body, kOperator}, {"/v1/alerts", body, kOperator}});
  EXPECT_EQ(first.status, 201) << first.body;
  for (const HttpResult& r : rest) {
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("alert \\\"bear-1\\\" exists already"), std::string::npos) << r.body;
  }
  EXPECT_EQ(d.seq(), 1);
}

// Rounds of starts fired together: whatever order they arrive in, exactly one of each kind
// opens, and the journal never holds two open roll calls of a kind.
TEST(CommitOrder, ConcurrentStartsOpenExactlyOneRollcallOfAKind) {
  TestDaemon d({}, without_rate_limit);
  constexpr int kRounds = 50;
  constexpr int kPerKind = 3;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<Call> calls;
    for (int i = 0; i < kPerKind; ++i) {
      calls.push_back(start_call(false));
      calls.push_back(start_call(true));
    }
    std::vector<HttpResult> got = fire_together(d.port(), calls);
    std::map<bool, std::vector<std::string>> opened;
    for (std::size_t i = 0; i < got.size(); ++i) {
      const bool drill = i % 2 == 1;
      if (got[i].status == 201) {
        opened[drill].push_back(got[i].json()["rollcall"]);
      } else {
        ASSERT_EQ(got[i].status, 409) << "round " << round << ": " << got[i].body;
        EXPECT_NE(got[i].body.find(drill ? "a drill roll call is open already"
                                         : "an actual roll call is open already"),
                  std::string::npos)
            << got[i].body;
      }
    }
    ASSERT_EQ(opened[false].size(), 1u) << "round " << round;
    ASSERT_EQ(opened[true].size(), 1u) << "round " << round;
    for (bool drill : {false, true}) {
      HttpResult c =
          d.post("/v1/rollcalls/" + opened[drill].front() + "/close", "{}", bearer(kOperator));
      ASSERT_EQ(c.status, 200) << c.body;
    }
  }
  // The journal, in order: never a second open roll call of a kind.
  std::map<std::string, bool> open_kind;
  std::set<std::string> open;
  int started = 0;
  for (const json& e : d.events()) {
    if (e["type"] == "rollcall.started") {
      const bool drill = e["drill"];
      for (const std::string& id : open)
        ASSERT_NE(open_kind[id], drill) << "two open at seq " << e["seq"];
      open.insert(e["rollcall"]);
      open_kind[e["rollcall"]] = drill;
      ++started;
    } else if (e["type"] == "rollcall.closed") {
      open.erase(e["rollcall"]);
    }
  }
  EXPECT_EQ(started, 2 * kRounds);
  EXPECT_EQ(d.snapshot().rollcalls.size(), std::size_t(2 * kRounds));
}

// Rounds of answers fired together with the close, through the API and LINE WORKS: every
// 200'd API answer is counted in the closed roll call's report, every refused one got 409
// and is not stored, and every LINE WORKS answer is either counted or kept as a notice.
TEST(CommitOrder, CheckinsRacingTheCloseAreCountedOrRefusedNeverLost) {
  TestDaemon d({}, without_rate_limit);
  constexpr int kRounds = 50;
  constexpr int kApi = 6;
  constexpr int kLineworks = 3;
  int counted = 0, refused = 0, noticed = 0;
  for (int round = 0; round < kRounds; ++round) {
    HttpResult r = d.post("/v1/rollcalls", start_call(false).body, bearer(kOperator));
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string id = r.json()["rollcall"];
    const std::int64_t start_seq = r.json()["seq"];

    std::vector<Call> calls;
    std::vector<std::string> who;
    for (int i = 0; i < kApi + kLineworks; ++i) {
      const std::string staff = staff_id(1 + (round * 9 + i) % 120);
      const char* safety = kSafeties[(round + i) % 4];
      who.push_back(staff);
      if (i < kApi) {
        calls.push_back(checkin_call(i % 2 ? "current" : id, staff, safety));
      } else {
        char nonce[8];
        std::snprintf(nonce, sizeof nonce, "%03d", (round * 9 + i) % 1000);
        calls.push_back(lineworks_answer(staff, safety, nonce));
      }
      // The close goes in the middle of the answers.
      if (i == (kApi + kLineworks) / 2) {
        calls.push_back(close_call(id));
        who.push_back("");
      }
    }
    std::vector<HttpResult> got = fire_together(d.port(), calls);

    HttpResult report = d.get("/v1/rollcalls/" + id + "/report", kOperator);
    ASSERT_EQ(report.status, 200) << report.body;
    const json rep = report.json();
    ASSERT_EQ(rep["open"], false) << "round " << round;
    std::map<std::string, std::string> answered;  // staff -> safety in the report
    for (const json& p : rep["people"]) {
      if (p["answered"] == true) answered[p["staff"]] = p["safety"];
    }
    std::multiset<std::string> checkin_events, notice_texts;
    for (const json& e : events_since(d, start_seq)) {
      if (e["type"] == "rollcall.checkin") checkin_events.insert(e["staff"].get<std::string>());
      if (e["type"] == "notice") notice_texts.insert(e["text"].get<std::string>());
    }
    int lineworks_seen = 0;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const std::string& staff = who[i];
      if (staff.empty()) {
        ASSERT_EQ(got[i].status, 200) << "the close, round " << round << ": " << got[i].body;
        continue;
      }
      const json body = json::parse(calls[i].body);
      const bool via_lineworks = calls[i].token.empty();
      const std::string safety = via_lineworks
                                     ? body["data"].get<std::string>().substr(
                                           5, body["data"].get<std::string>().find('&') - 5)
                                     : body["safety"].get<std::string>();
      if (via_lineworks) {
        ASSERT_EQ(got[i].status, 200) << "round " << round << ": " << got[i].body;
        ++lineworks_seen;
        if (answered.count(staff)) {
          EXPECT_EQ(answered[staff], safety) << staff;
          ++counted;
        } else {
          // Refused at the commit (the roll call closed) or admitted after the close (none
          // open): the notice says which, after the answer.
          const std::string text =
              "安否回答（対象の点呼なし）: " + sample_town().find_staff(staff)->name + " — " +
              safety + ", 出勤 no（";
          EXPECT_EQ(std::count_if(notice_texts.begin(), notice_texts.end(),
                                  [&](const std::string& t) { return t.starts_with(text); }),
                    1)
              << "round " << round << ": the answer of " << staff << " was lost";
          ++noticed;
        }
      } else if (got[i].status == 200) {
        ASSERT_TRUE(answered.count(staff))
            << "round " << round << ": " << staff << " got 200 but is not counted";
        EXPECT_EQ(answered[staff], safety) << staff;
        ++counted;
      } else {
        // 409 when the close was committed first; 404 for `current` read after it.
        const bool current = calls[i].target.find("/current/") != std::string::npos;
        ASSERT_TRUE(got[i].status == 409 || (current && got[i].status == 404))
            << "round " << round << ": " << got[i].status << " " << got[i].body;
        EXPECT_EQ(answered.count(staff), 0u) << staff;
        EXPECT_EQ(checkin_events.count(staff), 0u)
            << "round " << round << ": refused but stored: " << staff;
        ++refused;
      }
    }
    EXPECT_EQ(lineworks_seen, kLineworks);
    // Nothing counted that nobody was told about: one stored answer per counted person.
    EXPECT_EQ(checkin_events.size(), answered.size()) << "round " << round;
  }
  std::printf("[ info     ] %d rounds: %d answers counted, %d refused (409), %d kept as notices\n",
              kRounds, counted, refused, noticed);
}

}  // namespace
}  // namespace bcp::daemon::test
