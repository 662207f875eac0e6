// Strict JSON codec for events and the situation snapshot (nlohmann/json).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::model {

// A decoding error that names what is wrong, e.g. `/sender/name: missing required field`
// or `/type: unknown event type "talk.msg"`. `pointer()` is the JSON pointer of the field.
class CodecError : public std::runtime_error {
 public:
  CodecError(std::string pointer, std::string what);
  const std::string& pointer() const { return pointer_; }

 private:
  std::string pointer_;
};

// RFC 3339 UTC with milliseconds: "2026-11-24T05:12:00.123Z". Parsing also accepts
// offsets (+09:00) and missing or shorter fractions; throws CodecError on anything else.
std::string format_time(TimePoint t);
TimePoint parse_time(std::string_view text, const std::string& pointer = "");

// Event <-> JSON. to_json writes `type`, `at`, the payload fields, and `seq`/`received`
// when set. from_json is strict: unknown `type`, a missing required field, a wrong type or
// an unknown enum value throws CodecError naming the field. Unknown fields are refused too,
// except `level` (checked by the gate) and `seq`/`received`/`origin` (journal metadata).
nlohmann::json to_json(const Event& event);
Event event_from_json(const nlohmann::json& json);

// Payload alone (what adapters build), with "type".
nlohmann::json payload_to_json(const Payload& body);

// Enum names as on the wire ("minor_injury", "en_route", ...).
std::string_view to_string(AttachmentKind v);
std::string_view to_string(TalkSource v);
std::string_view to_string(Availability v);
std::string_view to_string(AvailabilitySource v);
std::string_view to_string(RollcallTrigger v);
std::string_view to_string(Safety v);
std::string_view to_string(CanWork v);
std::string_view to_string(AlertKind v);
std::string_view to_string(Severity v);
std::string_view to_string(AlertSourceKind v);
std::string_view to_string(NoticeLevel v);
std::string_view to_string(SourceHealth v);
std::string_view to_string(MessageStep v);
std::string_view to_string(SendOutcome v);
// Parse an enum name; std::nullopt when unknown.
template <typename Enum>
std::optional<Enum> enum_from_string(std::string_view name);

// The whole Situation (snapshot frames, GET /v1/snapshot). Lossless:
// situation_from_json(situation_to_json(s)) == s.
nlohmann::json situation_to_json(const Situation& s);
Situation situation_from_json(const nlohmann::json& json);

}  // namespace bcp::model
