// The first frame a wall sends on /v1/stream, read before anything is known about the peer
// (unauthenticated). Every field is type-checked; the token is checked by the session, which
// has the config. No Asio, so it is fuzzed as it runs (alerts/fuzz/fuzz_stream_hello.cpp).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "bcp/model/events.hpp"

namespace bcp::daemon {

// `display` names the wall in the log; longer names are refused.
inline constexpr std::size_t kMaxDisplayName = 128;

struct StreamHello {
  std::string display;               // "" when absent
  std::optional<std::string> token;  // absent: the session answers unauthorized
  std::optional<model::Seq> since;   // null or absent: start from a snapshot
};

// Why a hello is refused: the error frame's `code` (bad_hello | version_mismatch) and
// `message`; for version_mismatch the version the wall sent, as it sent it (an integer).
struct HelloRefusal {
  std::string code;
  std::string message;
  std::optional<nlohmann::json> client_version;
};

// {"v":1,"type":"hello","display":"main","token":"…","since":N|null}: `v` must be the
// integer 1 (4294967297, 1.0, -1 and "1" are not), `type` the string "hello", `display` and
// `token` strings, `since` null or an integer 0..2^63-1. Other members are ignored (a newer
// wall may send more); duplicate members, depth and numbers out of range are refused by the
// strict parser. Never throws.
std::variant<StreamHello, HelloRefusal> parse_stream_hello(std::string_view frame);

}  // namespace bcp::daemon
