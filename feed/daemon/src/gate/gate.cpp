#include "bcp/daemon/gate/gate.hpp"

#include "bcp/model/codec.hpp"
#include "bcp/model/strict_json.hpp"

namespace bcp::daemon {

std::optional<Refusal> check_declared_level(const nlohmann::json& item) {
  if (!item.is_object()) return std::nullopt;
  auto it = item.find("level");
  if (it == item.end()) return std::nullopt;
  if (it->is_string() && it->get<std::string>() == "C") return std::nullopt;
  // Only the level itself is named, bounded: the content of a classified item is never
  // echoed, and a level nested thousands deep is never walked to describe it.
  return Refusal{403, RefusalReason::classification,
                 "/level: classification " + model::describe_json(*it, 32) +
                     " may not be shown on the wall (only \"C\")"};
}

std::optional<Refusal> check_group(const config::TownConfig& town, std::string_view group_id) {
  const config::Group* g = town.find_group(group_id);
  if (!g) {
    return Refusal{403, RefusalReason::unknown_group,
                   "/group: unknown group " + model::describe_json(std::string(group_id))};
  }
  if (g->level != 'C') {
    return Refusal{403, RefusalReason::classification,
                   "/group: group \"" + g->id + "\" is classified " + std::string(1, g->level) +
                       "; only level C may be shown on the wall"};
  }
  return std::nullopt;
}

std::optional<Refusal> check_channel(const config::TownConfig& town, std::string_view channel_id,
                                     const config::Group** group_out) {
  const config::Group* g = town.find_group_by_channel(channel_id);
  if (!g) {
    return Refusal{
        403, RefusalReason::unknown_group,
        "source.channelId: unknown channel " + model::describe_json(std::string(channel_id))};
  }
  if (g->level != 'C') {
    return Refusal{403, RefusalReason::classification,
                   "source.channelId: group \"" + g->id + "\" is classified " +
                       std::string(1, g->level) + "; only level C may be shown on the wall"};
  }
  if (group_out) *group_out = g;
  return std::nullopt;
}

std::optional<Refusal> check_readable(const model::Event& event) {
  const std::string type(model::type_name(event.body));
  try {
    // The journal stores this text, and start-up reads it back with this parser and codec.
    model::event_from_json(nlohmann::json::parse(model::to_json(event).dump()));
    return std::nullopt;
  } catch (const model::CodecError& ex) {
    // The codec's message names the field and the rule, not the content.
    return Refusal{400, RefusalReason::malformed, type + ": " + ex.what()};
  } catch (const nlohmann::json::exception& ex) {
    // dump() refuses a string that is not UTF-8; its message names the byte, not the text.
    return Refusal{400, RefusalReason::malformed,
                   type + ": a text cannot be stored as JSON (" + ex.what() + ")"};
  }
}

std::optional<Refusal> check_not_ahead(model::TimePoint at, model::TimePoint received,
                                       std::string_view pointer) {
  if (at <= received + kMaxClockAhead) return std::nullopt;
  const auto ahead = std::chrono::duration_cast<std::chrono::minutes>(at - received).count();
  return Refusal{400, RefusalReason::malformed,
                 std::string(pointer) + ": " + model::format_time(at) + " is " +
                     std::to_string(ahead) + " minutes after the daemon received it (" +
                     model::format_time(received) + "; at most " +
                     std::to_string(kMaxClockAhead.count()) +
                     " minutes ahead): send UTC with Z, or the local time with its offset "
                     "such as +09:00"};
}

}  // namespace bcp::daemon
