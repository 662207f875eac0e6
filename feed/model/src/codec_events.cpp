// Event <-> JSON. Events are flat objects: `type`, `at`, journal metadata and the payload's
// fields side by side, as in DESIGN.md's vocabulary table.
#include "codec_detail.hpp"

#include <algorithm>

namespace bcp::model {

namespace detail {

namespace {

template <typename T>
void put_optional(json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}
void put_optional(json& out, const char* key, const std::optional<TimePoint>& value) {
  if (value) out[key] = format_time(*value);
}
template <typename Enum>
void put_optional_enum(json& out, const char* key, const std::optional<Enum>& value) {
  if (value) out[key] = to_string(*value);
}

json encode_sender(const Sender& v) {
  json out = {{"id", v.id}, {"name", v.name}};
  put_optional(out, "department", v.department);
  return out;
}

json encode_attachment(const Attachment& v) {
  json out = {{"kind", to_string(v.kind)}};
  put_optional(out, "name", v.name);
  put_optional(out, "lat", v.lat);
  put_optional(out, "lon", v.lon);
  put_optional(out, "address", v.address);
  put_optional(out, "ref", v.ref);
  return out;
}

std::optional<double> coordinate(ObjectReader& in, std::string_view key, int limit) {
  auto value = in.optional_number(key);
  if (value && (*value < -limit || *value > limit)) {
    const std::string bound = std::to_string(limit);
    fail(in.pointer_of(key), "out of range (expected -" + bound + ".." + bound + ")");
  }
  return value;
}

Attachment decode_attachment(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  Attachment v;
  v.kind = in.enumeration<AttachmentKind>("kind");
  v.name = in.optional_string("name");
  v.lat = coordinate(in, "lat", 90);
  v.lon = coordinate(in, "lon", 180);
  v.address = in.optional_string("address");
  v.ref = in.optional_string("ref");
  if (v.ref && !is_photo_ref(*v.ref)) fail(in.pointer_of("ref"), "not a photo ref (32 lowercase hex characters)");
  if (v.ref && v.kind != AttachmentKind::image) fail(in.pointer_of("ref"), "only an image has a photo ref");
  in.finish();
  return v;
}

// Characters, not bytes: a reason in Japanese is three bytes a character. Counts lead bytes,
// which for valid UTF-8 (all the journal can store) is the number of characters.
std::size_t utf8_characters(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> decode_id_list(ObjectReader& in, std::string_view key) {
  std::vector<std::string> ids;
  if (const json* list = in.optional(key)) {
    const std::string pointer = in.pointer_of(key);
    for (std::size_t i = 0; i < as_array(*list, pointer).size(); ++i) {
      ids.push_back(as_id((*list)[i], child_pointer(pointer, i)));
    }
  }
  return ids;
}

}  // namespace

void encode_fields(const TalkMessage& v, json& out) {
  out["group"] = v.group;
  out["message_id"] = v.message_id;
  out["sender"] = encode_sender(v.sender);
  out["text"] = v.text;
  json attachments = json::array();
  for (const auto& a : v.attachments) attachments.push_back(encode_attachment(a));
  out["attachments"] = std::move(attachments);
  out["source"] = to_string(v.source);
}

void decode_fields(ObjectReader& in, TalkMessage& v) {
  v.group = in.id("group");
  v.message_id = in.id("message_id");
  {
    ObjectReader sender(in.required("sender"), in.pointer_of("sender"));
    v.sender.id = sender.id("id");
    v.sender.name = sender.string("name");
    v.sender.department = sender.optional_string("department");
    sender.finish();
  }
  v.text = in.string("text");
  // Absent means "none": API clients posting plain text should not have to send [].
  if (const json* list = in.optional("attachments")) {
    const std::string pointer = in.pointer_of("attachments");
    for (std::size_t i = 0; i < as_array(*list, pointer).size(); ++i) {
      v.attachments.push_back(decode_attachment((*list)[i], child_pointer(pointer, i)));
    }
  }
  v.source = in.enumeration<TalkSource>("source");
}

void encode_fields(const StaffAvailability& v, json& out) {
  out["staff"] = v.staff;
  out["status"] = to_string(v.status);
  put_optional(out, "until", v.until);
  put_optional(out, "note", v.note);
  out["source"] = to_string(v.source);
}

void decode_fields(ObjectReader& in, StaffAvailability& v) {
  v.staff = in.id("staff");
  v.status = in.enumeration<Availability>("status");
  v.until = in.optional_time("until");
  v.note = in.optional_string("note");
  v.source = in.enumeration<AvailabilitySource>("source");
}

void encode_fields(const RollcallStarted& v, json& out) {
  out["rollcall"] = v.rollcall;
  out["title"] = v.title;
  out["drill"] = v.drill;
  out["departments"] = v.departments;
  out["trigger"] = to_string(v.trigger);
}

void decode_fields(ObjectReader& in, RollcallStarted& v) {
  v.rollcall = in.id("rollcall");
  v.title = in.string("title");
  // Required on purpose: a forgotten flag must not turn a drill into a real roll call.
  v.drill = in.boolean("drill");
  v.departments = decode_id_list(in, "departments");  // absent = [] = all
  v.trigger = in.enumeration<RollcallTrigger>("trigger");
}

void encode_fields(const RollcallCheckin& v, json& out) {
  out["rollcall"] = v.rollcall;
  out["staff"] = v.staff;
  out["safety"] = to_string(v.safety);
  out["can_work"] = to_string(v.can_work);
  put_optional(out, "location", v.location);
  put_optional(out, "note", v.note);
  out["source"] = v.source;
}

void decode_fields(ObjectReader& in, RollcallCheckin& v) {
  v.rollcall = in.id("rollcall");
  v.staff = in.id("staff");
  v.safety = in.enumeration<Safety>("safety");
  v.can_work = in.enumeration<CanWork>("can_work");
  v.location = in.optional_string("location");
  v.note = in.optional_string("note");
  v.source = in.id("source");
}

void encode_fields(const RollcallClosed& v, json& out) { out["rollcall"] = v.rollcall; }

void decode_fields(ObjectReader& in, RollcallClosed& v) { v.rollcall = in.id("rollcall"); }

void encode_fields(const AlertRaised& v, json& out) {
  out["alert"] = v.alert;
  out["kind"] = to_string(v.kind);
  out["severity"] = to_string(v.severity);
  out["drill"] = v.drill;
  out["title"] = v.title;
  out["body"] = v.body;
  put_optional(out, "area", v.area);
  put_optional(out, "expires", v.expires);
  json source = {{"kind", to_string(v.source.kind)}};
  put_optional(source, "ref", v.source.ref);
  out["source"] = std::move(source);
}

void decode_fields(ObjectReader& in, AlertRaised& v) {
  v.alert = in.id("alert");
  v.kind = in.enumeration<AlertKind>("kind");
  v.severity = in.enumeration<Severity>("severity");
  v.drill = in.boolean("drill");
  v.title = in.string("title");
  v.body = in.string("body");
  v.area = in.optional_string("area");
  v.expires = in.optional_time("expires");
  ObjectReader source(in.required("source"), in.pointer_of("source"));
  v.source.kind = source.enumeration<AlertSourceKind>("kind");
  v.source.ref = source.optional_string("ref");
  source.finish();
}

void encode_fields(const AlertUpdated& v, json& out) {
  out["alert"] = v.alert;
  put_optional_enum(out, "kind", v.kind);
  put_optional_enum(out, "severity", v.severity);
  put_optional(out, "drill", v.drill);
  put_optional(out, "title", v.title);
  put_optional(out, "body", v.body);
  put_optional(out, "area", v.area);
  put_optional(out, "expires", v.expires);
}

void decode_fields(ObjectReader& in, AlertUpdated& v) {
  v.alert = in.id("alert");
  v.kind = in.optional_enumeration<AlertKind>("kind");
  v.severity = in.optional_enumeration<Severity>("severity");
  v.drill = in.optional_boolean("drill");
  v.title = in.optional_string("title");
  v.body = in.optional_string("body");
  v.area = in.optional_string("area");
  v.expires = in.optional_time("expires");
}

void encode_fields(const AlertCancelled& v, json& out) {
  out["alert"] = v.alert;
  put_optional(out, "reason", v.reason);
}

void decode_fields(ObjectReader& in, AlertCancelled& v) {
  v.alert = in.id("alert");
  v.reason = in.optional_string("reason");
}

void encode_fields(const AlertAcknowledged& v, json& out) {
  out["alert"] = v.alert;
  out["by"] = v.by;
}

void decode_fields(ObjectReader& in, AlertAcknowledged& v) {
  v.alert = in.id("alert");
  v.by = in.id("by");
}

void encode_fields(const TalkHidden& v, json& out) {
  out["message_id"] = v.message_id;
  out["reason"] = v.reason;
  out["by"] = v.by;
}

void decode_fields(ObjectReader& in, TalkHidden& v) {
  v.message_id = in.id("message_id");
  v.reason = in.string("reason");
  v.by = in.id("by");
}

void encode_fields(const Notice& v, json& out) {
  out["text"] = v.text;
  out["level"] = to_string(v.level);
}

void decode_fields(ObjectReader& in, Notice& v) {
  v.text = in.string("text");
  v.level = in.enumeration<NoticeLevel>("level");
}

void encode_fields(const SourceState& v, json& out) {
  out["source"] = v.source;
  out["state"] = to_string(v.state);
  out["since"] = format_time(v.since);
  put_optional(out, "why", v.why);
  if (v.last_ok) out["last_ok"] = format_time(*v.last_ok);
}

void decode_fields(ObjectReader& in, SourceState& v) {
  v.source = in.id("source");
  v.state = in.enumeration<SourceHealth>("state");
  v.since = in.time("since");
  v.why = in.optional_string("why");
  v.last_ok = in.optional_time("last_ok");
}

void encode_fields(const RollcallMessaged& v, json& out) {
  out["rollcall"] = v.rollcall;
  out["staff"] = v.staff;
  out["step"] = to_string(v.step);
  out["outcome"] = to_string(v.outcome);
  put_optional(out, "why", v.why);
}

void decode_fields(ObjectReader& in, RollcallMessaged& v) {
  v.rollcall = in.id("rollcall");
  v.staff = in.id("staff");
  v.step = in.enumeration<MessageStep>("step");
  v.outcome = in.enumeration<SendOutcome>("outcome");
  v.why = in.optional_string("why");
  // A reason belongs to a failure only: a "sent" with a reason, or a failure without one,
  // is a daemon bug the journal must not keep (the report would show it as it came).
  if (v.outcome == SendOutcome::sent && v.why) {
    fail(in.pointer_of("why"), "only with outcome \"failed\" (this send was \"sent\")");
  }
  if (v.outcome == SendOutcome::failed) {
    if (!v.why) fail(in.pointer_of("why"), "missing required field (outcome \"failed\")");
    if (v.why->empty()) fail(in.pointer_of("why"), "empty (a failure names its reason)");
    const std::size_t characters = utf8_characters(*v.why);
    if (characters > RollcallMessaged::kMaxWhyCharacters) {
      fail(in.pointer_of("why"), std::to_string(characters) + " characters, over the limit of " +
                                     std::to_string(RollcallMessaged::kMaxWhyCharacters));
    }
  }
}

void encode_fields(const TalkPhoto& v, json& out) {
  out["group"] = v.group;
  out["message_id"] = v.message_id;
  out["attachment"] = v.attachment;
  out["ref"] = v.ref;
  out["width"] = v.width;
  out["height"] = v.height;
}

void decode_fields(ObjectReader& in, TalkPhoto& v) {
  v.group = in.id("group");
  v.message_id = in.id("message_id");
  const auto in_range = [&](std::string_view key, std::int64_t low, std::int64_t high) {
    const std::int64_t n = in.integer(key);
    if (n < low || n > high) {
      fail(in.pointer_of(key), "out of range (expected " + std::to_string(low) + ".." +
                                   std::to_string(high) + ")");
    }
    return static_cast<int>(n);
  };
  v.attachment = in_range("attachment", 0, 1000);
  v.ref = in.string("ref");
  if (!is_photo_ref(v.ref)) fail(in.pointer_of("ref"), "not a photo ref (32 lowercase hex characters)");
  v.width = in_range("width", 1, TalkPhoto::kMaxSide);
  v.height = in_range("height", 1, TalkPhoto::kMaxSide);
}

}  // namespace detail

bool is_photo_ref(std::string_view ref) {
  return ref.size() == 32 && std::all_of(ref.begin(), ref.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

namespace {

using detail::json;

template <std::size_t I = 0>
Payload decode_payload(std::size_t index, detail::ObjectReader& in) {
  if constexpr (I + 1 < std::variant_size_v<Payload>) {
    if (index != I) return decode_payload<I + 1>(index, in);
  }
  std::variant_alternative_t<I, Payload> body;
  detail::decode_fields(in, body);
  return body;
}

}  // namespace

json payload_to_json(const Payload& body) {
  json out = json::object();
  out["type"] = type_name(body);
  std::visit([&](const auto& payload) { detail::encode_fields(payload, out); }, body);
  return out;
}

json to_json(const Event& event) {
  json out = payload_to_json(event.body);
  out["at"] = format_time(event.at);
  if (event.seq != 0) out["seq"] = event.seq;
  if (event.received) out["received"] = format_time(*event.received);
  if (event.origin) out["origin"] = *event.origin;
  return out;
}

Event event_from_json(const json& input) {
  detail::ObjectReader in(input, "");
  const std::string type = in.string("type");
  const auto names = detail::payload_type_names();
  std::size_t index = 0;
  while (index < names.size() && names[index] != type) ++index;
  if (index == names.size()) {
    detail::fail("/type", "unknown event type " + json(type).dump());
  }
  Event event;
  event.at = in.time("at");
  if (const json* seq = in.optional("seq")) {
    event.seq = static_cast<Seq>(detail::as_count(*seq, "/seq"));
  }
  event.received = in.optional_time("received");
  event.origin = in.optional_string("origin");
  // `level` is the classification checked by the gate before decoding; the model has no
  // use for it. Only a notice has a `level` of its own, which its decoder reads.
  if (type != "notice") in.ignore("level");
  event.body = decode_payload(index, in);
  in.finish();
  return event;
}

}  // namespace bcp::model
