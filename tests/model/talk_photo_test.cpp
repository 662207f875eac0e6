// talk.photo (a talk message's image, fetched and stored by the daemon): the codec (wire
// names, the ref's shape, the numbers' ranges), the reducer (the ref lands on that attachment
// only, and only on an image still in the history) and the snapshot carrying the ref.
#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace bcp::model::testing;
using nlohmann::json;

const std::string kRef = "0123456789abcdef0123456789abcdef";

TalkPhoto photo(std::string message_id, int attachment, std::string ref = kRef) {
  return {"hq", std::move(message_id), attachment, std::move(ref), 1920, 1440};
}

TalkMessage talk_with(std::vector<AttachmentKind> kinds) {
  TalkMessage m = talk("hq", "s001", "川沿いにクマ");
  for (AttachmentKind k : kinds) m.attachments.push_back({k});
  return m;
}

std::string refusal_of(const json& j) {
  try {
    event_from_json(j);
    return "";
  } catch (const CodecError& e) {
    return e.what();
  }
}

TEST(TalkPhotoCodec, RoundTripsWithItsWireNames) {
  Event e = make_event(7, at_second(3), photo("m-1", 1));
  json j = to_json(e);
  EXPECT_EQ(j["type"], "talk.photo");
  EXPECT_EQ(j["group"], "hq");
  EXPECT_EQ(j["message_id"], "m-1");
  EXPECT_EQ(j["attachment"], 1);
  EXPECT_EQ(j["ref"], kRef);
  EXPECT_EQ(j["width"], 1920);
  EXPECT_EQ(j["height"], 1440);
  EXPECT_EQ(event_from_json(json::parse(j.dump())), e);
}

TEST(TalkPhotoCodec, RefusesARefThatCouldNameAnythingButAStoredPhoto) {
  const json good = to_json(make_event(1, at_second(0), photo("m-1", 0)));
  for (const std::string bad :
       {std::string("../../etc/passwd"), kRef.substr(1), kRef + "0",
        std::string("0123456789ABCDEF0123456789ABCDEF"), std::string("0123456789abcdef/123456789abcdef"),
        std::string("")}) {
    json j = good;
    j["ref"] = bad;
    EXPECT_NE(refusal_of(j).find("/ref"), std::string::npos) << bad;
  }
  json not_a_string = good;
  not_a_string["ref"] = 12;
  EXPECT_NE(refusal_of(not_a_string), "");
}

TEST(TalkPhotoCodec, RefusesNumbersOutOfRange) {
  const json good = to_json(make_event(1, at_second(0), photo("m-1", 0)));
  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
           {"attachment", -1}, {"attachment", 1001}, {"width", 0}, {"height", 1 << 20},
           {"width", 1.5}, {"height", "1440"}}) {
    json j = good;
    j[key] = value;
    EXPECT_NE(refusal_of(j).find("/" + key), std::string::npos) << key << "=" << value;
  }
  json missing = good;
  missing.erase("width");
  EXPECT_NE(refusal_of(missing).find("/width"), std::string::npos);
}

TEST(TalkPhotoCodec, AnAttachmentRefIsAPhotoRefOnAnImageOnly) {
  TalkMessage m = talk_with({AttachmentKind::image});
  m.attachments[0].ref = kRef;
  json j = to_json(make_event(1, at_second(0), m));
  EXPECT_EQ(j["attachments"][0]["ref"], kRef);
  EXPECT_EQ(event_from_json(json::parse(j.dump())).body, Payload(m));

  json on_a_file = j;
  on_a_file["attachments"][0]["kind"] = "file";
  EXPECT_NE(refusal_of(on_a_file).find("/attachments/0/ref"), std::string::npos);
  json bad_shape = j;
  bad_shape["attachments"][0]["ref"] = "photo.jpg";
  EXPECT_NE(refusal_of(bad_shape).find("/attachments/0/ref"), std::string::npos);
}

TEST(TalkPhotoReducer, TheRefLandsOnThatImageOfThatMessage) {
  Situation s = small_town_situation();
  TalkMessage first = talk_with({AttachmentKind::location, AttachmentKind::image});
  TalkMessage second = talk("hq", "s002", "道路陥没");
  second.attachments.push_back({AttachmentKind::image});
  apply(s, make_event(1, at_second(0), first));
  apply(s, make_event(2, at_second(1), second));
  apply(s, make_event(3, at_second(2), photo(first.message_id, 1)));

  const auto& recent = s.talk.at("hq").recent;
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_FALSE(recent[0].message.attachments[0].ref);
  EXPECT_EQ(recent[0].message.attachments[1].ref, kRef);
  EXPECT_FALSE(recent[1].message.attachments[0].ref);
  EXPECT_EQ(s.talk.at("hq").total, 2u);  // a photo is no new message
}

TEST(TalkPhotoReducer, ChangesNothingWhereThereIsNoImageToFoldInto) {
  Situation s = small_town_situation();
  TalkMessage m = talk_with({AttachmentKind::location, AttachmentKind::image});
  apply(s, make_event(1, at_second(0), m));
  const Situation before = s;
  apply(s, make_event(2, at_second(1), photo(m.message_id, 0)));    // a location
  apply(s, make_event(3, at_second(1), photo(m.message_id, 2)));    // past the end
  apply(s, make_event(4, at_second(1), photo("m-unknown", 1)));     // no such message
  TalkPhoto other_group = photo(m.message_id, 1);
  other_group.group = "soumu";
  apply(s, make_event(5, at_second(1), other_group));               // not in that group
  EXPECT_EQ(s.talk, before.talk);

  // Hidden first: the message is gone, and so is any place for its photo.
  apply(s, make_event(6, at_second(2), TalkHidden{m.message_id, "誤投稿", "op"}));
  apply(s, make_event(7, at_second(3), photo(m.message_id, 1)));
  EXPECT_TRUE(s.talk.at("hq").recent.empty());
}

TEST(TalkPhotoSnapshot, CarriesTheRefThroughText) {
  Situation s = small_town_situation();
  TalkMessage m = talk_with({AttachmentKind::image});
  apply(s, make_event(1, at_second(0), m));
  apply(s, make_event(2, at_second(1), photo(m.message_id, 0)));
  const json j = situation_to_json(s);
  const Situation back = situation_from_json(json::parse(j.dump()));
  EXPECT_EQ(back, s);
  EXPECT_EQ(back.talk.at("hq").recent[0].message.attachments[0].ref, kRef);
}

}  // namespace
}  // namespace bcp::model
