// Wire names of enums and event types. One table per enum, indexed by the enumerator's
// value, so to_string is a lookup and the "expected a|b|c" list in errors cannot drift.
#include <array>

#include "codec_detail.hpp"

namespace bcp::model {

namespace {

using Names = std::span<const std::string_view>;

constexpr std::array<std::string_view, 4> kAttachmentKind{"image", "file", "location", "sticker"};
constexpr std::array<std::string_view, 2> kTalkSource{"lineworks", "api"};
constexpr std::array<std::string_view, 9> kAvailability{
    "in_office", "out", "meeting", "remote", "trip", "leave", "off_duty", "en_route", "unknown"};
constexpr std::array<std::string_view, 3> kAvailabilitySource{"manual", "calendar", "checkin"};
constexpr std::array<std::string_view, 3> kRollcallTrigger{"manual", "jma", "api"};
constexpr std::array<std::string_view, 4> kSafety{"safe", "minor_injury", "serious_injury",
                                                  "needs_help"};
constexpr std::array<std::string_view, 4> kCanWork{"yes", "later", "no", "unknown"};
constexpr std::array<std::string_view, 6> kAlertKind{"bear",    "earthquake", "tsunami",
                                                     "weather", "fire",       "other"};
constexpr std::array<std::string_view, 4> kSeverity{"info", "advisory", "warning", "critical"};
constexpr std::array<std::string_view, 4> kAlertSourceKind{"rule", "cap", "jma", "manual"};
constexpr std::array<std::string_view, 2> kNoticeLevel{"info", "warning"};
constexpr std::array<std::string_view, 4> kSourceHealth{"ok", "quiet", "degraded", "failing"};
constexpr std::array<std::string_view, 2> kMessageStep{"question", "reminder"};
constexpr std::array<std::string_view, 2> kSendOutcome{"sent", "failed"};

constexpr std::array<std::string_view, std::variant_size_v<Payload>> kPayloadTypes{
    "talk.message",
    "staff.availability",
    "rollcall.started",
    "rollcall.checkin",
    "rollcall.closed",
    "alert.raised",
    "alert.updated",
    "alert.cancelled",
    "alert.acknowledged",
    "talk.hidden",
    "notice",
    "source.state",
    "rollcall.messaged",
    "talk.photo"};

// A table that is too short for its enum would index out of bounds; catch it here.
static_assert(kAvailability.size() == std::size_t(Availability::unknown) + 1);
static_assert(kAlertKind.size() == std::size_t(AlertKind::other) + 1);
static_assert(kSafety.size() == std::size_t(Safety::needs_help) + 1);
static_assert(kCanWork.size() == std::size_t(CanWork::unknown) + 1);
static_assert(kSeverity.size() == std::size_t(Severity::critical) + 1);
static_assert(kSourceHealth.size() == std::size_t(SourceHealth::failing) + 1);
static_assert(kMessageStep.size() == std::size_t(MessageStep::reminder) + 1);
static_assert(kSendOutcome.size() == std::size_t(SendOutcome::failed) + 1);

Names names_of(AttachmentKind) { return kAttachmentKind; }
Names names_of(TalkSource) { return kTalkSource; }
Names names_of(Availability) { return kAvailability; }
Names names_of(AvailabilitySource) { return kAvailabilitySource; }
Names names_of(RollcallTrigger) { return kRollcallTrigger; }
Names names_of(Safety) { return kSafety; }
Names names_of(CanWork) { return kCanWork; }
Names names_of(AlertKind) { return kAlertKind; }
Names names_of(Severity) { return kSeverity; }
Names names_of(AlertSourceKind) { return kAlertSourceKind; }
Names names_of(NoticeLevel) { return kNoticeLevel; }
Names names_of(SourceHealth) { return kSourceHealth; }
Names names_of(MessageStep) { return kMessageStep; }
Names names_of(SendOutcome) { return kSendOutcome; }

template <typename Enum>
std::string_view name_of(Enum v) {
  const auto names = names_of(v);
  const auto index = static_cast<std::size_t>(v);
  return index < names.size() ? names[index] : std::string_view("?");
}

}  // namespace

std::string_view to_string(AttachmentKind v) { return name_of(v); }
std::string_view to_string(TalkSource v) { return name_of(v); }
std::string_view to_string(Availability v) { return name_of(v); }
std::string_view to_string(AvailabilitySource v) { return name_of(v); }
std::string_view to_string(RollcallTrigger v) { return name_of(v); }
std::string_view to_string(Safety v) { return name_of(v); }
std::string_view to_string(CanWork v) { return name_of(v); }
std::string_view to_string(AlertKind v) { return name_of(v); }
std::string_view to_string(Severity v) { return name_of(v); }
std::string_view to_string(AlertSourceKind v) { return name_of(v); }
std::string_view to_string(NoticeLevel v) { return name_of(v); }
std::string_view to_string(SourceHealth v) { return name_of(v); }
std::string_view to_string(MessageStep v) { return name_of(v); }
std::string_view to_string(SendOutcome v) { return name_of(v); }

template <typename Enum>
std::optional<Enum> enum_from_string(std::string_view name) {
  const auto names = names_of(Enum{});
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

std::string_view type_name(const Payload& body) { return kPayloadTypes[body.index()]; }

namespace detail {

template <typename Enum>
std::span<const std::string_view> enum_names() {
  return names_of(Enum{});
}

std::span<const std::string_view> payload_type_names() { return kPayloadTypes; }

}  // namespace detail

// The templates are declared in headers and defined only here, for exactly these enums.
#define BCP_MODEL_ENUM(Enum)                                                  \
  template std::optional<Enum> enum_from_string<Enum>(std::string_view name); \
  template std::span<const std::string_view> detail::enum_names<Enum>();
BCP_MODEL_ENUM(AttachmentKind)
BCP_MODEL_ENUM(TalkSource)
BCP_MODEL_ENUM(Availability)
BCP_MODEL_ENUM(AvailabilitySource)
BCP_MODEL_ENUM(RollcallTrigger)
BCP_MODEL_ENUM(Safety)
BCP_MODEL_ENUM(CanWork)
BCP_MODEL_ENUM(AlertKind)
BCP_MODEL_ENUM(Severity)
BCP_MODEL_ENUM(AlertSourceKind)
BCP_MODEL_ENUM(NoticeLevel)
BCP_MODEL_ENUM(SourceHealth)
BCP_MODEL_ENUM(MessageStep)
BCP_MODEL_ENUM(SendOutcome)
#undef BCP_MODEL_ENUM

}  // namespace bcp::model
