// How a worker process hands an Evaluation back through its pipe: a length-prefixed binary
// record. The parent checks every length and value it reads, so a garbled record (a worker
// killed mid-write) is recognised, never trusted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "bcp/calendar/isolated.hpp"

namespace bcp::calendar::wire {

// The record for `e`, with its 4-byte length in front.
std::string encode(const Evaluation& e);
// A record's body (without the length); nullopt when it is not a well-formed record.
std::optional<Evaluation> decode(std::string_view body);
// The body length announced by a record's first 4 bytes.
std::size_t body_length(std::string_view header);
inline constexpr std::size_t kHeaderBytes = 4;
inline constexpr std::size_t kMaxBody = std::size_t{64} << 20;

}  // namespace bcp::calendar::wire
