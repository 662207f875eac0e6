// The stream's wire layer: every frame between bcp-feedd and walls/tools on /v1/stream
// (docs/protocol.md "Stream"), encoded and decoded in one place. The daemon's hub and
// sessions, the stream client and the tests all go through here, so the bytes on the wire
// are written once.
//
// Encoding gives exactly the text the daemon has always sent. Frames built from a JSON
// object have their members in nlohmann's (alphabetical) order, e.g.
//   {"mode":"replay","seq":42,"type":"hello","v":1}
// The event and snapshot frames are spliced around an already serialised event or situation
// (the hub dumps each event once for every subscriber), so their members come in this order:
//   {"v":1,"type":"event","event":{…}}
//   {"v":1,"type":"event","town":"<id>","event":{…}}        (regional stream)
//   {"v":1,"type":"snapshot","seq":N,"situation":{…}}
//
// Decoding parses strictly (strict_json.hpp), checks the type of every member it reads and
// returns a FrameError naming the member and what is wrong instead of throwing (except
// std::bad_alloc), so it may run on an I/O thread on untrusted input.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "bcp/model/events.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::model {

inline constexpr int kProtocolVersion = 1;
static_assert(kProtocolVersion == 1, "the frames below are those of protocol version 1");

// Frame "type" values.
inline constexpr const char* kFrameHello = "hello";
inline constexpr const char* kFrameSnapshot = "snapshot";
inline constexpr const char* kFrameEvent = "event";
inline constexpr const char* kFrameHeartbeat = "heartbeat";
inline constexpr const char* kFrameError = "error";

// Bounds. A wall's hello is read with this message limit by the daemon; `display` names the
// wall in the log and longer names are refused. A daemon's frame (a snapshot of a big town)
// may be large; the client reads up to kMaxServerFrameBytes.
inline constexpr std::size_t kMaxHelloBytes = 64 * 1024;
inline constexpr std::size_t kMaxDisplayName = 128;
inline constexpr std::size_t kMaxServerFrameBytes = std::size_t{512} * 1024 * 1024;

// Why a frame could not be decoded. `code` is what the daemon answers a bad hello with
// ("bad_hello" or "version_mismatch"); for the daemon's frames it is "bad_frame".
// `message` names the member ("/event/seq: …"). For version_mismatch, `client_version` is
// the version the wall sent, as it sent it.
struct FrameError {
  std::string code;
  std::string message;
  std::optional<nlohmann::json> client_version;
};

// Wall -> daemon, the first frame:
//   {"display":"main","since":N|null,"token":"…","type":"hello","v":1}
struct HelloFrame {
  std::string display;               // "" when absent
  std::optional<std::string> token;  // absent: the daemon answers unauthorized
  std::optional<Seq> since;          // null or absent: start from a snapshot
};

// Daemon -> wall, the answer to a valid hello: {"mode":"replay"|"snapshot","seq":N,
// "type":"hello","v":1}. A replay's events, or the snapshot, follow.
enum class StreamMode { replay, snapshot };
std::string_view to_string(StreamMode mode);
struct HelloAnswerFrame {
  Seq seq = 0;
  StreamMode mode = StreamMode::snapshot;
};

// A town's situation at `seq`.
struct SnapshotFrame {
  Seq seq = 0;
  Situation situation;
};

// A region's snapshot of every town: {"region":{…},"seq":N,"type":"snapshot","v":1}; `seq`
// is the sum of the towns' seqs.
struct RegionSnapshotFrame {
  Seq seq = 0;
  nlohmann::json region = nlohmann::json::object();
};

// One event; `town` is set on a region's stream.
struct EventFrame {
  Event event;
  std::optional<std::string> town;
};

// {"at":"2026-…Z","seq":N,"type":"heartbeat","v":1}
struct HeartbeatFrame {
  Seq seq = 0;
  TimePoint at{};
};

// The daemon's last frame before it closes a stream: {"code":…,"message":…,"type":"error",
// "v":1}, for version_mismatch with "client_version" and "daemon_version" too.
struct ErrorFrame {
  std::string code;
  std::string message;
  std::optional<nlohmann::json> client_version;
  std::optional<int> daemon_version;
};

// A daemon frame of a type this version does not know: ignored (a newer daemon may send more).
struct UnknownFrame {
  std::string type;
};

using ServerFrame = std::variant<HelloAnswerFrame, SnapshotFrame, RegionSnapshotFrame, EventFrame,
                                 HeartbeatFrame, ErrorFrame, UnknownFrame>;

// --- encoding ---
std::string encode(const HelloFrame& frame);
std::string encode(const HelloAnswerFrame& frame);
std::string encode(const SnapshotFrame& frame);
std::string encode(const RegionSnapshotFrame& frame);
std::string encode(const EventFrame& frame);
std::string encode(const HeartbeatFrame& frame);
// Never throws on invalid UTF-8 in the message (it may quote the wall's bytes): replaced.
std::string encode(const ErrorFrame& frame);

// The splices, from text already serialised with to_json(event).dump() /
// situation_to_json(s).dump(): what the hub sends to every subscriber.
std::string encode_event_frame(std::string_view event_json);
std::string encode_town_event_frame(std::string_view town, std::string_view event_json);
std::string encode_snapshot_frame(Seq seq, std::string_view situation_json);

// The error frame the daemon answers a refused hello with (FrameError from decode_hello):
// daemon_version is set beside client_version.
ErrorFrame refusal_frame(const FrameError& refusal);

// --- decoding ---
// The daemon reads a wall's hello: `v` must be the integer 1 (4294967297, 1.0, -1 and "1"
// are not: version_mismatch for another integer, bad_hello otherwise), `type` the string
// "hello", `display` a string of at most kMaxDisplayName bytes and `token` a string when
// present, `since` null or an integer 0..2^63-1. Other members are ignored (a newer wall may
// send more); duplicate members, depth, numbers out of range and more than kMaxHelloBytes
// are refused (bad_hello).
std::variant<HelloFrame, FrameError> decode_hello(std::string_view text);

// A wall reads one of the daemon's frames (code "bad_frame" on failure; at most
// kMaxServerFrameBytes). `v` must be 1, except in an error frame (a daemon of another
// version says so in its own). An unknown `type` is an UnknownFrame, not an error.
std::variant<ServerFrame, FrameError> decode_server_frame(std::string_view text);

}  // namespace bcp::model
