// Internal helpers shared by the codec translation units: a strict reader for JSON
// objects that reports every problem with its JSON pointer, and per-payload field codecs
// (the event codec and the snapshot codec store the same payload shapes).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/common/json_pointer.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/events.hpp"

namespace bcp::model::detail {

using nlohmann::json;

// Wire names of an enum, indexed by the enumerator's value (defined in enums.cpp).
template <typename Enum>
std::span<const std::string_view> enum_names();

// Wire names of the payload alternatives, indexed like Payload.
std::span<const std::string_view> payload_type_names();

// A key as one RFC 6901 reference token ("~" -> "~0", "/" -> "~1"), and the pointer of a
// member or element (bcp/common/json_pointer.hpp, shared with the config loader).
using common::child_pointer;
using common::pointer_token;

[[noreturn]] void fail(const std::string& pointer, const std::string& problem);

// Value converters: each checks the JSON type and throws CodecError at `pointer`.
std::string as_string(const json& value, const std::string& pointer);
std::string as_id(const json& value, const std::string& pointer);  // non-empty string
bool as_bool(const json& value, const std::string& pointer);
double as_number(const json& value, const std::string& pointer);
std::int64_t as_integer(const json& value, const std::string& pointer);
std::size_t as_count(const json& value, const std::string& pointer);  // non-negative
TimePoint as_time(const json& value, const std::string& pointer);
const json& as_array(const json& value, const std::string& pointer);
const json& as_object(const json& value, const std::string& pointer);

template <typename Enum>
Enum as_enum(const json& value, const std::string& pointer) {
  const std::string name = as_string(value, pointer);
  if (auto parsed = enum_from_string<Enum>(name)) return *parsed;
  std::string expected;
  for (std::string_view candidate : enum_names<Enum>()) {
    if (!expected.empty()) expected += '|';
    expected += candidate;
  }
  fail(pointer, "unknown value " + json(name).dump() + " (expected " + expected + ")");
}

// Reads the fields of one JSON object. Every field read (or explicitly ignored) becomes
// known; finish() then refuses whatever is left, so a misspelt optional field is an error
// instead of silently vanishing.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string pointer);

  const std::string& pointer() const { return pointer_; }
  std::string pointer_of(std::string_view key) const { return child_pointer(pointer_, key); }

  const json* optional(std::string_view key);
  const json& required(std::string_view key);
  void ignore(std::string_view key) { known_.push_back(key); }
  void finish() const;

  std::string string(std::string_view key) { return as_string(required(key), pointer_of(key)); }
  std::string id(std::string_view key) { return as_id(required(key), pointer_of(key)); }
  bool boolean(std::string_view key) { return as_bool(required(key), pointer_of(key)); }
  std::int64_t integer(std::string_view key) { return as_integer(required(key), pointer_of(key)); }
  std::size_t count(std::string_view key) { return as_count(required(key), pointer_of(key)); }
  TimePoint time(std::string_view key) { return as_time(required(key), pointer_of(key)); }
  template <typename Enum>
  Enum enumeration(std::string_view key) {
    return as_enum<Enum>(required(key), pointer_of(key));
  }

  std::optional<std::string> optional_string(std::string_view key);
  std::optional<bool> optional_boolean(std::string_view key);
  std::optional<double> optional_number(std::string_view key);
  std::optional<TimePoint> optional_time(std::string_view key);
  template <typename Enum>
  std::optional<Enum> optional_enumeration(std::string_view key) {
    if (const json* value = optional(key)) return as_enum<Enum>(*value, pointer_of(key));
    return std::nullopt;
  }

 private:
  const json& object_;
  std::string pointer_;
  std::vector<std::string_view> known_;
};

// Payload fields without "type" (codec_events.cpp). decode_fields reads from a reader
// that the caller finishes, so the event codec can mix in `type`, `at`, `seq`.
void encode_fields(const TalkMessage& v, json& out);
void encode_fields(const StaffAvailability& v, json& out);
void encode_fields(const RollcallStarted& v, json& out);
void encode_fields(const RollcallCheckin& v, json& out);
void encode_fields(const RollcallClosed& v, json& out);
void encode_fields(const AlertRaised& v, json& out);
void encode_fields(const AlertUpdated& v, json& out);
void encode_fields(const AlertCancelled& v, json& out);
void encode_fields(const AlertAcknowledged& v, json& out);
void encode_fields(const TalkHidden& v, json& out);
void encode_fields(const Notice& v, json& out);
void encode_fields(const SourceState& v, json& out);
void encode_fields(const RollcallMessaged& v, json& out);
void encode_fields(const TalkPhoto& v, json& out);

void decode_fields(ObjectReader& in, TalkMessage& v);
void decode_fields(ObjectReader& in, StaffAvailability& v);
void decode_fields(ObjectReader& in, RollcallStarted& v);
void decode_fields(ObjectReader& in, RollcallCheckin& v);
void decode_fields(ObjectReader& in, RollcallClosed& v);
void decode_fields(ObjectReader& in, AlertRaised& v);
void decode_fields(ObjectReader& in, AlertUpdated& v);
void decode_fields(ObjectReader& in, AlertCancelled& v);
void decode_fields(ObjectReader& in, AlertAcknowledged& v);
void decode_fields(ObjectReader& in, TalkHidden& v);
void decode_fields(ObjectReader& in, Notice& v);
void decode_fields(ObjectReader& in, SourceState& v);
void decode_fields(ObjectReader& in, RollcallMessaged& v);
void decode_fields(ObjectReader& in, TalkPhoto& v);

// A whole object holding exactly one payload's fields (used by the snapshot codec).
template <typename T>
json encode_object(const T& v) {
  json out = json::object();
  encode_fields(v, out);
  return out;
}
template <typename T>
T decode_object(const json& value, const std::string& pointer) {
  ObjectReader in(value, pointer);
  T v;
  decode_fields(in, v);
  in.finish();
  return v;
}

}  // namespace bcp::model::detail
