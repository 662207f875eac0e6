// The local "bridged up to" mark: the last seq the stream acknowledged for this town, kept in
// a small file beside the journal. Used only when the stream no longer holds the town's last
// message (retention removed it, or the stream was re-created), so the publisher neither
// starts over at 1 nor skips anything. Called from the publisher's thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace bcp::bridge::detail {

// The mark for `town`; nullopt when there is no file, it names another town, or it cannot
// be read (the reason in `problem`, empty for a missing file).
std::optional<std::uint64_t> load_mark(const std::filesystem::path& file, const std::string& town,
                                       std::string& problem);
// Writes it atomically (temporary file + rename). Throws std::runtime_error on failure.
void store_mark(const std::filesystem::path& file, const std::string& town, std::uint64_t seq);

}  // namespace bcp::bridge::detail
