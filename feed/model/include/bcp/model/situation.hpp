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
struct StaffState {
  std::optional<StaffAvailability> availability;  // latest reported, with its own `until`
  std::optional<TimePoint> availability_at;
  std::optional<TimePoint> last_seen;  // any source: talk, check-in, availability
  bool operator==(const StaffState&) const = default;
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
  bool operator==(const AlertState&) const = default;
};

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
  std::map<std::string, GroupTalk> talk;          // group id -> talk
  std::map<std::string, StaffState> staff;        // staff id -> state
  std::map<std::string, RollcallState> rollcalls; // roll-call id -> state
  std::vector<std::string> rollcall_order;        // ids in start order
  std::map<std::string, AlertState> alerts;       // alert id -> state
  std::deque<NoticeEntry> notices;                // newest last
  bool operator==(const Situation&) const = default;

  // The open roll call of the given kind (drill or actual), if any.
  const RollcallState* open_rollcall(bool drill) const;
  // Alerts active at `now`, ordered by severity (highest first), then newest first.
  std::vector<const AlertState*> active_alerts(TimePoint now) const;
  // Any drill item currently shown (active drill alert or open drill roll call).
  bool shows_drill(TimePoint now) const;
  // Effective availability at `now`: the reported status until its `until`, else unknown.
  Availability availability_at(std::string_view staff_id, TimePoint now) const;
};

}  // namespace bcp::model
