// Situation <-> JSON for snapshot frames and GET /v1/snapshot. Derived fields (counts,
// curve, milestones) are stored, not recomputed, so a wall that starts from a snapshot
// holds exactly the daemon's state, bit for bit.
#include <array>

#include "codec_detail.hpp"

namespace bcp::model {

namespace {

using detail::as_array;
using detail::child_pointer;
using detail::json;
using detail::ObjectReader;

constexpr std::array<std::string_view, 4> kMilestoneKeys{"25", "50", "75", "90"};

json encode_directory(const Directory& d) {
  json departments = json::array(), staff = json::array(), groups = json::array();
  for (const auto& x : d.departments) departments.push_back({{"id", x.id}, {"name", x.name}});
  for (const auto& x : d.staff) {
    staff.push_back({{"id", x.id}, {"name", x.name}, {"department", x.department}});
  }
  for (const auto& x : d.groups) groups.push_back({{"id", x.id}, {"name", x.name}});
  return {{"town_name", d.town_name},
          {"utc_offset_minutes", d.utc_offset_minutes},
          {"departments", std::move(departments)},
          {"staff", std::move(staff)},
          {"groups", std::move(groups)}};
}

// Calls read(element, pointer) for each element of the array at `key`.
template <typename Read>
void for_each_element(ObjectReader& in, std::string_view key, Read read) {
  const std::string pointer = in.pointer_of(key);
  const json& list = as_array(in.required(key), pointer);
  for (std::size_t i = 0; i < list.size(); ++i) read(list[i], child_pointer(pointer, i));
}

// Calls read(key, value, pointer) for each member of the object at `key`.
template <typename Read>
void for_each_member(ObjectReader& in, std::string_view key, Read read) {
  const std::string pointer = in.pointer_of(key);
  const json& object = detail::as_object(in.required(key), pointer);
  for (const auto& item : object.items()) {
    read(item.key(), item.value(), child_pointer(pointer, item.key()));
  }
}

Directory decode_directory(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  Directory d;
  d.town_name = in.string("town_name");
  const std::int64_t offset = in.integer("utc_offset_minutes");
  if (offset < -24 * 60 || offset > 24 * 60) {
    detail::fail(in.pointer_of("utc_offset_minutes"), "out of range (expected -1440..1440)");
  }
  d.utc_offset_minutes = static_cast<int>(offset);
  for_each_element(in, "departments", [&](const json& v, const std::string& p) {
    ObjectReader x(v, p);
    d.departments.push_back({x.id("id"), x.string("name")});
    x.finish();
  });
  for_each_element(in, "staff", [&](const json& v, const std::string& p) {
    ObjectReader x(v, p);
    d.staff.push_back({x.id("id"), x.string("name"), x.string("department")});
    x.finish();
  });
  for_each_element(in, "groups", [&](const json& v, const std::string& p) {
    ObjectReader x(v, p);
    d.groups.push_back({x.id("id"), x.string("name")});
    x.finish();
  });
  in.finish();
  return d;
}

template <typename Enum, std::size_t N>
json encode_tally(const std::array<std::size_t, N>& tally) {
  json out = json::object();
  const auto names = detail::enum_names<Enum>();
  for (std::size_t i = 0; i < N; ++i) out[std::string(names[i])] = tally[i];
  return out;
}

template <typename Enum, std::size_t N>
std::array<std::size_t, N> decode_tally(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  std::array<std::size_t, N> tally{};
  const auto names = detail::enum_names<Enum>();
  for (std::size_t i = 0; i < N; ++i) tally[i] = in.count(names[i]);
  in.finish();
  return tally;
}

json encode_counts(const RollcallCounts& c) {
  return {{"in_scope", c.in_scope},
          {"answered", c.answered},
          {"by_safety", encode_tally<Safety>(c.by_safety)},
          {"by_can_work", encode_tally<CanWork>(c.by_can_work)}};
}

RollcallCounts decode_counts(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  RollcallCounts c;
  c.in_scope = in.count("in_scope");
  c.answered = in.count("answered");
  c.by_safety = decode_tally<Safety, 4>(in.required("by_safety"), in.pointer_of("by_safety"));
  c.by_can_work =
      decode_tally<CanWork, 4>(in.required("by_can_work"), in.pointer_of("by_can_work"));
  in.finish();
  return c;
}

// Compact: a person's entry has only what happened to them, and a roll call without any
// send has no "delivery" at all (as in snapshots from before the distribution).
json encode_delivery(const RollcallState& r) {
  json staff = json::object();
  for (const auto& [id, d] : r.delivery) {
    json out = json::object();
    if (d.messaged_at) out["messaged_at"] = format_time(*d.messaged_at);
    if (d.reminders != 0) out["reminders"] = d.reminders;
    if (d.reminded_at) out["reminded_at"] = format_time(*d.reminded_at);
    if (!d.failures.empty()) {
      json failures = json::array();
      for (const auto& f : d.failures) {
        failures.push_back(
            {{"at", format_time(f.at)}, {"step", to_string(f.step)}, {"why", f.why}});
      }
      out["failures"] = std::move(failures);
    }
    staff[id] = std::move(out);
  }
  return {{"messaged", r.messaged}, {"staff", std::move(staff)}};
}

StaffDelivery decode_staff_delivery(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  StaffDelivery d;
  d.messaged_at = in.optional_time("messaged_at");
  if (const json* n = in.optional("reminders")) {
    d.reminders = detail::as_count(*n, in.pointer_of("reminders"));
  }
  d.reminded_at = in.optional_time("reminded_at");
  if (in.optional("failures")) {
    for_each_element(in, "failures", [&](const json& v, const std::string& p) {
      // The reducer keeps at most kFailureLimit; more is not a snapshot this model wrote.
      if (d.failures.size() == StaffDelivery::kFailureLimit) {
        detail::fail(p, "more than " + std::to_string(StaffDelivery::kFailureLimit) +
                            " failures per person");
      }
      ObjectReader x(v, p);
      DeliveryFailure f;
      f.at = x.time("at");
      f.step = x.enumeration<MessageStep>("step");
      f.why = x.string("why");
      x.finish();
      d.failures.push_back(std::move(f));
    });
  }
  in.finish();
  return d;
}

json encode_rollcall(const RollcallState& r) {
  json latest = json::object(), by_department = json::object(), curve = json::array();
  for (const auto& [staff, record] : r.latest) {
    latest[staff] = {{"seq", record.seq},
                     {"at", format_time(record.at)},
                     {"answer", detail::encode_object(record.answer)}};
  }
  for (const auto& [department, counts] : r.by_department) {
    by_department[department] = encode_counts(counts);
  }
  for (const auto& point : r.curve) {
    curve.push_back({{"at", format_time(point.at)}, {"answered", point.answered}});
  }
  json reached = json::object();
  for (std::size_t i = 0; i < r.reached.size(); ++i) {
    if (r.reached[i]) reached[std::string(kMilestoneKeys[i])] = format_time(*r.reached[i]);
  }
  json out = {{"started", detail::encode_object(r.started)},
              {"started_at", format_time(r.started_at)},
              {"scope", r.scope},
              {"latest", std::move(latest)},
              {"total", encode_counts(r.total)},
              {"by_department", std::move(by_department)},
              {"curve", std::move(curve)},
              {"reached", std::move(reached)}};
  if (r.closed_at) out["closed_at"] = format_time(*r.closed_at);
  if (!r.delivery.empty() || r.messaged != 0) out["delivery"] = encode_delivery(r);
  return out;
}

RollcallState decode_rollcall(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  RollcallState r;
  r.started =
      detail::decode_object<RollcallStarted>(in.required("started"), in.pointer_of("started"));
  r.started_at = in.time("started_at");
  r.closed_at = in.optional_time("closed_at");
  for_each_element(in, "scope", [&](const json& v, const std::string& p) {
    r.scope.push_back(detail::as_id(v, p));
  });
  for_each_member(in, "latest", [&](const std::string& staff, const json& v, const std::string& p) {
    ObjectReader x(v, p);
    CheckinRecord record;
    record.seq = x.integer("seq");
    record.at = x.time("at");
    record.answer =
        detail::decode_object<RollcallCheckin>(x.required("answer"), x.pointer_of("answer"));
    x.finish();
    r.latest.emplace(staff, std::move(record));
  });
  r.total = decode_counts(in.required("total"), in.pointer_of("total"));
  for_each_member(in, "by_department",
                  [&](const std::string& department, const json& v, const std::string& p) {
                    r.by_department.emplace(department, decode_counts(v, p));
                  });
  for_each_element(in, "curve", [&](const json& v, const std::string& p) {
    ObjectReader x(v, p);
    r.curve.push_back({x.time("at"), x.count("answered")});
    x.finish();
  });
  {
    ObjectReader reached(in.required("reached"), in.pointer_of("reached"));
    for (std::size_t i = 0; i < r.reached.size(); ++i) {
      r.reached[i] = reached.optional_time(kMilestoneKeys[i]);
    }
    reached.finish();
  }
  // Optional: snapshots from before the bot's distribution have none.
  if (const json* delivery = in.optional("delivery")) {
    ObjectReader x(*delivery, in.pointer_of("delivery"));
    r.messaged = x.count("messaged");
    for_each_member(x, "staff", [&](const std::string& staff, const json& v, const std::string& p) {
      r.delivery.emplace(staff, decode_staff_delivery(v, p));
    });
    x.finish();
  }
  in.finish();
  return r;
}

json encode_alert(const AlertState& a) {
  json out = {{"alert", detail::encode_object(a.alert)},
              {"raised_at", format_time(a.raised_at)},
              {"updated_at", format_time(a.updated_at)},
              {"updates", a.updates},
              {"cancelled", a.cancelled}};
  if (a.acknowledged_by) out["acknowledged_by"] = *a.acknowledged_by;
  if (a.acknowledged_at) out["acknowledged_at"] = format_time(*a.acknowledged_at);
  if (a.cancel_reason) out["cancel_reason"] = *a.cancel_reason;
  return out;
}

AlertState decode_alert(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  AlertState a;
  a.alert = detail::decode_object<AlertRaised>(in.required("alert"), in.pointer_of("alert"));
  a.raised_at = in.time("raised_at");
  a.updated_at = in.time("updated_at");
  a.updates = in.count("updates");
  a.cancelled = in.boolean("cancelled");
  a.acknowledged_by = in.optional_string("acknowledged_by");
  a.acknowledged_at = in.optional_time("acknowledged_at");
  a.cancel_reason = in.optional_string("cancel_reason");
  in.finish();
  return a;
}

}  // namespace

json situation_to_json(const Situation& s) {
  json talk = json::object(), staff = json::object(), rollcalls = json::object(),
       alerts = json::object(), notices = json::array(), sources = json::object();
  for (const auto& [group, g] : s.talk) {
    json recent = json::array();
    for (const auto& entry : g.recent) {
      recent.push_back({{"seq", entry.seq},
                        {"at", format_time(entry.at)},
                        {"message", detail::encode_object(entry.message)}});
    }
    talk[group] = {{"recent", std::move(recent)}, {"total", g.total}};
  }
  for (const auto& [id, state] : s.staff) {
    json out = json::object();
    if (state.availability) out["availability"] = detail::encode_object(*state.availability);
    if (state.availability_at) out["availability_at"] = format_time(*state.availability_at);
    if (state.availability_seq != 0) out["availability_seq"] = state.availability_seq;
    if (state.calendar) out["calendar"] = detail::encode_object(*state.calendar);
    if (state.calendar_at) out["calendar_at"] = format_time(*state.calendar_at);
    if (state.last_seen) out["last_seen"] = format_time(*state.last_seen);
    staff[id] = std::move(out);
  }
  for (const auto& [id, r] : s.rollcalls) rollcalls[id] = encode_rollcall(r);
  for (const auto& [id, a] : s.alerts) alerts[id] = encode_alert(a);
  for (const auto& [name, state] : s.sources) sources[name] = detail::encode_object(state);
  for (const auto& n : s.notices) {
    notices.push_back(
        {{"seq", n.seq}, {"at", format_time(n.at)}, {"notice", detail::encode_object(n.notice)}});
  }
  return {{"directory", encode_directory(s.directory)},
          {"last_seq", s.last_seq},
          {"limits", {{"talk_history", s.talk_history_limit}, {"notices", s.notice_limit}}},
          {"talk", std::move(talk)},
          {"staff", std::move(staff)},
          {"rollcalls", std::move(rollcalls)},
          {"rollcall_order", s.rollcall_order},
          {"alerts", std::move(alerts)},
          {"notices", std::move(notices)},
          {"sources", std::move(sources)}};
}

Situation situation_from_json(const json& input) {
  ObjectReader in(input, "");
  Situation s;
  s.directory = decode_directory(in.required("directory"), in.pointer_of("directory"));
  s.last_seq = static_cast<Seq>(in.count("last_seq"));
  {
    ObjectReader limits(in.required("limits"), in.pointer_of("limits"));
    s.talk_history_limit = limits.count("talk_history");
    s.notice_limit = limits.count("notices");
    limits.finish();
  }
  for_each_member(in, "talk", [&](const std::string& group, const json& v, const std::string& p) {
    ObjectReader x(v, p);
    GroupTalk g;
    for_each_element(x, "recent", [&](const json& e, const std::string& ep) {
      ObjectReader entry(e, ep);
      TalkEntry t;
      t.seq = entry.integer("seq");
      t.at = entry.time("at");
      t.message = detail::decode_object<TalkMessage>(entry.required("message"),
                                                     entry.pointer_of("message"));
      entry.finish();
      g.recent.push_back(std::move(t));
    });
    g.total = x.count("total");
    x.finish();
    s.talk.emplace(group, std::move(g));
  });
  for_each_member(in, "staff", [&](const std::string& id, const json& v, const std::string& p) {
    ObjectReader x(v, p);
    StaffState state;
    if (const json* a = x.optional("availability")) {
      state.availability =
          detail::decode_object<StaffAvailability>(*a, x.pointer_of("availability"));
    }
    state.availability_at = x.optional_time("availability_at");
    if (const json* seq = x.optional("availability_seq")) {
      state.availability_seq = detail::as_integer(*seq, x.pointer_of("availability_seq"));
    }
    if (const json* a = x.optional("calendar")) {
      state.calendar = detail::decode_object<StaffAvailability>(*a, x.pointer_of("calendar"));
    }
    state.calendar_at = x.optional_time("calendar_at");
    state.last_seen = x.optional_time("last_seen");
    x.finish();
    s.staff.emplace(id, std::move(state));
  });
  for_each_member(in, "rollcalls", [&](const std::string& id, const json& v, const std::string& p) {
    s.rollcalls.emplace(id, decode_rollcall(v, p));
  });
  for_each_element(in, "rollcall_order", [&](const json& v, const std::string& p) {
    s.rollcall_order.push_back(detail::as_id(v, p));
  });
  for_each_member(in, "alerts", [&](const std::string& id, const json& v, const std::string& p) {
    s.alerts.emplace(id, decode_alert(v, p));
  });
  for_each_element(in, "notices", [&](const json& v, const std::string& p) {
    ObjectReader x(v, p);
    NoticeEntry n;
    n.seq = x.integer("seq");
    n.at = x.time("at");
    n.notice = detail::decode_object<Notice>(x.required("notice"), x.pointer_of("notice"));
    x.finish();
    s.notices.push_back(std::move(n));
  });
  // Optional: snapshots from before source health (and replays of them) have none.
  if (in.optional("sources")) {
    for_each_member(in, "sources",
                    [&](const std::string& name, const json& v, const std::string& p) {
                      s.sources.emplace(name, detail::decode_object<SourceState>(v, p));
                    });
  }
  in.finish();
  return s;
}

}  // namespace bcp::model
