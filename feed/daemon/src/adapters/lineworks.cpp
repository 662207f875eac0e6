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
constexpr FieldType kContentFields[] = {
    {"type", Expect::string},      {"text", Expect::string},     {"postback", Expect::string},
    {"fileId", Expect::string},    {"fileName", Expect::string}, {"title", Expect::string},
    {"address", Expect::string},   {"latitude", Expect::number}, {"longitude", Expect::number},
    {"packageId", Expect::string}, {"stickerId", Expect::string}};

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

model::Attachment attachment_for(const std::string& type, const json& content) {
  model::Attachment a;
  if (type == "image") {
    a.kind = model::AttachmentKind::image;
  } else if (type == "file") {
    a.kind = model::AttachmentKind::file;
    if (const std::string* n = string_field(content, "fileName")) a.name = *n;
  } else if (type == "location") {
    a.kind = model::AttachmentKind::location;
    if (const std::string* t = string_field(content, "title")) a.name = *t;
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
  } else {
    a.kind = model::AttachmentKind::sticker;
  }
  return a;
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

std::optional<CheckinAnswer> parse_checkin_data(std::string_view data) {
  CheckinAnswer answer;
  bool have_safety = false;
  bool have_work = false;
  while (!data.empty()) {
    auto amp = data.find('&');
    std::string_view pair = data.substr(0, amp);
    data = amp == std::string_view::npos ? std::string_view{} : data.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = pair.substr(0, eq);
    std::string_view value = pair.substr(eq + 1);
    if (key == "anpi") {
      auto s = model::enum_from_string<model::Safety>(value);
      if (!s) return std::nullopt;
      answer.safety = *s;
      have_safety = true;
    } else if (key == "work") {
      auto w = model::enum_from_string<model::CanWork>(value);
      if (!w) return std::nullopt;
      answer.can_work = *w;
      have_work = true;
    } else if (key == "rollcall") {
      if (value.empty()) return std::nullopt;
      answer.rollcall = std::string(value);
    }
  }
  if (!have_safety) return std::nullopt;
  if (!have_work) answer.can_work = model::CanWork::unknown;
  return answer;
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

  LineworksItem item;
  item.at = received;
  if (const std::string* issued = string_field(body, "issuedTime")) {
    try {
      item.at = model::parse_time(*issued, "/issuedTime");
    } catch (const std::exception&) {
      return dropped(RefusalReason::malformed, "/issuedTime: not an RFC 3339 time");
    }
  }

  // A channel, when named, must be a configured level-C group: even a check-in from a
  // classified room is not taken.
  const config::Group* group = nullptr;
  if (channel) {
    if (auto refusal = check_channel(town, *channel, &group)) {
      LineworksItem d;
      d.refusal = refusal;
      return d;
    }
  }

  const std::string& t = *type;
  std::optional<CheckinAnswer> answer;
  if (t == "postback") {
    const std::string* data = string_field(body, "data");
    if (!data) return dropped(RefusalReason::malformed, "/data: missing");
    answer = parse_checkin_data(*data);
    if (!answer) return dropped(RefusalReason::ignored, "postback data is not a check-in answer");
  } else if (t == "message") {
    const json* content = field(body, "content");
    if (!content) return dropped(RefusalReason::malformed, "/content: missing");
    const std::string* ctype = string_field(*content, "type");
    if (!ctype) return dropped(RefusalReason::malformed, "/content/type: missing");
    if (const std::string* pb = string_field(*content, "postback"))
      answer = parse_checkin_data(*pb);
    if (!answer) {
      const std::string& ct = *ctype;
      if (!group) return dropped(RefusalReason::ignored, "message outside a group talk");
      if (!user) return dropped(RefusalReason::malformed, "/source/userId: missing");
      model::TalkMessage& m = item.talk;
      m.group = group->id;
      m.message_id = "lw-" + digest.substr(0, 20);
      m.sender = sender_for(town, *user);
      m.source = model::TalkSource::lineworks;
      if (ct == "text") {
        const std::string* text = string_field(*content, "text");
        if (!text) return dropped(RefusalReason::malformed, "/content/text: missing");
        m.text = *text;
      } else if (ct == "image" || ct == "file" || ct == "location" || ct == "sticker") {
        m.attachments.push_back(attachment_for(ct, *content));
      } else {
        return dropped(RefusalReason::ignored,
                       "content type " + model::describe_json(json(ct)) + " is not shown");
      }
      item.kind = LineworksItem::Kind::talk;
      return item;
    }
  } else if (t == "joined" || t == "left" || t == "memberJoined" || t == "memberLeft") {
    std::string where = group ? group->name : std::string("トーク");
    item.kind = LineworksItem::Kind::notice;
    item.notice.level = model::NoticeLevel::info;
    if (t == "joined") item.notice.text = "ボットが「" + where + "」に参加しました";
    if (t == "left") item.notice.text = "ボットが「" + where + "」から退出しました";
    if (t == "memberJoined") item.notice.text = "「" + where + "」にメンバーが参加しました";
    if (t == "memberLeft") item.notice.text = "「" + where + "」からメンバーが退出しました";
    return item;
  } else {
    return dropped(RefusalReason::ignored,
                   "event type " + model::describe_json(json(t)) + " is not used");
  }

  // A check-in answer (postback event or a button's content.postback).
  if (!user) return dropped(RefusalReason::malformed, "/source/userId: missing");
  const config::Staff* staff = town.find_staff_by_lineworks(*user);
  if (!staff) return dropped(RefusalReason::ignored, "check-in from a user not in the roster");
  item.kind = LineworksItem::Kind::checkin;
  item.staff = staff->id;
  item.answer = *answer;
  return item;
}

}  // namespace

}  // namespace bcp::daemon
