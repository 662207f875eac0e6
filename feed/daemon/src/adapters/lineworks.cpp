#include "bcp/daemon/adapters/lineworks.hpp"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bcp/common/hmac.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/strict_json.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

LineworksItem dropped(RefusalReason reason, std::string message) {
  LineworksItem item;
  item.kind = LineworksItem::Kind::dropped;
  item.refusal = Refusal{reason == RefusalReason::malformed ? 400 : 403, reason, std::move(message)};
  return item;
}

// A callback field of the wrong type makes the whole callback malformed: read as absent, a
// non-string channelId would skip the channel check (issue 12). Thrown by the readers below
// and caught in map_lineworks_callback, which never throws.
struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The types of every callback field the daemon knows, wherever it appears (LINE WORKS API 2.0
// callbacks; ../shared/notes/lineworks-api.md). Fields not listed are ignored.
enum class Expect { string, number, object, string_array };
struct FieldType {
  const char* key;
  Expect type;
};
constexpr FieldType kTopFields[] = {
    {"type", Expect::string}, {"source", Expect::object},  {"issuedTime", Expect::string},
    {"data", Expect::string}, {"content", Expect::object}, {"members", Expect::string_array}};
constexpr FieldType kSourceFields[] = {
    {"userId", Expect::string}, {"channelId", Expect::string}, {"domainId", Expect::number}};
// Content by type: text (`text`, `postback`), location (`address`, `latitude`, `longitude`;
// no `title` in a callback, only in what a bot sends), sticker (`packageId`, `stickerId`),
// image/file/audio/video (`fileId` only: no file name, no URLs).
constexpr FieldType kContentFields[] = {
    {"type", Expect::string},      {"text", Expect::string},      {"postback", Expect::string},
    {"fileId", Expect::string},    {"address", Expect::string},   {"latitude", Expect::number},
    {"longitude", Expect::number}, {"packageId", Expect::string}, {"stickerId", Expect::string}};

bool has_type(const json& value, Expect type) {
  switch (type) {
    case Expect::string:
      return value.is_string();
    case Expect::number:
      return value.is_number();
    case Expect::object:
      return value.is_object();
    case Expect::string_array:
      if (!value.is_array()) return false;
      for (const json& item : value) {
        if (!item.is_string()) return false;
      }
      return true;
  }
  return false;
}

const char* type_label(Expect type) {
  switch (type) {
    case Expect::string:
      return "a string";
    case Expect::number:
      return "a number";
    case Expect::object:
      return "an object";
    case Expect::string_array:
      return "an array of strings";
  }
  return "?";
}

template <std::size_t N>
void check_types(const json& object, const std::string& pointer, const FieldType (&fields)[N]) {
  for (const FieldType& f : fields) {
    auto it = object.find(f.key);
    if (it != object.end() && !has_type(*it, f.type)) {
      throw Malformed(pointer + "/" + f.key + ": expected " + type_label(f.type) + ", got " +
                      model::describe_json(*it));
    }
  }
}

// After check_types: the field when present (of the checked type), else nullptr.
const json* field(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}
const std::string* string_field(const json& object, const char* key) {
  const json* f = field(object, key);
  return f ? &f->get_ref<const std::string&>() : nullptr;
}

// The name the wall shows for a LINE WORKS user: the roster's, or a neutral label. The
// raw user id is never shown (it identifies an account, not a person people know).
model::Sender sender_for(const config::TownConfig& town, std::string_view user_id) {
  if (const config::Staff* s = town.find_staff_by_lineworks(user_id)) {
    return model::Sender{s->id, s->name, s->department};
  }
  return model::Sender{"external", "外部メンバー", std::nullopt};
}

// The attachment a non-text message shows as. A callback carries no file name (only
// `fileId`), so a file shows as [ファイル]; audio and video, which our vocabulary has no kind
// for, show as a file named 音声 / 動画 rather than not at all.
std::optional<model::Attachment> attachment_for(const std::string& type, const json& content) {
  model::Attachment a;
  if (type == "image") {
    a.kind = model::AttachmentKind::image;
  } else if (type == "file") {
    a.kind = model::AttachmentKind::file;
  } else if (type == "audio" || type == "video") {
    a.kind = model::AttachmentKind::file;
    a.name = type == "audio" ? "音声" : "動画";
  } else if (type == "location") {
    a.kind = model::AttachmentKind::location;
    if (const std::string* ad = string_field(content, "address")) a.address = *ad;
    // Coordinates off the globe are dropped: the codec refuses them when the journal is
    // read back, so storing one would make the journal unreadable (found by fuzz_lineworks).
    auto coordinate = [&](const char* key, double limit) -> std::optional<double> {
      const json* value = field(content, key);
      if (!value) return std::nullopt;
      const double v = value->get<double>();
      if (v < -limit || v > limit) return std::nullopt;
      return v;
    };
    a.lat = coordinate("latitude", 90);
    a.lon = coordinate("longitude", 180);
  } else if (type == "sticker") {
    a.kind = model::AttachmentKind::sticker;
  } else {
    return std::nullopt;
  }
  return a;
}

// A roll-call answer in postback data: `rc=<id>&anpi=<safety>[&work=<can_work>]`
// (lineworks::parse_answer_data). The spelling of before, `…&rollcall=<id>`, is still read
// as `rc=`: buttons made from the old docs/protocol.md, and bcp-sim's scenario answers
// (tools/src/scenario.cpp), still send it.
std::optional<lineworks::Answer> answer_from_data(std::string_view data) {
  if (auto answer = lineworks::parse_answer_data(data)) return answer;
  constexpr std::string_view kOldKey = "rollcall=";
  std::string renamed;
  bool found = false;
  while (!data.empty()) {
    const auto amp = data.find('&');
    std::string_view pair = data.substr(0, amp);
    data = amp == std::string_view::npos ? std::string_view{} : data.substr(amp + 1);
    if (!renamed.empty()) renamed += '&';
    if (pair.starts_with(kOldKey)) {
      renamed += "rc=";
      pair.remove_prefix(kOldKey.size());
      found = true;
    }
    renamed += pair;
  }
  if (!found) return std::nullopt;
  return lineworks::parse_answer_data(renamed);
}

// How many member names a joined/left notice lists before "ほか N 名": `members[]` is as
// long as the body allows, and each name is a roster lookup.
constexpr std::size_t kMembersNamed = 10;

// "「災害対策本部」にメンバーが参加しました: 村田　達也、外部メンバー ほか 3 名". Roster names
// only; an account the roster does not map is 外部メンバー, never its id.
std::string members_notice(const config::TownConfig& town, const json* members,
                           const std::string& where, bool joined) {
  std::string text =
      "「" + where + (joined ? "」にメンバーが参加しました" : "」からメンバーが退出しました");
  if (!members || members->empty()) return text;
  std::string names;
  std::size_t named = 0;
  for (const json& m : *members) {
    if (named == kMembersNamed) break;
    const config::Staff* s = town.find_staff_by_lineworks(m.get_ref<const std::string&>());
    names += (named ? "、" : "") + (s ? s->name : std::string("外部メンバー"));
    ++named;
  }
  text += ": " + names;
  if (members->size() > named) text += " ほか " + std::to_string(members->size() - named) + " 名";
  return text;
}

LineworksItem map_checked(const config::TownConfig& town, const json& body,
                          const std::string& digest, model::TimePoint received);

}  // namespace

bool verify_lineworks_signature(std::string_view secret, std::string_view raw_body,
                                std::string_view signature_base64) {
  const std::string expected = common::hmac_sha256_base64(secret, raw_body);
  if (expected.empty()) return false;  // OpenSSL failed
  // Length is not secret; the bytes are compared in constant time.
  if (expected.size() != signature_base64.size()) return false;
  return CRYPTO_memcmp(expected.data(), signature_base64.data(), expected.size()) == 0;
}

LineworksItem map_lineworks_callback(const config::TownConfig& town, std::string_view raw_body,
                                     const std::string& digest, model::TimePoint received) {
  // The same strict parser as every other entry point: a signed body with two "channelId"
  // members (or nested thousands deep, or 1e400) is malformed, never read one way here and
  // another way by whoever reads the first.
  model::StrictJson parsed = model::parse_strict_json(raw_body);
  if (!parsed.value) return dropped(RefusalReason::malformed, "malformed JSON: " + parsed.error);
  const json& body = *parsed.value;
  if (!body.is_object()) return dropped(RefusalReason::malformed, "body is not a JSON object");
  try {
    check_types(body, "", kTopFields);
    if (const json* source = field(body, "source")) check_types(*source, "/source", kSourceFields);
    if (const json* content = field(body, "content"))
      check_types(*content, "/content", kContentFields);
    return map_checked(town, body, digest, received);
  } catch (const Malformed& e) {
    return dropped(RefusalReason::malformed, e.what());
  } catch (const std::exception& e) {
    // Whatever else goes wrong reading a callback drops it; LINE WORKS still gets its 200.
    return dropped(RefusalReason::malformed,
                   std::string("callback could not be read: ") + e.what());
  }
}

namespace {

// `body` is an object whose known fields all have their documented types (check_types).
LineworksItem map_checked(const config::TownConfig& town, const json& body,
                          const std::string& digest, model::TimePoint received) {
  const std::string* type = string_field(body, "type");
  if (!type) return dropped(RefusalReason::malformed, "/type: missing");
  const json* source = field(body, "source");
  if (!source) return dropped(RefusalReason::malformed, "/source: missing");
  const std::string* user = string_field(*source, "userId");
  const std::string* channel = string_field(*source, "channelId");
  const std::string& t = *type;

  LineworksItem item;
  item.at = received;
  if (const std::string* issued = string_field(body, "issuedTime")) {
    try {
      item.at = model::parse_time(*issued, "/issuedTime");
    } catch (const std::exception&) {
      return dropped(RefusalReason::malformed, "/issuedTime: not an RFC 3339 time");
    }
  }

  // A 1:1 room with the bot starts or ends: nothing for the wall, and not a refusal either
  // (its channelId is the 1:1 room's, in no group config, and must not count as unknown).
  if (t == "begin" || t == "end") {
    item.kind = LineworksItem::Kind::silent;
    return item;
  }

  // A channel, when named, must be a configured level-C group: even a check-in from a
  // classified room is not taken. The one exception is a postback from a channel in no
  // group config: LINE WORKS gives a postback the channelId of the room it was pressed in,
  // and for the bot's 1:1 room that is no group's.
  const config::Group* group = nullptr;
  if (channel) {
    const bool direct_postback = t == "postback" && !town.find_group_by_channel(*channel);
    if (!direct_postback) {
      if (auto refusal = check_channel(town, *channel, &group)) {
        LineworksItem d;
        d.refusal = refusal;
        return d;
      }
    }
  }

  std::optional<lineworks::Answer> answer;
  if (t == "postback") {
    const std::string* data = string_field(body, "data");
    if (!data) return dropped(RefusalReason::malformed, "/data: missing");
    answer = answer_from_data(*data);
    if (!answer) return dropped(RefusalReason::ignored, "postback data is not a roll-call answer");
  } else if (t == "message") {
    const json* content = field(body, "content");
    if (!content) return dropped(RefusalReason::malformed, "/content: missing");
    const std::string* ctype = string_field(*content, "type");
    if (!ctype) return dropped(RefusalReason::malformed, "/content/type: missing");
    if (const std::string* pb = string_field(*content, "postback")) answer = answer_from_data(*pb);
    if (!answer) {
      // Typed in the bot's 1:1 room (no channelId): said to the bot, never to the room.
      if (!group) return dropped(RefusalReason::ignored, "message in a 1:1 room is not talk");
      if (!user) return dropped(RefusalReason::malformed, "/source/userId: missing");
      const std::string& ct = *ctype;
      model::TalkMessage& m = item.talk;
      m.group = group->id;
      m.message_id = "lw-" + digest.substr(0, 20);
      m.sender = sender_for(town, *user);
      m.source = model::TalkSource::lineworks;
      if (ct == "text") {
        const std::string* text = string_field(*content, "text");
        if (!text) return dropped(RefusalReason::malformed, "/content/text: missing");
        m.text = *text;
      } else if (auto attachment = attachment_for(ct, *content)) {
        m.attachments.push_back(std::move(*attachment));
        if (const std::string* file = string_field(*content, "fileId")) item.file_id = *file;
      } else {
        return dropped(RefusalReason::ignored,
                       "content type " + model::describe_json(json(ct)) + " is not shown");
      }
      item.kind = LineworksItem::Kind::talk;
      return item;
    }
  } else if (t == "join" || t == "leave" || t == "joined" || t == "left") {
    // Always about a room (channelId required by LINE WORKS); a notice naming no room would
    // tell the wall nothing.
    if (!group) return dropped(RefusalReason::malformed, "/source/channelId: missing");
    item.kind = LineworksItem::Kind::notice;
    item.notice.level = model::NoticeLevel::info;
    if (t == "join") item.notice.text = "ボットが「" + group->name + "」に参加しました";
    if (t == "leave") item.notice.text = "ボットが「" + group->name + "」から退出しました";
    if (t == "joined" || t == "left") {
      item.notice.text = members_notice(town, field(body, "members"), group->name, t == "joined");
    }
    return item;
  } else {
    return dropped(RefusalReason::ignored,
                   "event type " + model::describe_json(json(t)) + " is not used");
  }

  // A roll-call answer: a postback event, or a button's content.postback.
  if (!user) return dropped(RefusalReason::malformed, "/source/userId: missing");
  const config::Staff* staff = town.find_staff_by_lineworks(*user);
  if (!staff) {
    return dropped(RefusalReason::unknown_user,
                   "roll-call answer from a LINE WORKS user no staff member is mapped to");
  }
  item.kind = LineworksItem::Kind::checkin;
  item.staff = staff->id;
  item.lineworks_user = *user;
  item.answer = std::move(*answer);
  item.room = group ? LineworksItem::Room::group : LineworksItem::Room::direct;
  return item;
}

}  // namespace

}  // namespace bcp::daemon
