#include "bcp/daemon/gate/admit.hpp"

#include <algorithm>

#include "bcp/daemon/log.hpp"

namespace bcp::daemon {
namespace {

// The checks that depend on what the event is: where it may be shown and who may answer.
std::optional<Refusal> check_against_situation(const GateView& gate, const model::Event& event) {
  // The bot's sends are the outbox's own record (Pipeline::submit). Every route names the
  // type it builds, so none can ask for this one; refusing it here as well keeps a future
  // route or adapter from letting the outside fake a delivery.
  if (std::holds_alternative<model::RollcallMessaged>(event.body)) {
    return Refusal{400, RefusalReason::malformed,
                   "rollcall.messaged: journaled by the daemon's outbox only, not accepted from "
                   "outside"};
  }
  if (std::holds_alternative<model::TalkPhoto>(event.body)) {
    return Refusal{400, RefusalReason::malformed,
                   "talk.photo: journaled by the daemon's photo service only, not accepted from "
                   "outside"};
  }
  if (const auto* talk = std::get_if<model::TalkMessage>(&event.body)) {
    // A ref names a photo this daemon fetched and stored; a poster cannot claim one.
    for (std::size_t i = 0; i < talk->attachments.size(); ++i) {
      if (talk->attachments[i].ref) {
        return Refusal{400, RefusalReason::malformed,
                       "/attachments/" + std::to_string(i) +
                           "/ref: set by the daemon when it has fetched the photo, not accepted "
                           "from outside"};
      }
    }
    return check_group(gate.town, talk->group);
  }
  if (const auto* checkin = std::get_if<model::RollcallCheckin>(&event.body)) {
    auto resolved = resolve_rollcall(gate.situation, checkin->rollcall, std::nullopt);
    if (auto* refusal = std::get_if<Refusal>(&resolved)) return *refusal;
    return check_scope(gate.situation, *std::get<const model::RollcallState*>(resolved),
                       checkin->staff);
  }
  if (const auto* a = std::get_if<model::StaffAvailability>(&event.body)) {
    if (!gate.situation.directory.find_staff(a->staff)) {
      return Refusal{400, RefusalReason::malformed, "/staff: unknown staff \"" + a->staff + "\""};
    }
  }
  return std::nullopt;
}

std::optional<Refusal> keep_within_limits(model::Event& event, OverLimit over_limit) {
  if (over_limit == OverLimit::refuse) return check_field_sizes(event);
  for (const std::string& field : cut_to_field_sizes(event)) {
    log(LogLevel::warning, "gate",
        "cut " + field + " of " + std::string(model::type_name(event.body)) + " to its limit");
  }
  return std::nullopt;
}

// Where a LINE WORKS answer goes: the roll call that counts it, or why none does.
struct AnswerTarget {
  const model::RollcallState* rollcall = nullptr;  // counted here
  std::optional<AnswerProblem> problem;  // not counted, and the person is told (BotReplies)
  std::string why;                       // not counted: said in the notice (roster words only)
};

std::string rollcall_label(const model::RollcallState& rc) {
  return "点呼「" + rc.started.title + "」";
}

// The roll call its `rc=` names, or the one open roll call when it names none; never another
// one. The id an answer names is not echoed on the wall (it is whatever the button carried).
AnswerTarget target_of_answer(const model::Situation& s, const LineworksItem& item) {
  const model::RollcallState* rc = nullptr;
  if (item.answer.rollcall) {
    auto it = s.rollcalls.find(*item.answer.rollcall);
    if (it == s.rollcalls.end()) {
      return {nullptr, AnswerProblem::rollcall_unknown, "不明な点呼への回答"};
    }
    if (!it->second.open()) {
      return {nullptr, AnswerProblem::rollcall_closed,
              "終了した" + rollcall_label(it->second) + "への回答"};
    }
    rc = &it->second;
  } else {
    const model::RollcallState* actual = s.open_rollcall(false);
    const model::RollcallState* exercise = s.open_rollcall(true);
    if (!actual && !exercise)
      return {nullptr, AnswerProblem::no_open_rollcall, "開いている点呼なし"};
    // An answer without rc= from a button of before: which of the two it meant is unknown.
    if (actual && exercise) return {nullptr, std::nullopt, "実災害と訓練の点呼が両方開いている"};
    rc = actual ? actual : exercise;
  }
  if (check_scope(s, *rc, item.staff))
    return {nullptr, std::nullopt, rollcall_label(*rc) + "の対象外"};
  return {rc, std::nullopt, {}};
}

// A LINE WORKS answer that no roll call takes: kept as a notice, never lost.
model::Notice answer_without_rollcall(const model::Situation& s, const LineworksItem& item,
                                      const std::string& why) {
  const model::DirectoryStaff* who = s.directory.find_staff(item.staff);
  return model::Notice{
      "安否回答（対象の点呼なし）: " + (who ? who->name : item.staff) + " — " +
          std::string(model::to_string(item.answer.safety)) + ", 出勤 " +
          std::string(model::to_string(item.answer.work.value_or(model::CanWork::unknown))) + "（" +
          why + "）",
      model::NoticeLevel::warning};
}

UncountedAnswer uncounted(const LineworksItem& item, AnswerProblem problem) {
  return UncountedAnswer{item.lineworks_user, item.staff, item.answer.rollcall.value_or(""),
                         problem};
}

}  // namespace

Admission admit(const GateView& gate, Candidates candidates) {
  if (candidates.origin && gate.replay.seen(*candidates.origin)) {
    return Refusal{200, RefusalReason::duplicate, "callback already taken (replayed body)"};
  }
  for (model::Event& event : candidates.events) {
    if (auto r = check_against_situation(gate, event)) return *r;
    if (auto r = keep_within_limits(event, candidates.over_limit)) return *r;
    // Refused before anything is stored: see check_readable.
    if (candidates.read_back_checked) continue;
    if (auto r = check_readable(event)) return *r;
  }
  if (candidates.origin && !candidates.events.empty()) {
    candidates.events.front().origin = candidates.origin;
  }
  return std::move(candidates.events);
}

std::variant<const model::RollcallState*, Refusal> resolve_rollcall(const model::Situation& s,
                                                                    std::string_view id,
                                                                    std::optional<bool> drill) {
  if (id != "current") {
    auto it = s.rollcalls.find(std::string(id));
    if (it == s.rollcalls.end()) {
      return Refusal{404, RefusalReason::malformed,
                     "unknown roll call \"" + std::string(id) + "\""};
    }
    if (!it->second.open()) {
      return Refusal{409, RefusalReason::conflict,
                     "roll call \"" + std::string(id) + "\" is closed"};
    }
    return &it->second;
  }
  const model::RollcallState* actual = s.open_rollcall(false);
  const model::RollcallState* exercise = s.open_rollcall(true);
  if (drill) {
    const model::RollcallState* r = *drill ? exercise : actual;
    if (!r) {
      return Refusal{404, RefusalReason::conflict,
                     std::string("no open ") + (*drill ? "drill" : "actual") + " roll call"};
    }
    return r;
  }
  if (actual && exercise) {
    return Refusal{409, RefusalReason::conflict,
                   "both an actual and a drill roll call are open: name the roll call or add "
                   "?kind=actual|drill"};
  }
  if (!actual && !exercise) return Refusal{404, RefusalReason::conflict, "no roll call is open"};
  return actual ? actual : exercise;
}

std::optional<Refusal> check_scope(const model::Situation& s, const model::RollcallState& rc,
                                   const std::string& staff) {
  if (!s.directory.find_staff(staff)) {
    return Refusal{400, RefusalReason::malformed, "/staff: unknown staff \"" + staff + "\""};
  }
  if (std::find(rc.scope.begin(), rc.scope.end(), staff) == rc.scope.end()) {
    return Refusal{403, RefusalReason::conflict,
                   "/staff: \"" + staff + "\" is not in the scope of roll call \"" +
                       rc.started.rollcall + "\""};
  }
  return std::nullopt;
}

LineworksAdmission admit_lineworks(const GateView& gate, const LineworksItem& item,
                                   const std::string& origin, model::TimePoint received) {
  LineworksAdmission out;
  if (gate.replay.seen(origin)) {
    out.admission =
        Refusal{200, RefusalReason::duplicate, "callback already taken (replayed body)"};
    return out;
  }
  if (item.kind == LineworksItem::Kind::dropped) {
    out.admission = item.refusal.value_or(
        Refusal{200, RefusalReason::malformed, "callback not taken (no reason given)"});
    return out;
  }
  model::Event event;
  event.at = item.at;
  switch (item.kind) {
    case LineworksItem::Kind::talk:
      event.body = item.talk;
      break;
    case LineworksItem::Kind::notice:
      event.body = item.notice;
      break;
    case LineworksItem::Kind::checkin: {
      const AnswerTarget target = target_of_answer(gate.situation, item);
      if (!target.rollcall) {
        event.body = answer_without_rollcall(gate.situation, item, target.why);
        if (target.problem) out.not_counted = uncounted(item, *target.problem);
        break;
      }
      const model::RollcallState& rc = *target.rollcall;
      out.fallback = event;
      out.fallback->body = answer_without_rollcall(gate.situation, item,
                                                   "終了した" + rollcall_label(rc) + "への回答");
      out.fallback->origin = origin;
      out.fallback_not_counted = uncounted(item, AnswerProblem::rollcall_closed);
      out.fallback_not_counted->rollcall = rc.started.rollcall;
      model::RollcallCheckin c;
      c.rollcall = rc.started.rollcall;
      c.staff = item.staff;
      c.safety = item.answer.safety;
      // A safety answer alone already counts (DESIGN.md); work is asked after it.
      c.can_work = item.answer.work.value_or(model::CanWork::unknown);
      c.source = "lineworks";
      event.body = std::move(c);
      break;
    }
    case LineworksItem::Kind::silent:
      // Taken, nothing to journal: not even the replay guard needs it.
      out.admission = std::vector<model::Event>{};
      return out;
    case LineworksItem::Kind::dropped:
      break;
  }
  // What the journal could not take as it is (an issuedTime of 9999-12-31T23:59:59-14:00) is
  // malformed like any other source's, never a journal failure; checked before the clock.
  if (auto r = check_readable(event)) {
    out.admission = *r;
    return out;
  }
  if (auto ahead = check_not_ahead(event.at, received, "/issuedTime")) {
    out.clock_ahead = std::move(ahead);
    event.at = received;
    if (out.fallback) out.fallback->at = received;
  }
  Candidates candidates;
  candidates.events.push_back(std::move(event));
  candidates.origin = origin;
  candidates.over_limit = OverLimit::cut;
  // Read back above; taking the time as received keeps it readable.
  candidates.read_back_checked = true;
  out.admission = admit(gate, std::move(candidates));
  return out;
}

}  // namespace bcp::daemon
