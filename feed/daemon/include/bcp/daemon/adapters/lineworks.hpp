// LINE WORKS bot callback adapter: signature check and mapping of one callback body to
// at most one item of our vocabulary. Knows the format (DESIGN.md "LINE WORKS both ways",
// Callbacks; ../shared/notes/lineworks-api.md §3), not the state: a check-in is returned with
// the roll call its postback data names, if any, which the gate resolves (admit_lineworks).
// Pure functions: called on the I/O thread, and by the fuzzer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bcp/common/hmac.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/gate/gate.hpp"
#include "bcp/lineworks/messages.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

// base64(HMAC-SHA256(secret, body)) (common::hmac_sha256_base64) compared in constant time.
bool verify_lineworks_signature(std::string_view secret, std::string_view raw_body,
                                std::string_view signature_base64);

// What one callback is, in our vocabulary (docs/protocol.md "LINE WORKS bot callback").
struct LineworksItem {
  // silent: a documented callback that is taken and never shown (`begin`/`end` of a 1:1
  // room): 200, not journaled, not counted as a refusal.
  enum class Kind { talk, checkin, notice, silent, dropped };
  // Where a check-in answer was pressed: a configured group room, or the bot's 1:1 room with
  // the person (a `postback` whose channelId is in no group config or absent, a `message`
  // with content.postback and no channelId).
  enum class Room { group, direct };
  Kind kind = Kind::dropped;
  model::TimePoint at{};
  model::TalkMessage talk;  // kind == talk
  // kind == talk, an image/file/audio/video message: LINE WORKS's `content.fileId`, for
  // fetching the file through the API. Never journaled (an account's file handle).
  std::optional<std::string> file_id;
  std::string staff;  // kind == checkin: staff id
  // kind == checkin: source.userId, whom the bot replies to (BotReplies); never journaled.
  std::string lineworks_user;
  lineworks::Answer answer;        // kind == checkin: rc?, anpi, work?
  Room room = Room::group;         // kind == checkin
  model::Notice notice;            // kind == notice
  std::optional<Refusal> refusal;  // kind == dropped: why (counted and logged, never content)
};

// Maps a verified callback body. `digest` (hex SHA-256 of the body) makes the message id,
// so a replayed callback is recognisable. Never throws: malformed input is a dropped item.
LineworksItem map_lineworks_callback(const config::TownConfig& town, std::string_view raw_body,
                                     const std::string& digest, model::TimePoint received);

// Hex SHA-256 of `data` (the body digest above), as the config hashes token secrets.
using common::sha256_hex;

}  // namespace bcp::daemon
