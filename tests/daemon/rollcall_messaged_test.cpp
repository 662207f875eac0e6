// rollcall.messaged in the daemon: journaled through Pipeline::submit (the outbox's way in)
// and read back unchanged; a journal holding them is folded at start-up into GET /v1/snapshot
// and the stream's snapshot frame; and no route lets the outside make one.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/pipeline/pipeline.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

using namespace std::chrono_literals;

model::Event event_at(const char* at, model::Payload body) {
  model::Event e;
  e.at = model::parse_time(at);
  e.body = std::move(body);
  return e;
}

model::RollcallMessaged sent(std::string staff, model::MessageStep step) {
  return {"rc-lw", std::move(staff), step, model::SendOutcome::sent, std::nullopt};
}

model::RollcallMessaged failed(std::string staff, std::string why) {
  return {"rc-lw", std::move(staff), model::MessageStep::question, model::SendOutcome::failed,
          std::move(why)};
}

// The first staff ids of a department in the sample town's roster.
std::vector<std::string> staff_in(const std::string& department, std::size_t n) {
  std::vector<std::string> out;
  for (const auto& p : sample_town().staff) {
    if (p.department == department && out.size() < n) out.push_back(p.id);
  }
  return out;
}

// A drill of 総務課 with the bot's sends: two questions sent, one failed, one reminder, and
// one send to a person outside the scope (ignored by the reducer, kept by the journal).
std::vector<model::Event> distribution() {
  const auto soumu = staff_in("soumu", 3);
  const auto kikaku = staff_in("kikaku", 1);
  EXPECT_EQ(soumu.size(), 3u);
  EXPECT_EQ(kikaku.size(), 1u);
  std::vector<model::Event> events;
  events.push_back(event_at("2026-11-24T05:00:00Z",
                            model::RollcallStarted{"rc-lw", "安否確認訓練", true, {"soumu"}, {}}));
  events.push_back(event_at("2026-11-24T05:00:01Z", sent(soumu[0], model::MessageStep::question)));
  events.push_back(event_at("2026-11-24T05:00:02Z", sent(soumu[1], model::MessageStep::question)));
  events.push_back(event_at("2026-11-24T05:00:03Z", failed(soumu[2], "HTTP 403: bot not allowed")));
  events.push_back(event_at("2026-11-24T05:05:00Z", sent(soumu[1], model::MessageStep::reminder)));
  events.push_back(event_at("2026-11-24T05:05:01Z", sent(kikaku[0], model::MessageStep::question)));
  return events;
}

void expect_delivery(const model::RollcallState& r) {
  const auto soumu = staff_in("soumu", 3);
  const auto kikaku = staff_in("kikaku", 1);
  EXPECT_EQ(r.messaged, 2u);
  ASSERT_TRUE(r.delivery.contains(soumu[1]));
  EXPECT_EQ(r.delivery.at(soumu[1]).reminders, 1u);
  EXPECT_EQ(r.delivery.at(soumu[1]).messaged_at, model::parse_time("2026-11-24T05:00:02Z"));
  ASSERT_TRUE(r.delivery.contains(soumu[2]));
  ASSERT_EQ(r.delivery.at(soumu[2]).failures.size(), 1u);
  EXPECT_EQ(r.delivery.at(soumu[2]).failures[0].why, "HTTP 403: bot not allowed");
  EXPECT_FALSE(r.delivery.contains(kikaku[0])) << "out of scope: ignored";
}

TEST(RollcallMessagedDaemon, SubmittedByThePipelineAndReadBackUnchanged) {
  TempDir dir;
  auto journal = open_sqlite_journal(dir.path() / "journal.sqlite3");
  boost::asio::io_context ioc;
  CommitRules rules;
  model::Situation situation;
  situation.directory = sample_town().directory();
  Metrics metrics;
  std::vector<model::Event> committed;
  bool done = false;
  {
    Pipeline pipeline(ioc, *journal, rules, situation, metrics);
    pipeline.submit(distribution(),
                    [&](std::vector<model::Event> events, std::exception_ptr error) {
                      EXPECT_FALSE(error);
                      committed = std::move(events);
                      done = true;
                    });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc.restart();
      ioc.run_for(20ms);
    }
    ASSERT_TRUE(done) << "no commit within 20 s";
    pipeline.stop();
  }
  ASSERT_EQ(committed.size(), 6u);
  expect_delivery(situation.rollcalls.at("rc-lw"));
  // The journal gives back exactly what was committed, failure reason and all.
  EXPECT_EQ(journal->read(0, 100), committed);
}

TEST(RollcallMessagedDaemon, AJournalOfSendsIsInTheSnapshotAndTheStreamsSnapshotFrame) {
  TempDir dir;
  {
    auto journal = open_sqlite_journal(dir.path() / "journal.sqlite3");
    std::vector<model::Event> events = distribution();
    journal->append(events);
  }
  TestDaemon d([&](DaemonOptions& o) { o.data_dir = dir.path(); });
  expect_delivery(d.snapshot().rollcalls.at("rc-lw"));

  const HttpResult snapshot = d.get("/v1/snapshot", kDisplay);
  ASSERT_EQ(snapshot.status, 200) << snapshot.body;
  const json delivery = snapshot.json()["rollcalls"]["rc-lw"]["delivery"];
  EXPECT_EQ(delivery["messaged"], 2) << delivery.dump();

  Subscriber wall(d.port(), std::nullopt);
  std::optional<json> hello = wall.next();
  ASSERT_TRUE(hello) << wall.error();
  std::optional<json> frame = wall.next();
  ASSERT_TRUE(frame) << wall.error();
  ASSERT_EQ((*frame)["type"], "snapshot");
  EXPECT_EQ((*frame)["situation"]["rollcalls"]["rc-lw"]["delivery"], delivery);

  std::size_t journaled = 0;
  for (const json& e : d.events()) journaled += e.value("type", "") == "rollcall.messaged";
  EXPECT_EQ(journaled, 5u) << "the journal keeps every send, also the one the reducer ignores";
}

// Every route names the type it builds; a body that asks for rollcall.messaged is refused or
// becomes what the route makes, and the journal never holds a send nobody made.
TEST(RollcallMessagedDaemon, NoRouteLetsTheOutsideRecordASend) {
  TestDaemon d;
  const std::string staff = staff_in("soumu", 1).at(0);
  HttpResult started =
      d.post_json("/v1/rollcalls", {{"title", "訓練"}, {"drill", true}}, kOperator);
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string rc = started.json()["rollcall"];
  const json claim = {{"type", "rollcall.messaged"},
                      {"rollcall", rc},
                      {"staff", staff},
                      {"step", "question"},
                      {"outcome", "sent"}};
  struct Route {
    const char* path;
    const char* token;
  };
  for (const Route& route : {Route{"/v1/talk", kIngest}, Route{"/v1/availability", kIngest},
                             Route{"/v1/rollcalls", kOperator}, Route{"/v1/alerts", kOperator}}) {
    HttpResult r = d.post_json(route.path, claim, route.token);
    EXPECT_GE(r.status, 400) << route.path << ": " << r.body;
    EXPECT_LT(r.status, 500) << route.path << ": " << r.body;
  }
  HttpResult checkin = d.post_json("/v1/rollcalls/" + rc + "/checkins", claim, kIngest);
  EXPECT_GE(checkin.status, 400) << checkin.body;
  for (const json& e : d.events()) EXPECT_NE(e.value("type", ""), "rollcall.messaged") << e.dump();
  EXPECT_EQ(d.snapshot().rollcalls.at(rc).messaged, 0u);
}

}  // namespace
}  // namespace bcp::daemon::test
