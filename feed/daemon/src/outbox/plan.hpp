// What the bot is to send, planned from the situation (DESIGN.md "LINE WORKS both ways"): the
// roll call's question to each reachable person in scope, reminders to the silent, a reply to
// each answer, the start and close in the announce rooms. Pure functions: the outbox calls
// them on the I/O thread, where the situation is, and journals what they return.
//
// Every row has a key that names its step for its person or room, so planning the same step
// twice (a restart, a timer that fired again) adds nothing: the journal keeps the first.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/outbox/bot_replies.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon::outbox {

// Row priorities: a reply to someone's own press goes before the bulk of a distribution.
inline constexpr int kReplyPriority = 0;
inline constexpr int kAnnouncePriority = 1;
inline constexpr int kBulkPriority = 2;

// Staff of the roll call's scope who have a LINE WORKS account (roster order), and those who
// have none ("not reachable by the bot").
struct Reach {
  std::vector<const config::Staff*> reachable;
  std::vector<std::string> not_reachable;
};
Reach reach(const model::RollcallState& rollcall, const config::TownConfig& town);

// The question for every reachable person in scope who has not answered yet.
std::vector<OutboxRow> plan_questions(const model::RollcallState& rollcall,
                                      const config::TownConfig& town, model::TimePoint now);
// Reminder `number` (1-based, one per reminders_after_seconds mark) for every reachable
// person in scope who has not answered.
std::vector<OutboxRow> plan_reminders(const model::RollcallState& rollcall, int number,
                                      const config::TownConfig& town, model::TimePoint now);
// The reply to a committed check-in from LINE WORKS: what was recorded, and the can-work
// question while that is still unknown. Nothing when the person has no LINE WORKS account.
std::optional<OutboxRow> plan_reply(const model::RollcallState& rollcall,
                                    const model::RollcallCheckin& checkin, model::Seq seq,
                                    const config::TownConfig& town, model::TimePoint now);
// An answer that was not counted, told to the person who pressed. `rollcall` may be null
// (unknown); `unique` tells two presses apart (their keys must differ).
OutboxRow plan_not_counted(const std::string& lineworks_user, const std::string& staff,
                           const std::string& rollcall_id, const model::RollcallState* rollcall,
                           AnswerProblem problem, const std::string& unique,
                           const config::TownConfig& town, model::TimePoint now);
// The start or the close in each `announce_groups` room.
enum class Announcement { start, close };
std::vector<OutboxRow> plan_announcements(const model::RollcallState& rollcall, Announcement which,
                                          const config::TownConfig& town, model::TimePoint now);

}  // namespace bcp::daemon::outbox
