// What the bot sends (DESIGN.md "LINE WORKS both ways", Send): the `content` objects of
// POST /bots/{botId}/users/{userId}/messages and /channels/{channelId}/messages, and the
// roll-call answer carried in a button's postback data, `rc=<id>&anpi=<safety>[&work=<w>]`.
// Limits are the documented ones; text longer than a limit is cut at a character boundary.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bcp/model/events.hpp"

namespace bcp::lineworks {

inline constexpr std::size_t kMaxTextChars = 2000;         // text content
inline constexpr std::size_t kMaxContentTextChars = 1000;  // button_template contentText
inline constexpr std::size_t kMaxLabelChars = 20;          // an action's label
inline constexpr std::size_t kMaxPostbackChars = 300;      // postback data / displayText
inline constexpr std::size_t kMaxButtons = 10;             // button_template actions
inline constexpr std::size_t kMaxQuickReplyItems = 13;

// Where a message goes: a person's 1:1 room with the bot, or a talk room the bot is in.
struct Recipient {
  enum class Kind { user, channel };
  Kind kind = Kind::user;
  std::string id;  // LINE WORKS userId, or channelId

  static Recipient user(std::string user_id) { return {Kind::user, std::move(user_id)}; }
  static Recipient channel(std::string channel_id) {
    return {Kind::channel, std::move(channel_id)};
  }
  // "users/<id>" or "channels/<id>" with the id percent-encoded: the path after /bots/{botId}/.
  std::string path() const;
  bool operator==(const Recipient&) const = default;
};

// Percent-encoding of everything but RFC 3986's unreserved characters (paths, forms, data).
std::string percent_encode(std::string_view s);
// The first `max_chars` characters (UTF-8 code points) of `s`.
std::string first_chars(std::string_view s, std::size_t max_chars);
std::size_t count_chars(std::string_view s);

// A roll-call answer as postback data carries it.
struct Answer {
  std::optional<std::string> rollcall;  // absent: the one open roll call
  model::Safety safety = model::Safety::safe;
  std::optional<model::CanWork> work;  // absent: not asked (yet)
};
// "rc=<id>&anpi=<safety>[&work=<can_work>]", the id percent-encoded.
std::string answer_data(std::string_view rollcall, model::Safety safety,
                        std::optional<model::CanWork> work = std::nullopt);
// nullopt unless it is rc?, anpi and work? with known values, each at most once.
std::optional<Answer> parse_answer_data(std::string_view data);

// {"type":"text","text":…}
nlohmann::json text_content(std::string_view text);

// The roll call's first question, for a 1:1 room: a button_template whose four buttons are
// `message` actions (the only kind a button template takes) carrying the postback data; a
// press comes back as a `message` callback with content.postback. `text` is shown above the
// buttons; a drill's text starts with `drill_mark` (DESIGN: 【訓練】 in the text itself).
nlohmann::json safety_question(std::string_view rollcall, std::string_view text, bool drill,
                               std::string_view drill_mark = "【訓練】");

// The follow-up once safety is known: text with quick-reply `postback` actions, one per
// can_work value; a press comes back as a `postback` callback whose data repeats the safety.
nlohmann::json work_question(std::string_view rollcall, model::Safety safety, std::string_view text,
                             bool drill, std::string_view drill_mark = "【訓練】");

// Labels on the buttons (Japanese, as the wall shows them).
std::string_view safety_label(model::Safety s);
std::string_view work_label(model::CanWork w);

}  // namespace bcp::lineworks
