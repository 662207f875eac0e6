// Parsing what the NATS server sends back where cnats 3.4 has no call for it: the
// STREAM.MSG.GET reply (JSON with base64 headers and data). Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bcp/bridge/nats.hpp"

namespace bcp::bridge::detail {

// RFC 4648 base64 (with or without padding); nullopt on any other character or length.
std::optional<std::string> base64_decode(std::string_view text);

// The value of `key` (case-insensitive) in a NATS header block ("NATS/1.0\r\nK: V\r\n\r\n"),
// empty when absent.
std::string header_value(std::string_view block, std::string_view key);

// The reply of $JS.API.STREAM.MSG.GET: the message, nullopt for "no message found" (10037),
// NatsError for any other JetStream error, BridgeError for a reply that is not one.
std::optional<StoredMsg> parse_msg_get_reply(std::string_view json_text);

}  // namespace bcp::bridge::detail
