// The strict JSON reading shared by both codecs: type checks and unknown-field refusal,
// each error naming the JSON pointer of the offending value.
#include <algorithm>
#include <limits>

#include "bcp/common/utf8.hpp"
#include "codec_detail.hpp"

namespace bcp::model {

namespace {
// The root pointer is the empty string; show "/" so a message never starts with ": ".
std::string render(const std::string& pointer, const std::string& problem) {
  return (pointer.empty() ? std::string("/") : pointer) + ": " + problem;
}
}  // namespace

CodecError::CodecError(std::string pointer, std::string what)
    : std::runtime_error(render(pointer, what)), pointer_(std::move(pointer)) {}

}  // namespace bcp::model

namespace bcp::model::detail {

namespace {

std::string wrong_type(std::string_view expected, const json& value) {
  return "expected " + std::string(expected) + ", got " + value.type_name();
}

}  // namespace

void fail(const std::string& pointer, const std::string& problem) {
  throw CodecError(pointer, problem);
}

std::string as_string(const json& value, const std::string& pointer) {
  if (!value.is_string()) fail(pointer, wrong_type("string", value));
  const auto& text = value.get_ref<const std::string&>();
  // nlohmann validates UTF-8 when parsing text, but adapters build JSON values in code from
  // bytes of other formats (XML, form fields); check here so no invalid text is journaled.
  if (!common::valid_utf8(text)) fail(pointer, "invalid UTF-8");
  return text;
}

std::string as_id(const json& value, const std::string& pointer) {
  std::string text = as_string(value, pointer);
  if (text.empty()) fail(pointer, "must not be empty");
  return text;
}

bool as_bool(const json& value, const std::string& pointer) {
  if (!value.is_boolean()) fail(pointer, wrong_type("boolean", value));
  return value.get<bool>();
}

double as_number(const json& value, const std::string& pointer) {
  if (!value.is_number()) fail(pointer, wrong_type("number", value));
  return value.get<double>();
}

std::int64_t as_integer(const json& value, const std::string& pointer) {
  if (value.is_number_unsigned()) {
    if (value.get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(pointer, "integer out of range");
    }
    return static_cast<std::int64_t>(value.get<std::uint64_t>());
  }
  if (!value.is_number_integer()) fail(pointer, wrong_type("integer", value));
  return value.get<std::int64_t>();
}

std::size_t as_count(const json& value, const std::string& pointer) {
  const std::int64_t n = as_integer(value, pointer);
  if (n < 0) fail(pointer, "expected a non-negative integer, got " + std::to_string(n));
  return static_cast<std::size_t>(n);
}

TimePoint as_time(const json& value, const std::string& pointer) {
  if (!value.is_string()) fail(pointer, wrong_type("string", value));
  return parse_time(value.get_ref<const std::string&>(), pointer);
}

const json& as_array(const json& value, const std::string& pointer) {
  if (!value.is_array()) fail(pointer, wrong_type("array", value));
  return value;
}

const json& as_object(const json& value, const std::string& pointer) {
  if (!value.is_object()) fail(pointer, wrong_type("object", value));
  return value;
}

ObjectReader::ObjectReader(const json& object, std::string pointer)
    : object_(as_object(object, pointer)), pointer_(std::move(pointer)) {}

const json* ObjectReader::optional(std::string_view key) {
  known_.push_back(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

const json& ObjectReader::required(std::string_view key) {
  const json* value = optional(key);
  if (value == nullptr) fail(pointer_of(key), "missing required field");
  return *value;
}

void ObjectReader::finish() const {
  // Items iterate in key order, so the reported field does not depend on input order.
  for (const auto& item : object_.items()) {
    if (std::find(known_.begin(), known_.end(), item.key()) == known_.end()) {
      fail(pointer_of(item.key()), "unknown field");
    }
  }
}

std::optional<std::string> ObjectReader::optional_string(std::string_view key) {
  if (const json* value = optional(key)) return as_string(*value, pointer_of(key));
  return std::nullopt;
}

std::optional<bool> ObjectReader::optional_boolean(std::string_view key) {
  if (const json* value = optional(key)) return as_bool(*value, pointer_of(key));
  return std::nullopt;
}

std::optional<double> ObjectReader::optional_number(std::string_view key) {
  if (const json* value = optional(key)) return as_number(*value, pointer_of(key));
  return std::nullopt;
}

std::optional<TimePoint> ObjectReader::optional_time(std::string_view key) {
  if (const json* value = optional(key)) return as_time(*value, pointer_of(key));
  return std::nullopt;
}

}  // namespace bcp::model::detail
