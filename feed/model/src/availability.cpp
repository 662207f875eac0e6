// Staff availability as the wall shows it: derived from the reported statuses, the open
// actual roll call's answers and `now`. No clock is read here: every wall and the daemon
// compute the same status for the same state and the same `now`.
#include <algorithm>
#include <cctype>
#include <iterator>
#include <tuple>

#include "bcp/model/situation.hpp"

namespace bcp::model {

namespace {

constexpr std::size_t kStatuses = static_cast<std::size_t>(Availability::unknown) + 1;

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool equals_ascii_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A report that still says something at `now`: not past its `until`, and not "unknown"
// (an explicit unknown clears the slot, so the next source shows through).
bool in_force(const std::optional<StaffAvailability>& a, TimePoint now) {
  return a && a->status != Availability::unknown && (!a->until || now < *a->until);
}

EffectiveAvailability from_report(const StaffAvailability& a, AvailabilityOrigin origin) {
  EffectiveAvailability out;
  out.status = a.status;
  out.origin = origin;
  out.until = a.until;
  out.note = a.note;
  return out;
}

// An actual roll call counts for availability from its start until it is closed; a query
// for a moment before the close (after-action review) still sees the answers.
bool actual_in_effect(const RollcallState& r, TimePoint now) {
  return !r.started.drill && (!r.closed_at || now < *r.closed_at);
}

// Newer by receipt: the journal's order, not the clients' clocks (one running ahead would
// win every later answer). Events applied without a journal (seq 0) compare their times.
bool reported_after(const StaffState& st, const CheckinRecord& answer) {
  if (st.availability_seq != 0 && answer.seq != 0) return st.availability_seq > answer.seq;
  return st.availability_at && *st.availability_at > answer.at;
}

}  // namespace

bool counts_as_available(Availability a) {
  return a == Availability::in_office || a == Availability::meeting || a == Availability::remote;
}

bool is_office_location(std::string_view location) {
  static constexpr std::string_view kOfficeWords[] = {"庁舎",     "本庁舎", "役場",
                                                      "役場庁舎", "office", "in_office"};
  const std::string_view word = trim_spaces(location);
  return std::any_of(std::begin(kOfficeWords), std::end(kOfficeWords),
                     [&](std::string_view w) { return equals_ascii_nocase(word, w); });
}

std::optional<Availability> checkin_availability(const RollcallCheckin& answer) {
  switch (answer.can_work) {
    case CanWork::yes:
      return answer.location && is_office_location(*answer.location) ? Availability::in_office
                                                                     : Availability::en_route;
    case CanWork::later:
      return Availability::unknown;
    case CanWork::no:
      return Availability::off_duty;
    case CanWork::unknown:
      return std::nullopt;
  }
  return std::nullopt;
}

EffectiveAvailability Situation::effective_availability(std::string_view staff_id,
                                                        TimePoint now) const {
  const std::string id(staff_id);
  auto found = staff.find(id);
  const StaffState* st = found == staff.end() ? nullptr : &found->second;
  const bool manual = st && in_force(st->availability, now);

  for (auto rc = rollcall_order.rbegin(); rc != rollcall_order.rend(); ++rc) {
    auto it = rollcalls.find(*rc);
    if (it == rollcalls.end() || !actual_in_effect(it->second, now)) continue;
    auto answer = it->second.latest.find(id);
    if (answer == it->second.latest.end()) continue;
    const CheckinRecord& record = answer->second;
    std::optional<Availability> status = checkin_availability(record.answer);
    if (!status) continue;
    // Someone who answered "coming" and then was marked in the office by the desk: the
    // newer word wins, so the wall does not show them en route until the roll call closes.
    if (manual && reported_after(*st, record)) break;
    EffectiveAvailability out;
    out.status = *status;
    out.origin = AvailabilityOrigin::checkin;
    out.note = record.answer.note;
    out.rollcall = *rc;
    out.can_work = record.answer.can_work;
    return out;
  }
  if (manual) return from_report(*st->availability, AvailabilityOrigin::manual);
  if (st && in_force(st->calendar, now)) {
    return from_report(*st->calendar, AvailabilityOrigin::calendar);
  }
  return {};
}

Availability Situation::availability_at(std::string_view staff_id, TimePoint now) const {
  return effective_availability(staff_id, now).status;
}

AvailabilityOverview Situation::availability_overview(TimePoint now) const {
  AvailabilityOverview out;
  for (const auto& d : directory.departments) out.departments.push_back({d.id, 0, {}, {}, {}});
  for (const auto& person : directory.staff) {
    auto department =
        std::find_if(out.departments.begin(), out.departments.end(),
                     [&](const auto& d) { return d.department == person.department; });
    if (department == out.departments.end()) {
      // A roster entry naming a department the directory lacks still gets counted.
      out.departments.push_back({person.department, 0, {}, {}, {}});
      department = std::prev(out.departments.end());
    }
    const Availability a = availability_at(person.id, now);
    for (DepartmentAvailability* d : {&*department, &out.total}) {
      ++d->staff;
      ++d->by_status[static_cast<std::size_t>(a)];
      if (counts_as_available(a)) d->available.push_back(person.id);
      if (a == Availability::en_route) d->en_route.push_back(person.id);
    }
  }
  static_assert(kStatuses == std::tuple_size_v<decltype(DepartmentAvailability::by_status)>);
  return out;
}

}  // namespace bcp::model
