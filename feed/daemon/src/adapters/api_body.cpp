#include "bcp/daemon/adapters/api_body.hpp"

#include <optional>
#include <span>

#include "bcp/model/codec.hpp"
#include "bcp/model/strict_json.hpp"

namespace bcp::daemon {

using nlohmann::json;

namespace {

Refusal malformed(std::string message) {
  return Refusal{400, RefusalReason::malformed, std::move(message)};
}

// Fields the server assigns; a client sending them is told so rather than silently ignored.
// `seq`, `received` and `origin` are the journal's, on every route.
std::span<const char* const> assigned_fields(ApiBody kind) {
  static constexpr const char* kTalk[] = {"seq", "received", "origin", "type", "message_id"};
  static constexpr const char* kAvailability[] = {"seq", "received", "origin", "type"};
  static constexpr const char* kCheckin[] = {"seq", "received", "origin", "type", "rollcall"};
  static constexpr const char* kOther[] = {"seq", "received", "origin"};
  switch (kind) {
    case ApiBody::talk:
      return kTalk;
    case ApiBody::availability:
      return kAvailability;
    case ApiBody::checkin:
      return kCheckin;
    case ApiBody::rollcall_start:
    case ApiBody::alert_raise:
      break;
  }
  return kOther;
}

void set_default(json& item, const char* key, json value) {
  if (!item.contains(key)) item[key] = std::move(value);
}

// `source` says which adapter took the item, never what the client claims: a status from
// this API is "manual", a check-in or talk "api", whatever the body says. The one true value
// is accepted; a claim to be another source (the calendar, LINE WORKS) is refused, so a
// client that believed it could be one is told instead of being silently relabelled.
std::optional<Refusal> set_source(json& item, const char* adapter) {
  auto it = item.find("source");
  if (it != item.end() && !(it->is_string() && it->get_ref<const std::string&>() == adapter)) {
    return malformed(std::string("/source: set by the daemon (\"") + adapter +
                     "\" for this endpoint), not by the client");
  }
  item["source"] = adapter;
  return std::nullopt;
}

}  // namespace

std::variant<json, Refusal> parse_body_object(std::string_view text) {
  model::StrictJson parsed = model::parse_strict_json(text);
  if (!parsed.value) return malformed("malformed JSON: " + parsed.error);
  if (!parsed.value->is_object()) return malformed("body must be a JSON object");
  return std::move(*parsed.value);
}

std::variant<json, Refusal> read_api_body(ApiBody kind, std::string_view text) {
  auto body = parse_body_object(text);
  if (auto* r = std::get_if<Refusal>(&body)) return *r;
  json& item = std::get<json>(body);
  if (auto r = check_declared_level(item)) return *r;
  for (const char* key : assigned_fields(kind)) {
    if (item.contains(key)) {
      return malformed(std::string("/") + key + ": assigned by the server, do not send it");
    }
  }
  return body;
}

std::variant<model::Event, Refusal> api_event(ApiBody kind, json item,
                                              const ApiDefaults& defaults) {
  // The level was checked in stage 1; C is the only one left and the model has no field for it.
  item.erase("level");
  switch (kind) {
    case ApiBody::talk:
      item["type"] = "talk.message";
      item["message_id"] = defaults.new_id;
      if (auto r = set_source(item, "api")) return *r;
      break;
    case ApiBody::availability:
      item["type"] = "staff.availability";
      if (auto r = set_source(item, "manual")) return *r;
      break;
    case ApiBody::checkin:
      item["type"] = "rollcall.checkin";
      item["rollcall"] = defaults.rollcall;
      if (auto r = set_source(item, "api")) return *r;
      break;
    case ApiBody::rollcall_start:
      item["type"] = "rollcall.started";
      set_default(item, "rollcall", defaults.new_id);
      set_default(item, "drill", false);
      set_default(item, "departments", json::array());
      set_default(item, "trigger", "manual");
      break;
    case ApiBody::alert_raise:
      item["type"] = "alert.raised";
      set_default(item, "alert", defaults.new_id);
      set_default(item, "drill", false);
      set_default(item, "body", "");
      // Who raised it is the token's name, never what the body claims (a JMA or CAP source).
      if (item.contains("source")) {
        return malformed(
            "/source: set by the daemon (manual, with the token's name), not by the client");
      }
      item["source"] = {{"kind", "manual"}, {"ref", defaults.token_name}};
      break;
  }
  set_default(item, "at", model::format_time(defaults.now));
  model::Event event;
  try {
    event = model::event_from_json(item);
  } catch (const model::CodecError& e) {
    return malformed(e.what());
  }
  // `defaults.now` is when the daemon received the body: a client clock ahead is refused.
  if (auto r = check_not_ahead(event.at, defaults.now, "/at")) return *r;
  // What the journal could not write and read back (a time beyond 9999 in UTC) is malformed
  // here, before the commit queue, never a journal failure.
  if (auto r = check_readable(event)) return *r;
  return event;
}

std::variant<model::Event, Refusal> event_from_api_body(ApiBody kind, std::string_view text,
                                                        const ApiDefaults& defaults) {
  auto body = read_api_body(kind, text);
  if (auto* r = std::get_if<Refusal>(&body)) return *r;
  return api_event(kind, std::move(std::get<json>(body)), defaults);
}

std::variant<std::optional<std::string>, Refusal> optional_string_field(const json& body,
                                                                        const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return malformed(std::string("/") + key + ": expected a string, got " +
                     model::describe_json(*it));
  }
  return std::optional<std::string>(it->get<std::string>());
}

}  // namespace bcp::daemon
