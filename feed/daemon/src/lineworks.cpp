#include "bcp/daemon/lineworks.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

#include "bcp/model/codec.hpp"

namespace bcp::daemon {
namespace {

using nlohmann::json;

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(len < 0 ? 0 : static_cast<std::size_t>(len));
  return out;
}

LineworksItem dropped(RefusalReason reason, std::string message) {
  LineworksItem item;
  item.kind = LineworksItem::Kind::dropped;
  item.refusal = Refusal{reason == RefusalReason::malformed ? 400 : 403, reason, std::move(message)};
  return item;
}

const json* find_string(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return (it != obj.end() && it->is_string()) ? &*it : nullptr;
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
    if (const json* n = find_string(content, "fileName")) a.name = n->get<std::string>();
  } else if (type == "location") {
    a.kind = model::AttachmentKind::location;
    if (const json* t = find_string(content, "title")) a.name = t->get<std::string>();
    if (const json* ad = find_string(content, "address")) a.address = ad->get<std::string>();
    // Coordinates off the globe are dropped: the codec refuses them when the journal is
    // read back, so storing one would make the journal unreadable (found by fuzz_lineworks).
    auto coordinate = [&](const char* key, double limit) -> std::optional<double> {
      if (!content.contains(key) || !content[key].is_number()) return std::nullopt;
      const double v = content[key].get<double>();
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

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char c : md) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

bool verify_lineworks_signature(std::string_view secret, std::string_view raw_body,
                                std::string_view signature_base64) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(raw_body.data()), raw_body.size(), mac,
            &mac_len)) {
    return false;
  }
  std::string expected = base64(mac, mac_len);
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
  json body = json::parse(raw_body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return dropped(RefusalReason::malformed, "body is not a JSON object");
  }
  const json* type = find_string(body, "type");
  if (!type) return dropped(RefusalReason::malformed, "/type: missing");
  if (!body.contains("source") || !body["source"].is_object()) {
    return dropped(RefusalReason::malformed, "/source: missing");
  }
  const json& source = body["source"];
  const json* user = find_string(source, "userId");
  const json* channel = find_string(source, "channelId");

  LineworksItem item;
  item.at = received;
  if (const json* issued = find_string(body, "issuedTime")) {
    try {
      item.at = model::parse_time(issued->get<std::string>(), "/issuedTime");
    } catch (const std::exception&) {
      return dropped(RefusalReason::malformed, "/issuedTime: not an RFC 3339 time");
    }
  }

  // A channel, when named, must be a configured level-C group: even a check-in from a
  // classified room is not taken.
  const config::Group* group = nullptr;
  if (channel) {
    if (auto refusal = check_channel(town, channel->get<std::string>(), &group)) {
      LineworksItem d;
      d.refusal = refusal;
      return d;
    }
  }

  const std::string& t = type->get_ref<const std::string&>();
  std::optional<CheckinAnswer> answer;
  if (t == "postback") {
    const json* data = find_string(body, "data");
    if (!data) return dropped(RefusalReason::malformed, "/data: missing");
    answer = parse_checkin_data(data->get<std::string>());
    if (!answer) return dropped(RefusalReason::ignored, "postback data is not a check-in answer");
  } else if (t == "message") {
    if (!body.contains("content") || !body["content"].is_object()) {
      return dropped(RefusalReason::malformed, "/content: missing");
    }
    const json& content = body["content"];
    const json* ctype = find_string(content, "type");
    if (!ctype) return dropped(RefusalReason::malformed, "/content/type: missing");
    if (const json* pb = find_string(content, "postback")) answer = parse_checkin_data(pb->get<std::string>());
    if (!answer) {
      const std::string& ct = ctype->get_ref<const std::string&>();
      if (!group) return dropped(RefusalReason::ignored, "message outside a group talk");
      if (!user) return dropped(RefusalReason::malformed, "/source/userId: missing");
      model::TalkMessage& m = item.talk;
      m.group = group->id;
      m.message_id = "lw-" + digest.substr(0, 20);
      m.sender = sender_for(town, user->get<std::string>());
      m.source = model::TalkSource::lineworks;
      if (ct == "text") {
        const json* text = find_string(content, "text");
        if (!text) return dropped(RefusalReason::malformed, "/content/text: missing");
        m.text = text->get<std::string>();
      } else if (ct == "image" || ct == "file" || ct == "location" || ct == "sticker") {
        m.attachments.push_back(attachment_for(ct, content));
      } else {
        return dropped(RefusalReason::ignored, "content type \"" + ct + "\" is not shown");
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
    return dropped(RefusalReason::ignored, "event type \"" + t + "\" is not used");
  }

  // A check-in answer (postback event or a button's content.postback).
  if (!user) return dropped(RefusalReason::malformed, "/source/userId: missing");
  const config::Staff* staff = town.find_staff_by_lineworks(user->get<std::string>());
  if (!staff) return dropped(RefusalReason::ignored, "check-in from a user not in the roster");
  item.kind = LineworksItem::Kind::checkin;
  item.staff = staff->id;
  item.answer = *answer;
  return item;
}

}  // namespace bcp::daemon
