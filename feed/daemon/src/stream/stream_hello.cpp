#include "bcp/daemon/stream/stream_hello.hpp"

#include <cstdint>
#include <limits>

#include "bcp/model/protocol.hpp"
#include "bcp/model/strict_json.hpp"

namespace bcp::daemon {

using nlohmann::json;

namespace {

HelloRefusal bad_hello(std::string message) {
  return HelloRefusal{"bad_hello", std::move(message), {}};
}

HelloRefusal wrong_type(const char* pointer, const char* expected, const json& got) {
  return bad_hello(std::string(pointer) + ": expected " + expected + ", got " +
                   model::describe_json(got));
}

// nlohmann keeps non-negative integers as unsigned and negative ones as signed; either way
// the value is compared as written, never narrowed (4294967297 must not read as 1).
bool is_version(const json& v, std::int64_t wanted) {
  if (v.is_number_unsigned())
    return wanted >= 0 && v.get<std::uint64_t>() == static_cast<std::uint64_t>(wanted);
  if (v.is_number_integer()) return v.get<std::int64_t>() == wanted;
  return false;
}

}  // namespace

std::variant<StreamHello, HelloRefusal> parse_stream_hello(std::string_view frame) {
  model::StrictJson parsed = model::parse_strict_json(frame);
  if (!parsed.value) return bad_hello("hello is not valid JSON: " + parsed.error);
  const json& hello = *parsed.value;
  if (!hello.is_object()) return bad_hello("first frame must be a hello object");

  auto type = hello.find("type");
  if (type == hello.end()) return bad_hello("/type: missing (expected \"hello\")");
  if (!type->is_string() || type->get_ref<const std::string&>() != model::kFrameHello) {
    return bad_hello("/type: expected \"hello\", got " + model::describe_json(*type));
  }

  auto v = hello.find("v");
  if (v == hello.end()) return bad_hello("/v: missing protocol version");
  if (!v->is_number_integer()) return wrong_type("/v", "an integer protocol version", *v);
  if (!is_version(*v, model::kProtocolVersion)) {
    return HelloRefusal{"version_mismatch",
                        "daemon speaks protocol version " +
                            std::to_string(model::kProtocolVersion) + ", the wall sent version " +
                            v->dump(),
                        *v};
  }

  StreamHello out;
  if (auto display = hello.find("display"); display != hello.end()) {
    if (!display->is_string()) return wrong_type("/display", "a string", *display);
    if (display->get_ref<const std::string&>().size() > kMaxDisplayName) {
      return bad_hello("/display: longer than " + std::to_string(kMaxDisplayName) + " bytes");
    }
    out.display = display->get<std::string>();
  }
  if (auto token = hello.find("token"); token != hello.end()) {
    if (!token->is_string()) return wrong_type("/token", "a string", *token);
    out.token = token->get<std::string>();
  }
  if (auto since = hello.find("since"); since != hello.end() && !since->is_null()) {
    const bool in_range =
        (since->is_number_unsigned() &&
         since->get<std::uint64_t>() <=
             static_cast<std::uint64_t>(std::numeric_limits<model::Seq>::max())) ||
        (since->is_number_integer() && !since->is_number_unsigned() &&
         since->get<std::int64_t>() >= 0);
    if (!in_range) return wrong_type("/since", "null or a non-negative integer", *since);
    out.since = since->is_number_unsigned() ? static_cast<model::Seq>(since->get<std::uint64_t>())
                                            : since->get<std::int64_t>();
  }
  return out;
}

}  // namespace bcp::daemon
