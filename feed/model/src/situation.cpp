// Read-side helpers of the Situation: what the wall asks when it draws a frame.
#include <algorithm>

#include "bcp/model/situation.hpp"

namespace bcp::model {

namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const DirectoryStaff* Directory::find_staff(std::string_view id) const {
  return find_by_id(staff, id);
}
const DirectoryDepartment* Directory::find_department(std::string_view id) const {
  return find_by_id(departments, id);
}
const DirectoryGroup* Directory::find_group(std::string_view id) const {
  return find_by_id(groups, id);
}

bool AlertState::active(TimePoint now) const {
  return !cancelled && (!alert.expires || now < *alert.expires);
}

std::optional<TimePoint> AlertState::ended_at(TimePoint now) const {
  if (cancelled) return updated_at;
  // One that arrived (or was updated) already past its expiry ended on arrival, not then:
  // a repeat of it must still find it.
  if (alert.expires && *alert.expires <= now) return std::max(*alert.expires, updated_at);
  return std::nullopt;
}

const RollcallState* Situation::open_rollcall(bool drill) const {
  // Newest first: if two were left open, the one just started is the one people answer.
  for (auto id = rollcall_order.rbegin(); id != rollcall_order.rend(); ++id) {
    auto it = rollcalls.find(*id);
    if (it != rollcalls.end() && it->second.open() && it->second.started.drill == drill) {
      return &it->second;
    }
  }
  return nullptr;
}

std::vector<const AlertState*> Situation::active_alerts(TimePoint now) const {
  std::vector<const AlertState*> out;
  for (const auto& [id, alert] : alerts) {
    if (alert.active(now)) out.push_back(&alert);
  }
  // A real event during a drill: the real alerts lead, the drill's follow demoted.
  const bool actual_first = shows_actual(now);
  // Ties are broken by id so that every wall lists equal alerts in the same order.
  std::sort(out.begin(), out.end(), [actual_first](const AlertState* a, const AlertState* b) {
    if (actual_first && a->alert.drill != b->alert.drill) return !a->alert.drill;
    if (a->alert.severity != b->alert.severity) return a->alert.severity > b->alert.severity;
    if (a->raised_at != b->raised_at) return a->raised_at > b->raised_at;
    return a->alert.alert < b->alert.alert;
  });
  return out;
}

bool Situation::shows_drill(TimePoint now) const {
  if (open_rollcall(true)) return true;
  return std::any_of(alerts.begin(), alerts.end(), [&](const auto& item) {
    return item.second.alert.drill && item.second.active(now);
  });
}

bool Situation::shows_actual(TimePoint now) const {
  if (open_rollcall(false)) return true;
  return std::any_of(alerts.begin(), alerts.end(), [&](const auto& item) {
    const AlertState& a = item.second;
    return !a.alert.drill && a.alert.severity >= Severity::warning && a.active(now);
  });
}

std::optional<TimePoint> Situation::drill_stopped_at() const {
  for (auto it = notices.rbegin(); it != notices.rend(); ++it) {
    if (it->notice.text == kDrillStoppedNotice) return it->at;
  }
  return std::nullopt;
}

}  // namespace bcp::model
