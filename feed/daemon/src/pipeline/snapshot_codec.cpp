#include "pipeline/snapshot_codec.hpp"

#include <utility>
#include <variant>

#include "bcp/model/codec.hpp"
#include "bcp/model/strict_json.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

[[noreturn]] void refuse_snapshot(const std::string& what) { throw SnapshotError(what); }

const json& snapshot_member(const json& object, const char* name, json::value_t type) {
  auto it = object.find(name);
  if (it == object.end()) refuse_snapshot(std::string("/") + name + ": missing");
  // Any integer kind reads as a number: nlohmann tells unsigned from signed.
  const bool ok = it->type() == type || (type == json::value_t::number_integer &&
                                         it->type() == json::value_t::number_unsigned);
  if (!ok) refuse_snapshot(std::string("/") + name + ": " + model::describe_json(*it) + " is the wrong type");
  return *it;
}

std::vector<std::string> snapshot_strings(const json& array, const char* name) {
  std::vector<std::string> out;
  out.reserve(array.size());
  for (const json& v : array) {
    if (!v.is_string()) refuse_snapshot(std::string("/") + name + ": an element is not a string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

json encode_snapshot_rules(const CommitRules::State& rules) {
  json rollcalls = json::object();
  for (const auto& [id, r] : rules.rollcalls) rollcalls[id] = {{"drill", r.drill}, {"open", r.open}};
  return {{"rollcalls", std::move(rollcalls)}, {"alerts", rules.alerts}};
}

CommitRules::State decode_snapshot_rules(const json& in) {
  CommitRules::State rules;
  for (const auto& [id, r] : snapshot_member(in, "rollcalls", json::value_t::object).items()) {
    if (!r.is_object()) refuse_snapshot("/commit_rules/rollcalls/" + id + ": not an object");
    rules.rollcalls[id] = {snapshot_member(r, "drill", json::value_t::boolean).get<bool>(),
                           snapshot_member(r, "open", json::value_t::boolean).get<bool>()};
  }
  for (std::string& id : snapshot_strings(snapshot_member(in, "alerts", json::value_t::array), "alerts"))
    rules.alerts.insert(std::move(id));
  return rules;
}

// Each status as the staff.availability event the journal holds (time zero): the event codec
// is the one strict reader of it there is.
json encode_snapshot_calendar(const std::map<std::string, model::StaffAvailability>& calendar) {
  json out = json::array();
  for (const auto& [staff, status] : calendar) {
    model::Event e;
    e.body = status;
    out.push_back(model::to_json(e));
  }
  return out;
}

std::map<std::string, model::StaffAvailability> decode_snapshot_calendar(const json& array) {
  std::map<std::string, model::StaffAvailability> out;
  for (const json& v : array) {
    model::Event e = model::event_from_json(v);
    const auto* status = std::get_if<model::StaffAvailability>(&e.body);
    if (!status) refuse_snapshot("/calendar: an element is not a staff.availability");
    out.insert_or_assign(status->staff, *status);
  }
  return out;
}

}  // namespace

std::string event_check(const model::Event& event) {
  return std::string(model::type_name(event.body)) + " " + model::format_time(event.at) + " " +
         (event.received ? model::format_time(*event.received) : std::string("-"));
}

std::string encode_snapshot(const SnapshotState& state) {
  const json out = {{"format", kSnapshotFormat},
                    {"seq", state.seq},
                    {"at_event", state.at_event},
                    {"situation", model::situation_to_json(state.situation)},
                    {"commit_rules", encode_snapshot_rules(state.rules)},
                    {"calendar", encode_snapshot_calendar(state.calendar)},
                    {"hidden", state.hidden},
                    {"origins", state.origins}};
  return out.dump();
}

SnapshotState decode_snapshot(std::string_view text) {
  model::StrictJson parsed = model::parse_strict_json(text);
  if (!parsed.value) refuse_snapshot("not JSON: " + parsed.error);
  const json& in = *parsed.value;
  if (!in.is_object()) refuse_snapshot("not a JSON object");
  const auto format = snapshot_member(in, "format", json::value_t::number_integer).get<std::int64_t>();
  if (format != kSnapshotFormat) {
    refuse_snapshot("format " + std::to_string(format) + ", this build reads " +
           std::to_string(kSnapshotFormat));
  }
  SnapshotState state;
  state.seq = snapshot_member(in, "seq", json::value_t::number_integer).get<model::Seq>();
  state.at_event = snapshot_member(in, "at_event", json::value_t::string).get<std::string>();
  try {
    state.situation = model::situation_from_json(snapshot_member(in, "situation", json::value_t::object));
    state.calendar = decode_snapshot_calendar(snapshot_member(in, "calendar", json::value_t::array));
  } catch (const model::CodecError& e) {
    refuse_snapshot(std::string("the model's codec refused it: ") + e.what());
  }
  state.rules = decode_snapshot_rules(snapshot_member(in, "commit_rules", json::value_t::object));
  state.hidden = snapshot_strings(snapshot_member(in, "hidden", json::value_t::array), "hidden");
  state.origins = snapshot_strings(snapshot_member(in, "origins", json::value_t::array), "origins");
  return state;
}

}  // namespace bcp::daemon
