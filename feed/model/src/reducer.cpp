// The reducer. It must stay a pure function of (state, event): the daemon and every wall
// run it independently and must arrive at the same state, so nothing here may read a
// clock, a random source or iteration order of an unordered container.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "bcp/model/reducer.hpp"

namespace bcp::model {

namespace {

constexpr std::array<std::size_t, 4> kMilestonePercent{25, 50, 75, 90};

void saw(Situation& s, const std::string& staff_id, const Event& e) {
  // A client's clock may run ahead (JST sent with a Z is 9 h ahead): the daemon's receipt
  // time bounds it, so nobody is "last seen" in the future.
  const TimePoint at = e.received ? std::min(e.at, *e.received) : e.at;
  auto& last_seen = s.staff[staff_id].last_seen;
  // Sources deliver late (a phone back in coverage); seen-at never moves backwards.
  if (!last_seen || *last_seen < at) last_seen = at;
}

void add(RollcallCounts& c, const RollcallCheckin& answer) {
  ++c.by_safety[static_cast<std::size_t>(answer.safety)];
  ++c.by_can_work[static_cast<std::size_t>(answer.can_work)];
}
void remove(RollcallCounts& c, const RollcallCheckin& answer) {
  --c.by_safety[static_cast<std::size_t>(answer.safety)];
  --c.by_can_work[static_cast<std::size_t>(answer.can_work)];
}

class Reducer {
 public:
  Reducer(Situation& s, const Event& e) : s_(s), e_(e) {}

  void operator()(const TalkMessage& m) {
    GroupTalk& group = s_.talk[m.group];
    group.recent.push_back({e_.seq, e_.at, m});
    while (group.recent.size() > s_.talk_history_limit) group.recent.pop_front();
    ++group.total;
    // Outside members (協力隊, "external") post too; only roster staff have a staff state.
    if (s_.directory.find_staff(m.sender.id)) saw(s_, m.sender.id, e_);
  }

  void operator()(const StaffAvailability& a) {
    StaffState& staff = s_.staff[a.staff];
    // Calendar imports keep their own slot: a manual status with `until` falls back to the
    // calendar afterwards, and a calendar re-import never overwrites what the desk set.
    if (a.source == AvailabilitySource::calendar) {
      staff.calendar = a;
      staff.calendar_at = e_.at;
    } else {
      staff.availability = a;
      staff.availability_at = e_.at;
      staff.availability_seq = e_.seq;
    }
    saw(s_, a.staff, e_);
  }

  void operator()(const RollcallStarted& r) {
    if (s_.rollcalls.contains(r.rollcall)) return;
    RollcallState state;
    state.started = r;
    state.started_at = e_.at;
    const auto wanted = [&](const std::string& department) {
      return r.departments.empty() || std::find(r.departments.begin(), r.departments.end(),
                                                department) != r.departments.end();
    };
    // Every department in scope gets a row, even one without staff, so the wall's table
    // has the same rows on every screen.
    for (const auto& d : s_.directory.departments) {
      if (wanted(d.id)) state.by_department[d.id];
    }
    for (const auto& d : r.departments) state.by_department[d];
    for (const auto& staff : s_.directory.staff) {
      if (!wanted(staff.department)) continue;
      state.scope.push_back(staff.id);
      ++state.by_department[staff.department].in_scope;
    }
    state.total.in_scope = state.scope.size();
    state.curve.push_back({e_.at, 0});
    s_.rollcalls.emplace(r.rollcall, std::move(state));
    s_.rollcall_order.push_back(r.rollcall);
  }

  void operator()(const RollcallCheckin& c) {
    auto it = s_.rollcalls.find(c.rollcall);
    if (it == s_.rollcalls.end() || !it->second.open()) return;
    RollcallState& r = it->second;
    if (std::find(r.scope.begin(), r.scope.end(), c.staff) == r.scope.end()) return;

    const DirectoryStaff* person = s_.directory.find_staff(c.staff);
    RollcallCounts* department =
        person ? &r.by_department[person->department] : nullptr;  // null if roster changed
    auto previous = r.latest.find(c.staff);
    if (previous != r.latest.end()) {
      // A corrected answer replaces the earlier one; it is not a second person answering.
      remove(r.total, previous->second.answer);
      if (department) remove(*department, previous->second.answer);
    } else {
      ++r.total.answered;
      if (department) ++department->answered;
      r.curve.push_back({e_.at, r.total.answered});
      for (std::size_t i = 0; i < kMilestonePercent.size(); ++i) {
        if (!r.reached[i] && r.total.answered * 100 >= kMilestonePercent[i] * r.total.in_scope) {
          r.reached[i] = e_.at;
        }
      }
    }
    add(r.total, c);
    if (department) add(*department, c);
    r.latest[c.staff] = {e_.seq, e_.at, c};
    saw(s_, c.staff, e_);
  }

  void operator()(const RollcallClosed& c) {
    auto it = s_.rollcalls.find(c.rollcall);
    if (it != s_.rollcalls.end() && it->second.open()) it->second.closed_at = e_.at;
  }

  // The outbox journals one per finished send. Sends go on after a close (a reminder in
  // flight), so a closed roll call still records them; an unknown roll call or a person out
  // of its scope (a foreign journal, a roster changed since) is ignored.
  void operator()(const RollcallMessaged& m) {
    auto it = s_.rollcalls.find(m.rollcall);
    if (it == s_.rollcalls.end()) return;
    RollcallState& r = it->second;
    if (std::find(r.scope.begin(), r.scope.end(), m.staff) == r.scope.end()) return;
    StaffDelivery& d = r.delivery[m.staff];
    if (m.outcome == SendOutcome::failed) {
      d.failures.push_back({e_.at, m.step, m.why.value_or("")});
      while (d.failures.size() > StaffDelivery::kFailureLimit) d.failures.pop_front();
      return;
    }
    if (m.step == MessageStep::reminder) {
      ++d.reminders;
      if (!d.reminded_at || *d.reminded_at < e_.at) d.reminded_at = e_.at;
      return;
    }
    // A question sent twice (in flight at a crash, resent after the restart) is one person.
    if (d.messaged_at) return;
    d.messaged_at = e_.at;
    ++r.messaged;
  }

  void operator()(const AlertRaised& a) {
    auto it = s_.alerts.find(a.alert);
    if (it != s_.alerts.end()) {
      // Sources repeat a bulletin with the same id when its content changes (CAP Update,
      // JMA 続報): that is the same alert on the wall, not a second one.
      it->second.alert = a;
      it->second.updated_at = e_.at;
      ++it->second.updates;
      return;
    }
    AlertState state;
    state.alert = a;
    state.raised_at = e_.at;
    state.updated_at = e_.at;
    s_.alerts.emplace(a.alert, std::move(state));
  }

  void operator()(const AlertUpdated& u) {
    auto it = s_.alerts.find(u.alert);
    if (it == s_.alerts.end()) return;
    AlertRaised& a = it->second.alert;
    if (u.kind) a.kind = *u.kind;
    if (u.severity) a.severity = *u.severity;
    if (u.drill) a.drill = *u.drill;
    if (u.title) a.title = *u.title;
    if (u.body) a.body = *u.body;
    if (u.area) a.area = *u.area;
    if (u.expires) a.expires = *u.expires;
    ++it->second.updates;
    it->second.updated_at = e_.at;
  }

  void operator()(const AlertCancelled& c) {
    auto it = s_.alerts.find(c.alert);
    if (it == s_.alerts.end()) return;
    it->second.cancelled = true;
    it->second.cancel_reason = c.reason;
    it->second.updated_at = e_.at;  // when it ended (prune_ended_alerts)
  }

  void operator()(const AlertAcknowledged& a) {
    auto it = s_.alerts.find(a.alert);
    if (it == s_.alerts.end()) return;
    it->second.acknowledged_by = a.by;
    it->second.acknowledged_at = e_.at;
  }

  void operator()(const TalkHidden& h) {
    // Ids are unique across groups, so the first group holding it is the only one. `total`
    // keeps counting it: the message was seen, it is only no longer shown.
    for (auto& [group, talk] : s_.talk) {
      auto it = std::find_if(talk.recent.begin(), talk.recent.end(), [&](const TalkEntry& e) {
        return e.message.message_id == h.message_id;
      });
      if (it == talk.recent.end()) continue;
      talk.recent.erase(it);
      return;
    }
  }

  // The photo service journals this once the image is stored. A message that has left the
  // history (or was hidden) meanwhile has nothing to fold into; neither has a ref naming an
  // attachment that is not an image.
  void operator()(const TalkPhoto& p) {
    auto group = s_.talk.find(p.group);
    if (group == s_.talk.end()) return;
    for (TalkEntry& entry : group->second.recent) {
      if (entry.message.message_id != p.message_id) continue;
      auto& attachments = entry.message.attachments;
      const auto index = static_cast<std::size_t>(p.attachment);
      if (index < attachments.size() && attachments[index].kind == AttachmentKind::image) {
        attachments[index].ref = p.ref;
      }
      return;
    }
  }

  // Only the daemon journals these, one per configured source; the cap keeps a foreign
  // journal or stream from growing the map without bound.
  void operator()(const SourceState& v) {
    if (s_.sources.size() >= Situation::kMaxSources && !s_.sources.contains(v.source)) return;
    s_.sources[v.source] = v;
  }

  void operator()(const Notice& n) {
    s_.notices.push_back({e_.seq, e_.at, n});
    while (s_.notices.size() > s_.notice_limit) s_.notices.pop_front();
  }

 private:
  Situation& s_;
  const Event& e_;
};

// Ended alerts leave the live situation (the journal keeps them): those ended more than
// kEndedAlertRetention before `now`, and the oldest beyond kEndedAlertLimit. `now` is the
// event's receipt time, which the daemon and every wall see alike, so all prune the same.
void prune_ended_alerts(Situation& s, TimePoint now) {
  std::vector<std::pair<TimePoint, const std::string*>> ended;
  for (auto it = s.alerts.begin(); it != s.alerts.end();) {
    const auto end = it->second.ended_at(now);
    if (end && *end + Situation::kEndedAlertRetention < now) {
      it = s.alerts.erase(it);
      continue;
    }
    if (end) ended.emplace_back(*end, &it->first);
    ++it;
  }
  if (ended.size() <= Situation::kEndedAlertLimit) return;
  // Oldest first; ties by id, as every wall must pick the same ones.
  std::sort(ended.begin(), ended.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  });
  std::vector<std::string> gone;
  for (std::size_t i = 0; i + Situation::kEndedAlertLimit < ended.size(); ++i) {
    gone.push_back(*ended[i].second);
  }
  for (const std::string& id : gone) s.alerts.erase(id);
}

}  // namespace

bool apply(Situation& s, const Event& event) {
  if (event.seq != 0 && event.seq <= s.last_seq) return false;
  std::visit(Reducer(s, event), event.body);
  if (event.seq != 0) s.last_seq = event.seq;
  if (!s.alerts.empty()) prune_ended_alerts(s, event.received.value_or(event.at));
  return true;
}

}  // namespace bcp::model
