// The situation state that the reducer folds events into. The daemon keeps one (for
// snapshots and reports), every wall keeps its own copy built from the stream; both run
// the same reducer, so both always agree.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bcp/model/events.hpp"

namespace bcp::model {

// Who is who: the level-C part of the town's config (display names, departments, groups).
// Filled from config before any event is applied; part of the snapshot.
struct DirectoryDepartment {
  std::string id;
  std::string name;
  bool operator==(const DirectoryDepartment&) const = default;
};
struct DirectoryStaff {
  std::string id;
  std::string name;
  std::string department;
  bool operator==(const DirectoryStaff&) const = default;
};
struct DirectoryGroup {
  std::string id;
  std::string name;
  bool operator==(const DirectoryGroup&) const = default;
};
struct Directory {
  std::string town_name;
  int utc_offset_minutes = 540;  // JST
  std::vector<DirectoryDepartment> departments;
  std::vector<DirectoryStaff> staff;
  std::vector<DirectoryGroup> groups;
  bool operator==(const Directory&) const = default;

  const DirectoryStaff* find_staff(std::string_view id) const;
  const DirectoryDepartment* find_department(std::string_view id) const;
  const DirectoryGroup* find_group(std::string_view id) const;
};

// ---- talk -------------------------------------------------------------------------
struct TalkEntry {
  Seq seq = 0;
  TimePoint at{};
  TalkMessage message;
  bool operator==(const TalkEntry&) const = default;
};
struct GroupTalk {
  std::deque<TalkEntry> recent;  // oldest first, at most Situation::talk_history_limit
  std::size_t total = 0;         // messages ever seen in this group
  bool operator==(const GroupTalk&) const = default;
};

// ---- staff ---------------------------------------------------------------------------
// Availability is kept in two slots so that a manual status with `until` can fall back to
// the calendar afterwards: `availability` holds the latest report of source manual (or
// checkin), `calendar` the latest of source calendar. Each keeps its own `until`.
struct StaffState {
  std::optional<StaffAvailability> availability;  // latest manual report, with its `until`
  std::optional<TimePoint> availability_at;
  // The journal seq of that report: which of a report and a check-in answer is newer is
  // decided by the order the daemon received them, never by the client's `at`.
  Seq availability_seq = 0;
  std::optional<StaffAvailability> calendar;  // latest calendar-derived status, with its `until`
  std::optional<TimePoint> calendar_at;
  // Any source: talk, check-in, availability. The event's `at`, but never later than
  // when the daemon received it (a client clock ahead does not put it in the future).
  std::optional<TimePoint> last_seen;
  bool operator==(const StaffState&) const = default;
};

// Where an effective availability came from, in order of precedence.
enum class AvailabilityOrigin { checkin, manual, calendar, none };

// The status a person has at a moment, and why. See Situation::effective_availability.
struct EffectiveAvailability {
  Availability status = Availability::unknown;
  AvailabilityOrigin origin = AvailabilityOrigin::none;
  std::optional<TimePoint> until;       // manual/calendar: when this stops applying
  std::optional<std::string> note;      // manual/calendar note, or the check-in's note
  std::optional<std::string> rollcall;  // origin checkin: the roll call answered
  std::optional<CanWork> can_work;      // origin checkin: the answer behind the status
  bool operator==(const EffectiveAvailability&) const = default;
};

// "Available" = can act for the town right now without anyone travelling: in the office,
// in a meeting (in the building, can be pulled out), or working remotely (reachable, on the
// systems). Not: en route (on the way, counted separately), out / trip (away on other
// business), leave / off duty, unknown.
bool counts_as_available(Availability a);

struct DepartmentAvailability {
  std::string department;  // department id; "" for the town-wide total
  std::size_t staff = 0;   // roster staff in the department
  std::vector<std::string> available;  // staff ids available now, roster order
  std::vector<std::string> en_route;   // staff ids on their way, roster order
  std::array<std::size_t, 9> by_status{};  // index = Availability
  bool operator==(const DepartmentAvailability&) const = default;
};
struct AvailabilityOverview {
  DepartmentAvailability total;
  std::vector<DepartmentAvailability> departments;  // directory order, then unknown ids
  bool operator==(const AvailabilityOverview&) const = default;
};

// ---- roll calls --------------------------------------------------------------------
struct CheckinRecord {
  Seq seq = 0;
  TimePoint at{};
  RollcallCheckin answer;
  bool operator==(const CheckinRecord&) const = default;
};
struct RollcallCounts {
  std::size_t in_scope = 0;
  std::size_t answered = 0;
  std::array<std::size_t, 4> by_safety{};    // index = Safety
  std::array<std::size_t, 4> by_can_work{};  // index = CanWork
  bool operator==(const RollcallCounts&) const = default;
};
struct CurvePoint {
  TimePoint at{};
  std::size_t answered = 0;
  bool operator==(const CurvePoint&) const = default;
};
// The bot's sends to one person for a roll call (rollcall.messaged folded in).
struct DeliveryFailure {
  TimePoint at{};
  MessageStep step = MessageStep::question;
  std::string why;
  bool operator==(const DeliveryFailure&) const = default;
};
struct StaffDelivery {
  std::optional<TimePoint> messaged_at;  // the first question confirmed sent
  std::size_t reminders = 0;             // reminders confirmed sent
  std::optional<TimePoint> reminded_at;  // the last of them
  std::deque<DeliveryFailure> failures;  // oldest first, at most kFailureLimit
  static constexpr std::size_t kFailureLimit = 5;
  bool operator==(const StaffDelivery&) const = default;
};
struct RollcallState {
  RollcallStarted started;
  TimePoint started_at{};
  std::optional<TimePoint> closed_at;
  std::vector<std::string> scope;                 // staff ids in scope, roster order
  std::map<std::string, CheckinRecord> latest;    // staff id -> latest answer
  RollcallCounts total;
  std::map<std::string, RollcallCounts> by_department;  // department id -> counts
  std::vector<CurvePoint> curve;                  // one point per change of `answered`
  std::array<std::optional<TimePoint>, 4> reached{};  // 25/50/75/90 % answered
  // The bot's distribution: staff id -> its sends (only staff in scope, only once any
  // rollcall.messaged names them), and how many distinct staff got the question.
  std::map<std::string, StaffDelivery> delivery;
  std::size_t messaged = 0;
  bool open() const { return !closed_at.has_value(); }
  bool operator==(const RollcallState&) const = default;
};

// ---- alerts --------------------------------------------------------------------------
struct AlertState {
  AlertRaised alert;  // current fields, updates folded in
  TimePoint raised_at{};
  TimePoint updated_at{};
  std::size_t updates = 0;
  std::optional<std::string> acknowledged_by;
  std::optional<TimePoint> acknowledged_at;
  bool cancelled = false;
  std::optional<std::string> cancel_reason;
  // Active = not cancelled and not past `expires` at `now` (derived from the clock, so
  // every wall drops an expired alert at the same moment).
  bool active(TimePoint now) const;
  // When it ended as of `now`: the cancel (updated_at, which the cancel sets), or `expires`
  // (its last raise or update when that came later).
  std::optional<TimePoint> ended_at(TimePoint now) const;
  bool operator==(const AlertState&) const = default;
};

// The text of the notice POST /v1/drill/stop journals with its closes and cancels.
inline constexpr std::string_view kDrillStoppedNotice = "訓練中止";

struct NoticeEntry {
  Seq seq = 0;
  TimePoint at{};
  Notice notice;
  bool operator==(const NoticeEntry&) const = default;
};

struct Situation {
  Directory directory;
  Seq last_seq = 0;
  std::size_t talk_history_limit = 200;  // per group
  std::size_t notice_limit = 50;
  // Ended alerts (cancelled, or past `expires`) stay for the after-action glance of the
  // operators, but not for ever: at most this many, and none ended more than a day before the
  // latest event; the journal keeps them all (reducer.cpp, prune_ended_alerts).
  static constexpr std::size_t kEndedAlertLimit = 50;
  static constexpr std::chrono::hours kEndedAlertRetention{24};
  std::map<std::string, GroupTalk> talk;          // group id -> talk
  std::map<std::string, StaffState> staff;        // staff id -> state
  std::map<std::string, RollcallState> rollcalls; // roll-call id -> state
  std::vector<std::string> rollcall_order;        // ids in start order
  std::map<std::string, AlertState> alerts;       // alert id -> state
  std::deque<NoticeEntry> notices;                // newest last
  std::map<std::string, SourceState> sources;     // source name -> its latest state
  static constexpr std::size_t kMaxSources = 32;  // source.state of further names is ignored
  bool operator==(const Situation&) const = default;

  // The open roll call of the given kind (drill or actual), if any.
  const RollcallState* open_rollcall(bool drill) const;
  // Alerts active at `now`, ordered by severity (highest first), then newest first; while
  // shows_actual(now), every actual alert before every drill alert (drill items demoted).
  std::vector<const AlertState*> active_alerts(TimePoint now) const;
  // Any drill item currently shown (active drill alert or open drill roll call).
  bool shows_drill(TimePoint now) const;
  // The wall's actual mode (DESIGN.md "Drill and actual on one wall"): an active actual
  // alert of severity warning or critical, or an open actual roll call. The actual band
  // then replaces the 訓練 band, whatever drill items are also shown.
  bool shows_actual(TimePoint now) const;
  // When the drill was last stopped (POST /v1/drill/stop: its 訓練中止 notice), if it was.
  std::optional<TimePoint> drill_stopped_at() const;
  // Effective availability at `now` (the status of effective_availability).
  Availability availability_at(std::string_view staff_id, TimePoint now) const;
  // Effective availability at `now`, derived from event times only (no clock), first match:
  //  1. check-in: while an actual (not drill) roll call is open, the person's latest answer
  //     in it with can_work yes/later/no (see checkin_availability); an answer given after
  //     `now` does not count yet, and a manual report received after the answer (a higher
  //     seq; events applied without a seq compare `at`) wins over it.
  //  2. manual: the latest manual report until its `until` (status unknown = none).
  //  3. calendar: the latest calendar-derived status until its `until` (unknown = none).
  //  4. unknown.
  EffectiveAvailability effective_availability(std::string_view staff_id, TimePoint now) const;
  // Per department (directory order) and in total: how many are available now and who.
  AvailabilityOverview availability_overview(TimePoint now) const;
};

// What a check-in's answer means for availability: yes -> in_office when the answer's
// location names the office (is_office_location), else en_route; later -> unknown (will
// come, not yet on the way); no -> off_duty; unknown -> std::nullopt (says nothing).
std::optional<Availability> checkin_availability(const RollcallCheckin& answer);
// "庁舎", "本庁舎", "役場", "役場庁舎", "office", "in_office" (ASCII case-insensitive, surrounding
// spaces ignored): the words the LINE WORKS rich menu, bcp-sim and operators use.
bool is_office_location(std::string_view location);

}  // namespace bcp::model
