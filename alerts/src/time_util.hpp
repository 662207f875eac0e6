// Date-times as CAP and JMA write them (RFC 3339 / xs:dateTime with offset).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bcp/model/events.hpp"

namespace bcp::alerts::detail {

// "2021-02-17T23:06:00+09:00", "2011-09-02T11:36:50-00:00", "2021-02-17T14:08:07Z",
// optional fraction. nullopt when malformed; an offset is required (CAP demands one).
std::optional<model::TimePoint> parse_datetime(std::string_view text);

// The instants a document may name: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z. The
// journal writes times as four-digit UTC years, so a local 9999-12-31T23:00-14:00 (year 10000
// in UTC) could be parsed here but never read back; before 1970 no alert service existed.
bool in_document_range(model::TimePoint t);
inline constexpr std::string_view kDocumentRange = "1970-01-01T00:00:00Z..9999-12-31T23:59:59Z";

// A date-time element of a CAP or JMA document: throws AlertParseError
// "<prefix>: <where>: not a date-time with offset: …" or "…: out of range (…)".
model::TimePoint document_time(std::string_view text, std::string_view prefix,
                               std::string_view where);

// "2021-02-17 23:06" in the given UTC offset (minutes), for Japanese alert bodies.
std::string format_local(model::TimePoint t, int utc_offset_minutes);

// "20210217T140600Z", compact UTC for ids.
std::string compact_utc(model::TimePoint t);

// Stable 64-bit FNV-1a as 16 hex digits: ids must not change between runs or builds.
std::string stable_hash(std::string_view a, std::string_view b = {});

}  // namespace bcp::alerts::detail
