// The shared names and ensure_stream (see stream.hpp).
#include "bcp/bridge/stream.hpp"

#include <algorithm>
#include <charconv>

namespace bcp::bridge {

namespace {

constexpr std::string_view kPrefix = "bcp.town.";

std::string incompatible(const std::string& why) {
  return std::string("stream ") + kStreamName + " exists but " + why +
         "; the bridge leaves it alone: fix it or delete it (nats stream rm " + kStreamName + ")";
}

void check_compatible(const StreamInfo& info) {
  if (std::find(info.subjects.begin(), info.subjects.end(), kStreamSubjects) ==
      info.subjects.end()) {
    throw BridgeError(incompatible(std::string("does not take ") + kStreamSubjects));
  }
  if (info.retention != js_LimitsPolicy) {
    throw BridgeError(
        incompatible("removes messages when they are consumed (not limits retention)"));
  }
  if (info.sealed) throw BridgeError(incompatible("is sealed"));
  if (info.duplicate_window.count() <= 0) {
    throw BridgeError(incompatible("has no duplicate window (Nats-Msg-Id would not de-duplicate)"));
  }
}

}  // namespace

bool valid_town_id(std::string_view town) {
  if (town.empty() || town.size() > 64) return false;
  return std::all_of(town.begin(), town.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

std::string events_subject(std::string_view town) {
  return std::string(kPrefix) + std::string(town) + ".events";
}

std::string heartbeat_subject(std::string_view town) {
  return std::string(kPrefix) + std::string(town) + ".heartbeat";
}

std::string msg_id(std::string_view town, std::uint64_t seq) {
  return std::string(town) + ":" + std::to_string(seq);
}

std::optional<std::string> town_of_subject(std::string_view subject, std::string_view kind) {
  if (subject.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  subject.remove_prefix(kPrefix.size());
  const std::size_t dot = subject.find('.');
  if (dot == std::string_view::npos || subject.substr(dot + 1) != kind) return std::nullopt;
  const std::string_view town = subject.substr(0, dot);
  if (!valid_town_id(town)) return std::nullopt;
  return std::string(town);
}

std::optional<std::uint64_t> seq_of_msg_id(std::string_view id, std::string_view town) {
  if (id.size() <= town.size() + 1 || id.substr(0, town.size()) != town || id[town.size()] != ':') {
    return std::nullopt;
  }
  const std::string_view digits = id.substr(town.size() + 1);
  std::uint64_t seq = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size() || seq == 0) return std::nullopt;
  return seq;
}

StreamOutcome ensure_stream(Connection& connection, const StreamSettings& settings,
                            std::size_t server_count) {
  if (auto info = connection.stream_info(kStreamName)) {
    check_compatible(*info);
    return StreamOutcome::existing;
  }
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const char* subjects[] = {kStreamSubjects};
  cfg.Name = kStreamName;
  cfg.Description = "BCP Wall: every town's journaled events, in each town's seq order";
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Retention = js_LimitsPolicy;
  cfg.Storage = js_FileStorage;
  cfg.Discard = js_DiscardOld;
  cfg.Replicas =
      settings.replicas > 0
          ? settings.replicas
          : static_cast<int64_t>(std::min<std::size_t>(3, std::max<std::size_t>(1, server_count)));
  cfg.Duplicates =
      std::chrono::duration_cast<std::chrono::nanoseconds>(settings.duplicate_window).count();
  cfg.MaxAge = std::chrono::duration_cast<std::chrono::nanoseconds>(settings.max_age).count();
  jsOptions o;
  jsOptions_Init(&o);
  jsErrCode jerr = jsErrCode(0);
  natsStatus s = js_AddStream(nullptr, connection.js(), &cfg, &o, &jerr);
  if (jerr == JSStreamNameExistErr) {
    // Another town created it at the same moment.
    auto info = connection.stream_info(kStreamName);
    if (!info)
      throw BridgeError(std::string("stream ") + kStreamName + " exists and vanished again");
    check_compatible(*info);
    return StreamOutcome::existing;
  }
  check(s, "js_AddStream", jerr);
  return StreamOutcome::created;
}

}  // namespace bcp::bridge
