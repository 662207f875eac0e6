// The roll call's distribution through the town's bot, against a stand-in tenant on loopback
// that checks what LINE WORKS checks (the JWT's signature, the message bodies, its rate
// limit): who gets the question, who is reminded, how errors of LINE WORKS are lived with.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>

#include "bcp/model/codec.hpp"
#include "bot_test_support.hpp"

namespace bcp::daemon::test {
namespace {

using tools::LineWorksTenant;

class Distribution : public ::testing::Test {
 protected:
  void start(std::vector<int> reminders = {}, int per_minute = 60'000,
             TestDaemon::TownTweak more = {}, TestDaemon::Tweak options = {}) {
    daemon_.emplace(
        [options](DaemonOptions& o) {
          o.lineworks_client = fast_client();
          o.reminder_second = std::chrono::milliseconds(250);
          if (options) options(o);
        },
        [&, reminders, per_minute, more](config::TownConfig& town) {
          speak_to(town, tenant_, reminders, per_minute);
          if (more) more(town);
        });
  }
  std::string start_rollcall(const json& body) {
    HttpResult r = daemon_->post_json("/v1/rollcalls", body, kOperator);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().value("rollcall", "");
  }
  bool wait_requests(const std::function<bool(const Requests&)>& done,
                     std::chrono::milliseconds timeout = 20s) {
    return tenant_.wait_for(done, timeout);
  }

  LineWorksTenant tenant_{sample_tenant_settings()};
  std::optional<TestDaemon> daemon_;
};

TEST_F(Distribution, EveryReachablePersonInScopeGetsTheQuestionAndNobodyElse) {
  // s001 (総務課) has no LINE WORKS account: in scope, but not reachable by the bot.
  start({}, 60'000, [](config::TownConfig& town) {
    for (config::Staff& s : town.staff) {
      if (s.id == "s001") s.lineworks_user.reset();
    }
  });
  const std::string rc =
      start_rollcall({{"title", "地震 安否確認"}, {"drill", true}, {"departments", {"soumu"}}});
  const std::set<std::string> expected = reachable_users("soumu", {"s001"});
  ASSERT_GT(expected.size(), 3u);
  ASSERT_TRUE(wait_requests([&](const Requests& r) {
    return distinct(delivered_to(r, is_question)).size() == expected.size() &&
           delivered_to(
               r, [](const json&) { return true; }, "channels")
                   .size() == 1;
  })) << "delivered: "
      << tenant_.delivered().size();

  const Requests requests = tenant_.message_requests();
  const auto questions = delivered_to(requests, is_question);
  EXPECT_EQ(distinct(questions), expected);
  EXPECT_EQ(questions.size(), expected.size()) << "nobody is asked twice";
  for (const auto& r : requests) {
    if (r.kind != "users") continue;
    EXPECT_EQ(text_of(r.content).rfind("【訓練】", 0), 0u)
        << "a drill says so first: " << text_of(r.content);
    ASSERT_TRUE(r.content.contains("actions"));
    std::set<std::string> safeties;
    for (const json& action : r.content["actions"]) {
      EXPECT_EQ(action.value("type", ""), "message") << "a button template takes message actions";
      auto answer = lineworks::parse_answer_data(action.value("postback", ""));
      ASSERT_TRUE(answer.has_value()) << action.dump();
      EXPECT_EQ(answer->rollcall, rc);
      safeties.insert(std::string(model::to_string(answer->safety)));
    }
    EXPECT_EQ(safeties,
              (std::set<std::string>{"safe", "minor_injury", "serious_injury", "needs_help"}));
  }
  // The announce room (hq → ch-hq) hears the start, with who the bot cannot reach.
  const auto rooms = delivered_to(
      requests, [](const json&) { return true; }, "channels");
  EXPECT_EQ(rooms, (std::multiset<std::string>{"ch-hq"}));
  for (const auto& r : requests) {
    if (r.kind == "channels") {
      EXPECT_NE(text_of(r.content).find("LINE WORKS なし 1 人"), std::string::npos)
          << text_of(r.content);
    }
  }
  ASSERT_TRUE(wait_until(
      [&] {
        return daemon_->metric("bcp_distribution_queued") == 0 &&
               daemon_->metric("bcp_distribution_in_flight") == 0;
      },
      10s));
  EXPECT_EQ(daemon_->metric("bcp_distribution_sent_total"),
            static_cast<double>(expected.size() + 1));
  EXPECT_EQ(daemon_->metric("bcp_distribution_failed_total"), 0);
}

TEST_F(Distribution, RemindersGoOnlyToThoseWhoHaveNotAnswered) {
  // The first reminder 8 × 250 ms after the start: the check-ins below come well before it.
  start({8, 12});
  const std::string rc = start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  const std::set<std::string> asked = reachable_users("soumu");
  std::set<std::string> answered_users;
  for (const char* staff : {"s002", "s003", "s004"}) {
    HttpResult r =
        daemon_->post_json("/v1/rollcalls/" + rc + "/checkins",
                           {{"staff", staff}, {"safety", "safe"}, {"can_work", "yes"}}, kIngest);
    ASSERT_EQ(r.status, 200) << r.body;
    answered_users.insert(*sample_town().find_staff(staff)->lineworks_user);
  }
  std::set<std::string> silent;
  std::set_difference(asked.begin(), asked.end(), answered_users.begin(), answered_users.end(),
                      std::inserter(silent, silent.end()));
  // Both marks pass: each silent person is reminded twice, the others never.
  ASSERT_TRUE(wait_requests([&](const Requests& r) {
    return delivered_to(r, is_reminder).size() == 2 * silent.size();
  })) << "reminders: "
      << delivered_to(tenant_.message_requests(), is_reminder).size();
  const auto reminders = delivered_to(tenant_.message_requests(), is_reminder);
  EXPECT_EQ(distinct(reminders), silent);
  for (const std::string& user : silent) EXPECT_EQ(reminders.count(user), 2u) << user;
  for (const auto& r : tenant_.message_requests()) {
    if (is_reminder(r.content)) {
      const std::string text = text_of(r.content);
      EXPECT_TRUE(text.find("【再送 1】") != std::string::npos ||
                  text.find("【再送 2】") != std::string::npos)
          << text;
    }
  }
}

TEST_F(Distribution, AClosedRollCallRemindsNobodyAndTheRoomHearsTheCount) {
  start({8});
  const std::string rc = start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  ASSERT_EQ(
      daemon_
          ->post_json("/v1/rollcalls/" + rc + "/checkins",
                      {{"staff", "s002"}, {"safety", "minor_injury"}, {"can_work", "unknown"}},
                      kIngest)
          .status,
      200);
  ASSERT_TRUE(wait_requests([&](const Requests& r) {
    return distinct(delivered_to(r, is_question)).size() == reachable_users("soumu").size() - 1;
  })) << "s002 answered before the bot reached them: not asked";
  ASSERT_EQ(daemon_->post_json("/v1/rollcalls/" + rc + "/close", json::object(), kOperator).status,
            200);
  ASSERT_TRUE(wait_requests([&](const Requests& r) {
    return delivered_to(
               r, [](const json&) { return true; }, "channels")
               .size() == 2;
  }));
  std::string close_text;
  for (const auto& r : tenant_.message_requests()) {
    if (r.kind == "channels" && text_of(r.content).find("締め切りました") != std::string::npos)
      close_text = text_of(r.content);
  }
  EXPECT_NE(close_text.find("回答 1/"), std::string::npos) << close_text;
  EXPECT_NE(close_text.find("軽傷 1"), std::string::npos) << close_text;
  // Past the reminder mark (2 s) nothing more goes out.
  std::this_thread::sleep_for(2500ms);
  EXPECT_TRUE(delivered_to(tenant_.message_requests(), is_reminder).empty());
}

TEST_F(Distribution, AnExpiredTokenIsRenewedOnceAndNothingIsLost) {
  start({}, 600);  // 100 ms apart: the expiry lands mid-distribution
  start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  ASSERT_TRUE(
      wait_requests([](const Requests& r) { return !r.empty() && r.front().status == 201; }));
  tenant_.expire_tokens();
  const std::set<std::string> expected = reachable_users("soumu");
  ASSERT_TRUE(wait_requests(
      [&](const Requests& r) { return distinct(delivered_to(r, is_question)) == expected; }));
  int refused = 0;
  for (const auto& r : tenant_.message_requests()) refused += r.status == 401;
  EXPECT_GE(refused, 1) << "the expiry was seen";
  int issued = 0;
  for (const auto& t : tenant_.token_requests()) issued += t.status == 200;
  EXPECT_EQ(issued, 2) << "one token, then one renewal";
}

TEST_F(Distribution, A429IsWaitedOutForItsResetAndRetried) {
  tenant_.rate_limit_next(2, 1);
  start();
  start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  const std::set<std::string> expected = reachable_users("soumu");
  ASSERT_TRUE(wait_requests(
      [&](const Requests& r) { return distinct(delivered_to(r, is_question)) == expected; }));
  const Requests requests = tenant_.message_requests();
  auto limited =
      std::find_if(requests.begin(), requests.end(), [](const auto& r) { return r.status == 429; });
  ASSERT_NE(limited, requests.end());
  // rateLimit-reset: 1 s. Nothing is asked of the tenant before it has passed.
  for (auto it = std::next(limited); it != requests.end(); ++it) {
    if (it->status == 429) continue;
    EXPECT_GE(it->at - limited->at, 900ms) << "the client waited out the reset";
  }
  EXPECT_TRUE(
      wait_until([&] { return daemon_->metric("bcp_distribution_rate_limited_total") >= 2; }, 10s));
  EXPECT_EQ(delivered_to(requests, is_question).size(), expected.size()) << "each exactly once";
}

TEST_F(Distribution, ServerErrorsAndTimeoutsAreRetriedUntilDelivered) {
  tenant_.answer_next(2, 500);
  tenant_.hang_next(1);
  start({}, 60'000, {}, [](DaemonOptions& o) { o.lineworks_client->timeout = 400ms; });
  start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  const std::set<std::string> expected = reachable_users("soumu");
  ASSERT_TRUE(wait_requests(
      [&](const Requests& r) { return distinct(delivered_to(r, is_question)) == expected; }));
  int errors = 0, hung = 0;
  for (const auto& r : tenant_.message_requests()) {
    errors += r.status == 500;
    hung += r.status == 0;
  }
  EXPECT_EQ(errors, 2);
  EXPECT_EQ(hung, 1);
  EXPECT_EQ(delivered_to(tenant_.message_requests(), is_question).size(), expected.size());
  EXPECT_TRUE(
      wait_until([&] { return daemon_->metric("bcp_distribution_retries_total") >= 3; }, 10s))
      << daemon_->metric("bcp_distribution_retries_total");
}

TEST_F(Distribution, ADeadTenantNeverDelaysTheTalk) {
  tenant_.hang_next(100'000);  // LINE WORKS takes every request and never answers
  start({}, 60'000, {}, [](DaemonOptions& o) { o.lineworks_client->timeout = 30s; });
  start_rollcall({{"title", "安否確認"}});
  // The bot's sends are stuck in LINE WORKS ...
  ASSERT_TRUE(wait_requests([](const Requests& r) { return r.size() >= 2; }));
  // ... and the talk is answered as ever, every message, while they stay stuck.
  for (int i = 0; i < 20; ++i) {
    HttpResult r = daemon_->post_json(
        "/v1/talk",
        {{"group", "hq"}, {"sender", {{"id", "s001"}}}, {"text", "本部 " + std::to_string(i)}},
        kIngest);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  for (const auto& r : tenant_.message_requests()) EXPECT_EQ(r.status, 0) << "still hung";
  EXPECT_GE(daemon_->metric("bcp_distribution_in_flight"), 1);
  EXPECT_EQ(daemon_->metric("bcp_distribution_sent_total"), 0);
}

TEST_F(Distribution, ARestartResumesWithoutAskingAnyoneTwice) {
  start({}, 600);  // 100 ms apart: the restart lands mid-distribution
  start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  ASSERT_TRUE(wait_requests([](const Requests& r) { return r.size() >= 4; }));
  daemon_->restart();
  const std::set<std::string> expected = reachable_users("soumu");
  ASSERT_TRUE(wait_requests(
      [&](const Requests& r) { return distinct(delivered_to(r, is_question)) == expected; }));
  const auto questions = delivered_to(tenant_.message_requests(), is_question);
  // A graceful stop abandons at most the sends in flight (the outbox's window of 4).
  EXPECT_LE(questions.size(), expected.size() + 4);
  EXPECT_EQ(delivered_to(
                tenant_.message_requests(), [](const json&) { return true; }, "channels")
                .size(),
            1u)
      << "the start is announced once";
}

TEST_F(Distribution, AStopDoesNotWaitForTheNextReminderMark) {
  start({1200});  // the first reminder 5 minutes away (1200 × 250 ms)
  start_rollcall({{"title", "安否確認"}, {"departments", {"soumu"}}});
  auto stopped = std::async(std::launch::async, [&] { daemon_->stop(); });
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready)
      << "a pending reminder held the daemon";
}

TEST_F(Distribution, ARollCallCommittedWhileTheDaemonStopsArmsNoReminder) {
  // The roll call's commit is held on the committer thread until stop() has begun (the
  // listener closed, the timers cancelled); it lands afterwards and must not arm a reminder
  // an hour away that would keep the I/O thread running. A JMA bulletin raising a roll call
  // just before SIGTERM did this.
  std::mutex mu;
  std::condition_variable cv;
  bool hold = false, held = false, release = false;
  start({14'400}, 60'000, {}, [&](DaemonOptions& o) {
    o.before_commit = [&] {
      std::unique_lock lock(mu);
      if (!hold) return;
      hold = false;
      held = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    };
  });
  {
    std::lock_guard lock(mu);
    hold = true;
  }
  auto posted = std::async(std::launch::async, [&] {
    return daemon_->post_json("/v1/rollcalls", {{"title", "安否確認"}, {"departments", {"soumu"}}},
                              kOperator);
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return held; })) << "the roll call never committed";
  }
  auto stopped = std::async(std::launch::async, [&] { daemon_->stop(); });
  // stop() has begun on the I/O thread once the listener is closed.
  const std::uint16_t port = daemon_->port();
  const bool listener_closed = wait_until(
      [&] {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::socket socket(ioc);
        boost::system::error_code ec;
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
        return ec == boost::asio::error::connection_refused;
      },
      10s);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(listener_closed);
  const bool ended = stopped.wait_for(10s) == std::future_status::ready;
  if (!ended) {
    // The daemon's thread would hold this process until the reminder is due: say why and go.
    ADD_FAILURE() << "a reminder armed after stop() held the daemon's I/O thread";
    std::fflush(stdout);
    std::_Exit(1);
  }
  posted.wait();
}

}  // namespace
}  // namespace bcp::daemon::test
