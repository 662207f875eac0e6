// LINE WORKS bot callback adapter: signature check and mapping of one callback body to
// at most one item of our vocabulary. Knows the format, not the state: a check-in is
// returned without its roll call, which the daemon resolves against the open ones.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bcp/common/hmac.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/gate/gate.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

// base64(HMAC-SHA256(secret, body)) (common::hmac_sha256_base64) compared in constant time.
bool verify_lineworks_signature(std::string_view secret, std::string_view raw_body,
                                std::string_view signature_base64);

// A check-in answer from postback data: "anpi=<safety>&work=<can_work>[&rollcall=<id>]".
struct CheckinAnswer {
  model::Safety safety = model::Safety::safe;
  model::CanWork can_work = model::CanWork::unknown;
  std::optional<std::string> rollcall;
};
std::optional<CheckinAnswer> parse_checkin_data(std::string_view data);

struct LineworksItem {
  enum class Kind { talk, checkin, notice, dropped };
  Kind kind = Kind::dropped;
  model::TimePoint at{};
  model::TalkMessage talk;        // kind == talk
  std::string staff;              // kind == checkin: staff id
  CheckinAnswer answer;           // kind == checkin
  model::Notice notice;           // kind == notice
  std::optional<Refusal> refusal; // kind == dropped: why (counted and logged, never content)
};

// Maps a verified callback body. `digest` (hex SHA-256 of the body) makes the message id,
// so a replayed callback is recognisable. Never throws: malformed input is a dropped item.
LineworksItem map_lineworks_callback(const config::TownConfig& town, std::string_view raw_body,
                                     const std::string& digest, model::TimePoint received);

// Hex SHA-256 of `data` (the body digest above), as the config hashes token secrets.
using common::sha256_hex;

}  // namespace bcp::daemon
