// Replays of a whole journal and hidden talk (DESIGN.md "Pulling an item off the wall").
#include <algorithm>

#include "bcp/model/reducer.hpp"

namespace bcp::model {

std::set<std::string, std::less<>> hidden_message_ids(const std::vector<Event>& events) {
  std::set<std::string, std::less<>> hidden;
  for (const Event& e : events) {
    if (const auto* h = std::get_if<TalkHidden>(&e.body)) hidden.insert(h->message_id);
  }
  return hidden;
}

bool is_hidden_message(const Event& e, const std::set<std::string, std::less<>>& hidden) {
  const auto* m = std::get_if<TalkMessage>(&e.body);
  return m && hidden.count(m->message_id) > 0;
}

std::size_t drop_hidden_messages(std::vector<Event>& events) {
  const auto hidden = hidden_message_ids(events);
  if (hidden.empty()) return 0;
  return std::erase_if(events, [&](const Event& e) { return is_hidden_message(e, hidden); });
}

}  // namespace bcp::model
