// The staff of a scenario answering the bot (issue 15): they read what the stand-in tenant
// delivered to their 1:1 rooms and press the answer buttons, which LINE WORKS turns into
// SIGNED callbacks to the daemon's /callback/lineworks (DESIGN.md "LINE WORKS both ways",
// ../shared/notes/lineworks-api.md §3):
//   - a button_template button (a `message` action with postback) → a `message` callback,
//     content {type text, text = the button's text, postback = its data}, source {userId,
//     domainId} WITHOUT channelId (a 1:1 room);
//   - a quick-reply `postback` action → a `postback` callback with top-level `data` and
//     source.channelId = the person's 1:1 room (one_to_one_channel below);
//   - the first message to a person opens the 1:1 room: a `begin` callback, as LINE WORKS
//     sends on the bot's first message.
// Who answers, when and what is decided per person from the plan's seed and the userId alone
// (decide()), so the same seed gives the same people the same answers at the same delays.
//
// Threads: BotStaff owns ONE thread that sends the callbacks (blocking HTTP to the daemon);
// deliver() may be called from any thread (the tenant's) and only queues. Every accessor is
// thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/model/events.hpp"
#include "bcp/tools/http_client.hpp"
#include "bcp/tools/lineworks_tenant.hpp"
#include "bcp/tools/scenario.hpp"

namespace bcp::tools {

// A scenario's optional "bot_staff" section (docs/operations.md "Rehearsing with bcp-sim").
// Delays are scenario seconds (scaled by --speed) after the question reached the person.
struct BotStaffPlan {
  std::uint32_t seed = 1;
  double never = 0.1;  // of the people messaged: never answer anything, reminders neither
  double quick = 0.5;  // of those who answer: within quick_within, the others within late_within
  std::pair<double, double> quick_within{5, 60};
  std::pair<double, double> late_within{60, 600};
  std::pair<double, double> work_within{5, 40};  // the quick reply, after it arrived
  // Weights of the answers (as checkins.spread takes them); unnamed answers weigh 0.
  nlohmann::json safety = {
      {"safe", 0.9}, {"minor_injury", 0.06}, {"serious_injury", 0.02}, {"needs_help", 0.02}};
  nlohmann::json can_work = {{"yes", 0.75}, {"later", 0.15}, {"no", 0.1}};
};

// The section read strictly; throws ScenarioError naming the field ("/bot_staff/never: …").
BotStaffPlan parse_bot_staff(const nlohmann::json& section);

// One person's part, from the seed and the userId only.
struct BotStaffDecision {
  bool answers = false;
  double safety_after = 0;  // seconds at 1x after the safety question arrived
  double work_after = 0;    // seconds at 1x after the work question arrived
  model::Safety safety = model::Safety::safe;
  model::CanWork work = model::CanWork::yes;
};
BotStaffDecision decide(const BotStaffPlan& plan, std::string_view user_id);

// The channelId of a person's 1:1 room with the bot. The notes do not say what LINE WORKS'
// 1:1 channelIds look like, only that room ids look like "12345a12-b12c-12d3-e123fghijkl":
// this is a stable fake of that shape, the same for the same bot and user every time.
std::string one_to_one_channel(std::string_view bot_id, std::string_view user_id);

// What a delivered message's content asks: "safety question" (answer buttons without work),
// "work question" (answers with work), or "message without answer buttons".
std::string question_kind(const nlohmann::json& content);

struct BotStaffOptions {
  ServerUrl daemon;  // where /callback/lineworks is
  config::Bot bot;   // X-WORKS-BotId and the secret that signs
  std::int64_t domain_id = 1;
  double speed = 1.0;           // the scenario's --speed
  std::set<std::string> users;  // userIds that answer; empty = anyone messaged
  bool send_begin = true;
  std::size_t max_pending = 10'000;  // answers queued beyond this are dropped and counted
  std::ostream* out = nullptr;       // one line per delivery and per answer; null = quiet
};

class BotStaff {
 public:
  using Clock = std::chrono::steady_clock;

  BotStaff(BotStaffPlan plan, BotStaffOptions options);
  ~BotStaff();  // stops its thread; answers not yet due are not sent
  BotStaff(const BotStaff&) = delete;
  BotStaff& operator=(const BotStaff&) = delete;

  // A message the tenant answered 201 (LineWorksTenant::on_delivered). Any thread; never blocks
  // on the network.
  void deliver(const LineWorksTenant::MessageRequest& message);

  struct Sent {
    Clock::time_point at;
    std::string user;
    std::string type;  // "begin", "message" or "postback"
    std::string data;  // the postback data ("" for begin)
    std::string body;  // the raw callback body as signed
    int status = 0;    // the daemon's answer (0: not reached)
  };
  std::vector<Sent> sent() const;
  // Messages delivered with answer buttons to the people these staff answer for.
  std::size_t questions_received() const;
  std::size_t pending() const;  // queued, not yet sent
  std::size_t dropped() const;  // over max_pending
  // When the last queued callback is due (now when nothing is queued).
  Clock::time_point last_due() const;
  // Blocks until nothing is queued or `deadline`; returns whether nothing is.
  bool wait_idle(Clock::time_point deadline) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bcp::tools
