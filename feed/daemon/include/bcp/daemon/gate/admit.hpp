// The gate's one entry: what a source's adapter decoded (candidate events) becomes the
// events the journal may store, or one refusal. Every stored event passes here, so this is
// where "only level C reaches the wall" and "a refused item is never stored" are decided:
// the talk group (configured, level C), a check-in's roll call and scope, the field limits,
// the read-back check and the replay guard. No I/O and no state of its own: the situation
// and the replay guard are read, never changed, so routes, pollers, tests and fuzzers call
// the same function.
//
// Threads: called on the I/O thread, which owns the situation and the replay guard.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/daemon/adapters/lineworks.hpp"
#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/gate/replay_guard.hpp"
#include "bcp/daemon/outbox/bot_replies.hpp"
#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::daemon {

// What the gate reads: the town's config, the situation as committed so far, the deliveries
// already taken.
struct GateView {
  const config::TownConfig& town;
  const model::Situation& situation;
  const ReplayGuard& replay;
};

// What to do with a field over its limit (FieldLimits): an API client can shorten and resend
// (refuse, 400 naming the field); LINE WORKS never resends and CAP/JMA must not lose an
// alert (cut at the limit and store).
enum class OverLimit { refuse, cut };

struct Candidates {
  std::vector<model::Event> events;   // the item first, then what derives from it
  std::optional<std::string> origin;  // delivery id for the replay guard, if the source has one
  OverLimit over_limit = OverLimit::refuse;
  // The adapter already wrote and read back each event as the journal will (api_event,
  // admit_lineworks): the round trip through JSON text and the codec is the costliest check
  // per event, so it runs once.
  bool read_back_checked = false;
};

using Admission = std::variant<std::vector<model::Event>, Refusal>;

// Checks every candidate in order; the first that fails refuses the whole item.
Admission admit(const GateView& gate, Candidates candidates);

// The open roll call a check-in answers: an id, or "current" = the open one (of the kind
// asked for with ?kind=drill|actual when both are open). 404/409 naming why not.
std::variant<const model::RollcallState*, Refusal> resolve_rollcall(const model::Situation& s,
                                                                    std::string_view id,
                                                                    std::optional<bool> drill);
// The staff must be in the roster (400) and in the roll call's scope (403).
std::optional<Refusal> check_scope(const model::Situation& s, const model::RollcallState& rc,
                                   const std::string& staff);

// A roll-call answer no roll call counts, and whom the bot tells (BotReplies): the answer
// named a closed or unknown roll call, or none while none is open.
struct UncountedAnswer {
  std::string lineworks_user;
  std::string staff;
  std::string rollcall;  // as the answer named it; empty for no_open_rollcall
  AnswerProblem problem = AnswerProblem::no_open_rollcall;
};

// A LINE WORKS callback after the adapter (map_lineworks_callback): the events to store, or
// the refusal to count and log (LINE WORKS is answered 200 either way); no events at all for
// a silent callback (`begin`/`end`). An answer goes to the roll call it names (`rc=`), or
// the one open roll call when it names none, when the person is in its scope; otherwise it
// is kept as a notice, never counted for another roll call, and `not_counted` says whom to
// tell when the roll call is closed, unknown, or none is open. `fallback` is the notice
// journaled instead when the roll call closes before the commit (then `fallback_not_counted`
// is whom to tell). A callback time ahead of `received` is taken as received: it must not be
// newer than what follows it, and dropping it would lose an answer.
struct LineworksAdmission {
  Admission admission;
  std::optional<UncountedAnswer> not_counted;
  std::optional<model::Event> fallback;
  std::optional<UncountedAnswer> fallback_not_counted;
  std::optional<Refusal> clock_ahead;  // set when the time was taken as received (logged)
};
LineworksAdmission admit_lineworks(const GateView& gate, const LineworksItem& item,
                                   const std::string& origin, model::TimePoint received);

}  // namespace bcp::daemon
