// End to end: 120 staff answer an actual roll call, part over the HTTP API and part over
// signed LINE WORKS callbacks, some correcting themselves, while two walls (StreamClient +
// SituationMirror, as bcp-wall runs them) watch. Both walls must end with the daemon's
// state and with the numbers this test expects from the answers it sent.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>
#include <thread>

#include "bcp/client/stream_client.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {
namespace {

using Clock = std::chrono::steady_clock;
using model::CanWork;
using model::Safety;

// One wall: its own stream client and its own copy of the situation.
struct Wall {
  client::UpdateQueue queue;
  client::SituationMirror mirror;
  client::StreamClient stream;
  Wall(std::uint16_t port, const std::string& name)
      : stream(client::ClientOptions{.url = "ws://127.0.0.1:" + std::to_string(port) + "/v1/stream",
                                     .token = kDisplay,
                                     .display = name},
               queue) {
    stream.start();
  }
  // Folds whatever arrived into the mirror; never blocks.
  void pump() {
    std::vector<client::Update> updates;
    queue.drain(updates);
    for (const auto& u : updates) mirror.take(u, Clock::now());
  }
  model::Seq seq() const { return mirror.situation().last_seq; }
};

// Pumps both walls until `done` holds or the deadline passes.
bool pump_until(std::array<Wall*, 2> walls, const std::function<bool()>& done,
                std::chrono::milliseconds limit = 20s) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    for (Wall* w : walls) w->pump();
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    walls[0]->queue.wait_until(std::min(deadline, Clock::now() + 20ms));
  }
}

struct Answer {
  Safety safety;
  CanWork can_work;
  bool via_lineworks;
  std::optional<std::string> location;  // API answers only
};

std::string lw_data(const Answer& a) {
  return "anpi=" + std::string(model::to_string(a.safety)) +
         "&work=" + std::string(model::to_string(a.can_work));
}

TEST(RollcallEndToEnd, HundredTwentyStaffAnswerWhileTwoWallsWatch) {
  TestDaemon d;
  const config::TownConfig& town = sample_town();
  ASSERT_EQ(town.staff.size(), 120u) << "the sample town has s001..s120";
  Wall main(d.port(), "main");
  Wall status(d.port(), "status");
  ASSERT_TRUE(pump_until({&main, &status}, [&] {
    return main.mirror.has_data() && status.mirror.has_data();
  })) << "walls did not get their first snapshot";

  HttpResult r = d.post_json("/v1/rollcalls", {{"title", "震度5強 安否確認"}}, kOperator);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = r.json()["rollcall"];

  // The plan: every 12th person stays silent; the others answer, alternately over the API
  // and LINE WORKS; every 7th answering person first sends a different answer and corrects
  // it afterwards (over the other channel for half of them).
  constexpr std::array<Safety, 4> kSafety{Safety::safe, Safety::minor_injury,
                                          Safety::serious_injury, Safety::needs_help};
  constexpr std::array<CanWork, 4> kWork{CanWork::yes, CanWork::later, CanWork::no,
                                         CanWork::unknown};
  std::map<std::string, Answer> final_answer, first_answer;
  std::vector<std::string> silent;
  for (std::size_t i = 0; i < town.staff.size(); ++i) {
    const std::string& staff = town.staff[i].id;
    if (i % 12 == 11) {
      silent.push_back(staff);
      continue;
    }
    // Mostly safe and able to come, as after a real quake; the rest spread over the others.
    Answer a{i % 5 == 0 ? kSafety[1 + i % 3] : Safety::safe, kWork[(i / 3) % 4], i % 2 == 1,
             std::nullopt};
    if (!a.via_lineworks) a.location = (i % 4 == 0) ? "庁舎" : "自宅";
    final_answer[staff] = a;
    if (i % 7 == 0) {
      Answer wrong{kSafety[(static_cast<std::size_t>(a.safety) + 1) % 4],
                   kWork[(static_cast<std::size_t>(a.can_work) + 2) % 4],
                   i % 14 == 0 ? !a.via_lineworks : a.via_lineworks, std::nullopt};
      if (!wrong.via_lineworks) wrong.location = "避難所";
      first_answer[staff] = wrong;
    }
  }
  ASSERT_EQ(silent.size(), 10u);
  ASSERT_GE(first_answer.size(), 15u);

  auto send = [&](const std::string& staff, const Answer& a, std::string* error) {
    HttpResult res;
    if (a.via_lineworks) {
      const std::string user = "lw-" + staff;
      json body;
      if (staff.back() % 2 == 0) {
        body = {{"type", "postback"},
                {"source", {{"userId", user}, {"channelId", "ch-hq"}}},
                {"data", lw_data(a)}};
      } else {  // a button answer: a text message carrying content.postback
        body = lw_text(user, "ch-hq", "安否回答");
        body["content"]["postback"] = lw_data(a);
        body.erase("issuedTime");
      }
      res = post_lineworks(d.port(), body.dump());
    } else {
      json body = {{"staff", staff},
                   {"safety", model::to_string(a.safety)},
                   {"can_work", model::to_string(a.can_work)}};
      if (a.location) body["location"] = *a.location;
      // Half by id, half as "current": both name the one open roll call.
      res = d.post_json(
          "/v1/rollcalls/" + (staff.back() % 3 ? id : std::string("current")) + "/checkins", body,
          kIngest);
    }
    if (res.status != 200 && error->empty())
      *error = staff + ": " + std::to_string(res.status) + " " + res.body;
  };
  // Two senders at once, one per channel, as phones and the desk would.
  auto phase = [&](const std::map<std::string, Answer>& answers) {
    std::string api_error, lw_error;
    std::thread lineworks([&] {
      for (const auto& [staff, a] : answers) {
        if (a.via_lineworks) send(staff, a, &lw_error);
      }
    });
    for (const auto& [staff, a] : answers) {
      if (!a.via_lineworks) send(staff, a, &api_error);
    }
    lineworks.join();
    EXPECT_EQ(api_error, "");
    EXPECT_EQ(lw_error, "");
  };
  phase(first_answer);
  std::map<std::string, Answer> rest;
  for (const auto& [staff, a] : final_answer) {
    if (!first_answer.contains(staff)) rest[staff] = a;
  }
  phase(rest);
  std::map<std::string, Answer> corrections;
  for (const auto& [staff, a] : final_answer) {
    if (first_answer.contains(staff)) corrections[staff] = a;
  }
  phase(corrections);

  const std::int64_t seq = d.seq();
  // Start + first answers + the rest + corrections, each exactly one journaled event.
  ASSERT_EQ(seq, static_cast<std::int64_t>(1 + first_answer.size() + final_answer.size()));
  ASSERT_TRUE(
      pump_until({&main, &status}, [&] { return main.seq() == seq && status.seq() == seq; }))
      << "walls at seq " << main.seq() << " and " << status.seq() << ", daemon at " << seq;

  // Expected figures from the answers sent.
  model::RollcallCounts total;
  std::map<std::string, model::RollcallCounts> by_department;
  std::map<std::string, std::set<std::string>> pending;
  for (const auto& d0 : town.departments) by_department[d0.id];
  for (const auto& p : town.staff) {
    model::RollcallCounts& dep = by_department[p.department];
    ++dep.in_scope;
    ++total.in_scope;
    auto a = final_answer.find(p.id);
    if (a == final_answer.end()) {
      pending[p.department].insert(p.id);
      continue;
    }
    for (model::RollcallCounts* c : {&dep, &total}) {
      ++c->answered;
      ++c->by_safety[static_cast<std::size_t>(a->second.safety)];
      ++c->by_can_work[static_cast<std::size_t>(a->second.can_work)];
    }
  }
  ASSERT_EQ(total.answered, 110u);

  const model::Situation daemon_state = d.snapshot();
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  for (const Wall* wall : {&main, &status}) {
    SCOPED_TRACE(wall == &main ? "wall main" : "wall status");
    const model::Situation& s = wall->mirror.situation();
    EXPECT_EQ(s, daemon_state);  // the whole state, bit for bit
    ASSERT_TRUE(s.rollcalls.contains(id));
    const model::RollcallState& rc = s.rollcalls.at(id);
    EXPECT_EQ(rc.total, total);
    for (const auto& [department, counts] : by_department) {
      ASSERT_TRUE(rc.by_department.contains(department)) << department;
      EXPECT_EQ(rc.by_department.at(department), counts) << department;
    }
    // Not yet heard from, per department, as the wall derives it from scope and answers.
    std::map<std::string, std::set<std::string>> wall_pending;
    for (const std::string& staff : rc.scope) {
      if (!rc.latest.contains(staff)) {
        wall_pending[s.directory.find_staff(staff)->department].insert(staff);
      }
    }
    EXPECT_EQ(wall_pending, pending);
    // Each person's answer is the last one they sent, over the channel they last used.
    for (const auto& [staff, a] : final_answer) {
      const model::RollcallCheckin& got = rc.latest.at(staff).answer;
      EXPECT_EQ(got.safety, a.safety) << staff;
      EXPECT_EQ(got.can_work, a.can_work) << staff;
      EXPECT_EQ(got.source, a.via_lineworks ? "lineworks" : "api") << staff;
      EXPECT_EQ(got.location, a.location) << staff;
    }
    // 25/50/75/90 % were all passed (110 of 120 is 91.7 %), in order.
    for (std::size_t m = 0; m < 4; ++m) ASSERT_TRUE(rc.reached[m]) << m;
    for (std::size_t m = 1; m < 4; ++m) EXPECT_LE(*rc.reached[m - 1], *rc.reached[m]);
    EXPECT_EQ(rc.curve.back().answered, 110u);

    // Availability during the open actual roll call follows the answers, the same on both.
    const model::AvailabilityOverview overview = s.availability_overview(now);
    EXPECT_EQ(overview, daemon_state.availability_overview(now));
    std::array<std::size_t, 9> expected_status{};
    for (const auto& p : town.staff) {
      auto a = final_answer.find(p.id);
      model::Availability want = model::Availability::unknown;
      if (a != final_answer.end()) {
        model::RollcallCheckin c;
        c.can_work = a->second.can_work;
        c.location = a->second.location;
        want = model::checkin_availability(c).value_or(model::Availability::unknown);
      }
      ++expected_status[static_cast<std::size_t>(want)];
    }
    EXPECT_EQ(overview.total.by_status, expected_status);
    EXPECT_GT(overview.total.by_status[static_cast<std::size_t>(model::Availability::in_office)],
              0u);
  }

  // The report agrees with the walls.
  const json report = d.get("/v1/rollcalls/" + id + "/report", kOperator).json();
  EXPECT_EQ(report["summary"]["answered"], 110);
  EXPECT_EQ(report["summary"]["unanswered"], 10);
  std::map<std::string, std::set<std::string>> report_pending;
  for (const auto& dep : report["summary"]["by_department"]) {
    for (const auto& staff : dep["pending"])
      report_pending[dep["department"]].insert(staff.get<std::string>());
  }
  EXPECT_EQ(report_pending, pending);

  main.stream.stop();
  status.stream.stop();
}

}  // namespace
}  // namespace bcp::daemon::test
