// The first frame a wall sends on /v1/stream, read before anything is known about the peer
// (unauthenticated). The wire layer (bcp/model/frames.hpp, decode_hello) type-checks every
// field; the token is checked by the session, which has the config. No Asio, so it is fuzzed
// as it runs (alerts/fuzz/fuzz_stream_hello.cpp).
#pragma once

#include <string_view>
#include <variant>

#include "bcp/model/frames.hpp"

namespace bcp::daemon {

// `display` names the wall in the log; longer names are refused.
inline constexpr std::size_t kMaxDisplayName = model::kMaxDisplayName;

// display ("" when absent), token (absent: the session answers unauthorized), since (null or
// absent: start from a snapshot).
using StreamHello = model::HelloFrame;

// Why a hello is refused: the error frame's `code` (bad_hello | version_mismatch) and
// `message`; for version_mismatch the version the wall sent, as it sent it (an integer).
using HelloRefusal = model::FrameError;

// {"v":1,"type":"hello","display":"main","token":"…","since":N|null}: see model::decode_hello.
// Never throws (except std::bad_alloc).
std::variant<StreamHello, HelloRefusal> parse_stream_hello(std::string_view frame);

}  // namespace bcp::daemon
