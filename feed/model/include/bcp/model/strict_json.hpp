// The one parser for JSON that comes from outside (HTTP bodies, the stream hello, LINE WORKS
// callbacks). nlohmann's own parse accepts what a reader downstream must never see: the last
// of two equal keys silently wins ({"level":"B","level":"C"} reads as C to us and as B to a
// proxy or audit tool reading the first), a number beyond double's range throws out_of_range
// instead of parse_error, and nesting has no bound (recursive dump() and recursive readers
// overflow the stack). This parser refuses all three, never throws and names the problem.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bcp::model {

// Arrays and objects nested deeper than this are refused. Nothing the protocol carries
// nests more than four levels; 64 leaves room and keeps every recursion over a parsed
// value short.
inline constexpr std::size_t kMaxJsonDepth = 64;

struct StrictJson {
  std::optional<nlohmann::json> value;  // set when the text was accepted
  // Otherwise what is wrong, without a prefix: "/sender: duplicate key \"id\"",
  // "number out of range at byte 7: 1e400", "nested deeper than 64 arrays and objects at
  // byte 65", "syntax error at byte 12: …". Bounded in length whatever the input.
  std::string error;
};

// Parses `text` as one JSON value (RFC 8259, UTF-8). Refuses invalid syntax or UTF-8,
// numbers that do not fit a double (1e400, -1e309), two members of one object with the same
// name after unescaping ("level" and "lev\u0065l" are the same key), and more than
// `max_depth` nested arrays/objects. Never throws (except std::bad_alloc).
StrictJson parse_strict_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// At most `max_bytes` of `text` (cut at a UTF-8 character boundary, "…" appended when cut):
// for quoting untrusted strings in error messages.
std::string bounded(std::string_view text, std::size_t max_bytes = 64);

// A short description of an untrusted value for an error message: a string (bounded and
// quoted), a number or literal as written, or the type of an array/object ("an array").
// Never recurses into the value.
std::string describe_json(const nlohmann::json& value, std::size_t max_bytes = 64);

}  // namespace bcp::model
