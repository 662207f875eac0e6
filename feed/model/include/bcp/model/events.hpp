// Event vocabulary of protocol version 1 (DESIGN.md "Event vocabulary").
// Pure data: no I/O, no Asio, no ImGui. The JSON codec lives in codec.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bcp::model {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
using Seq = std::int64_t;

// ---- talk.message ---------------------------------------------------------
struct Sender {
  std::string id;
  std::string name;
  std::optional<std::string> department;
  bool operator==(const Sender&) const = default;
};

enum class AttachmentKind { image, file, location, sticker };

struct Attachment {
  AttachmentKind kind = AttachmentKind::file;
  std::optional<std::string> name;
  std::optional<double> lat;
  std::optional<double> lon;
  std::optional<std::string> address;
  // An image the daemon fetched and re-encoded (`talk.photo`): GET /v1/attachments/{ref}.
  // 32 lowercase hex characters; set by the reducer, never accepted from outside.
  std::optional<std::string> ref;
  bool operator==(const Attachment&) const = default;
};

enum class TalkSource { lineworks, api };

struct TalkMessage {
  std::string group;
  std::string message_id;
  Sender sender;
  std::string text;
  std::vector<Attachment> attachments;
  TalkSource source = TalkSource::api;
  bool operator==(const TalkMessage&) const = default;
};

// ---- staff.availability -----------------------------------------------------
enum class Availability { in_office, out, meeting, remote, trip, leave, off_duty, en_route, unknown };
enum class AvailabilitySource { manual, calendar, checkin };

struct StaffAvailability {
  std::string staff;
  Availability status = Availability::unknown;
  std::optional<TimePoint> until;
  std::optional<std::string> note;
  AvailabilitySource source = AvailabilitySource::manual;
  bool operator==(const StaffAvailability&) const = default;
};

// ---- roll calls (安否確認) --------------------------------------------------
enum class RollcallTrigger { manual, jma, api };

struct RollcallStarted {
  std::string rollcall;
  std::string title;
  bool drill = false;
  std::vector<std::string> departments;  // empty = all departments
  RollcallTrigger trigger = RollcallTrigger::manual;
  bool operator==(const RollcallStarted&) const = default;
};

enum class Safety { safe, minor_injury, serious_injury, needs_help };
enum class CanWork { yes, later, no, unknown };

struct RollcallCheckin {
  std::string rollcall;
  std::string staff;
  Safety safety = Safety::safe;
  CanWork can_work = CanWork::unknown;
  std::optional<std::string> location;
  std::optional<std::string> note;
  std::string source;  // "api", "lineworks", ...
  bool operator==(const RollcallCheckin&) const = default;
};

struct RollcallClosed {
  std::string rollcall;
  bool operator==(const RollcallClosed&) const = default;
};

// ---- alerts ------------------------------------------------------------------
enum class AlertKind { bear, earthquake, tsunami, weather, fire, other };
enum class Severity { info, advisory, warning, critical };
enum class AlertSourceKind { rule, cap, jma, manual };

struct AlertSource {
  AlertSourceKind kind = AlertSourceKind::manual;
  std::optional<std::string> ref;
  bool operator==(const AlertSource&) const = default;
};

struct AlertRaised {
  std::string alert;
  AlertKind kind = AlertKind::other;
  Severity severity = Severity::info;
  bool drill = false;
  std::string title;
  std::string body;
  std::optional<std::string> area;
  std::optional<TimePoint> expires;
  AlertSource source;
  bool operator==(const AlertRaised&) const = default;
};

// Only the fields present changed.
struct AlertUpdated {
  std::string alert;
  std::optional<AlertKind> kind;
  std::optional<Severity> severity;
  std::optional<bool> drill;
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::string> area;
  std::optional<TimePoint> expires;
  bool operator==(const AlertUpdated&) const = default;
};

struct AlertCancelled {
  std::string alert;
  std::optional<std::string> reason;
  bool operator==(const AlertCancelled&) const = default;
};

struct AlertAcknowledged {
  std::string alert;
  std::string by;
  bool operator==(const AlertAcknowledged&) const = default;
};

// ---- talk.hidden ----------------------------------------------------------------
// An operator took a talk message off the wall (DESIGN.md "Pulling an item off the wall"):
// the reducer drops the message, text, attachments and all, from the situation. The journal
// keeps both the message and this event, for the audit.
struct TalkHidden {
  std::string message_id;
  std::string reason;
  std::string by;  // the operator token's name
  bool operator==(const TalkHidden&) const = default;
};

// ---- notice --------------------------------------------------------------------
enum class NoticeLevel { info, warning };

struct Notice {
  std::string text;
  NoticeLevel level = NoticeLevel::info;
  bool operator==(const Notice&) const = default;
};

// ---- source.state ----------------------------------------------------------------
// The health of one outside source the daemon depends on (the JMA poller, LINE WORKS
// callbacks, ...), journaled by the daemon when it changes, so walls and replays show it.
// ok: working. quiet: nothing received for a while, which for a source that only speaks when
// there is something to say (callbacks) is not a fault. degraded: failing, for less than the
// threshold. failing: failing for longer than the threshold. Never content: `why` says what
// went wrong ("HTTP 500", "no answer within 10 s").
enum class SourceHealth { ok, quiet, degraded, failing };

struct SourceState {
  std::string source;  // "jma", "lineworks", ... (docs/protocol.md)
  SourceHealth state = SourceHealth::ok;
  TimePoint since{};  // when this state began; failing/degraded: the first failed attempt
  std::optional<std::string> why;
  std::optional<TimePoint> last_ok;  // the last success (poll answered, callback received)
  bool operator==(const SourceState&) const = default;
};

// ---- rollcall.messaged ---------------------------------------------------------------
// The bot finished one send of a roll call's distribution (DESIGN.md "LINE WORKS both ways"):
// the question or a reminder to one person's 1:1 room, confirmed (201) or given up. Journaled
// by the daemon's outbox only, never accepted from a route; `at` is when the send finished.
enum class MessageStep { question, reminder };
enum class SendOutcome { sent, failed };

struct RollcallMessaged {
  std::string rollcall;
  std::string staff;
  MessageStep step = MessageStep::question;
  SendOutcome outcome = SendOutcome::sent;
  // Why the send was given up: with `failed` only, and there required (the codec checks
  // both), at most kMaxWhyCharacters characters.
  std::optional<std::string> why;
  static constexpr std::size_t kMaxWhyCharacters = 200;
  bool operator==(const RollcallMessaged&) const = default;
};

// ---- talk.photo ---------------------------------------------------------------------
// The daemon fetched an image attachment of a talk message through the LINE WORKS API,
// re-encoded it (no EXIF, long side at most 1920 px) and stored it under `ref` (DESIGN.md
// "LINE WORKS both ways", Photos). The reducer folds `ref` into that attachment. Journaled by
// the daemon's photo service only, never accepted from a route.
struct TalkPhoto {
  std::string group;
  std::string message_id;
  int attachment = 0;  // index into the message's attachments
  std::string ref;     // 32 lowercase hex characters (is_photo_ref)
  int width = 0;       // pixels of the re-encoded image
  int height = 0;
  static constexpr int kMaxSide = 1 << 15;
  bool operator==(const TalkPhoto&) const = default;
};

// A photo ref names a file in the daemon's attachments folder: only this shape is ever
// stored or served, so no ref can name a path outside it.
bool is_photo_ref(std::string_view ref);

using Payload = std::variant<TalkMessage, StaffAvailability, RollcallStarted, RollcallCheckin,
                             RollcallClosed, AlertRaised, AlertUpdated, AlertCancelled,
                             AlertAcknowledged, TalkHidden, Notice, SourceState, RollcallMessaged,
                             TalkPhoto>;

// One journaled (or about to be journaled) event. seq == 0 means "not yet journaled".
struct Event {
  Seq seq = 0;
  TimePoint at{};
  std::optional<TimePoint> received;
  // The delivery's own identity (e.g. "lw-<digest>" of a LINE WORKS callback), kept with
  // the event so that a replayed delivery is recognised also after a restart.
  std::optional<std::string> origin;
  Payload body;
  bool operator==(const Event&) const = default;
};

// "talk.message", "rollcall.checkin", ... for the payload held.
std::string_view type_name(const Payload& body);

}  // namespace bcp::model
