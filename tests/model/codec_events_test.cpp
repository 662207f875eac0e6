#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using nlohmann::json;
using testing::T;

// Through text, as the journal and the stream do, not just through json values.
Event round_trip(const Event& e) { return event_from_json(json::parse(to_json(e).dump())); }

Event full_event(Payload body) {
  Event e;
  e.seq = 42;
  e.at = T("2026-11-24T05:12:00.123Z");
  e.received = T("2026-11-24T05:12:00.456Z");
  e.body = std::move(body);
  return e;
}

Event minimal_event(Payload body) {
  Event e;
  e.at = T("2026-11-24T05:12:00.123Z");
  e.body = std::move(body);
  return e;
}

TalkMessage full_talk() {
  TalkMessage m;
  m.group = "hq";
  m.message_id = "lw-123";
  m.sender = {"s001", "山田 花子", "soumu"};
  m.text = "役場前 冠水 🚧";
  m.attachments = {
      {AttachmentKind::image, "photo.jpg", std::nullopt, std::nullopt, std::nullopt},
      {AttachmentKind::location, "現在地", 43.0621, 141.3544, "北海道試験町1-2"},
      {AttachmentKind::sticker, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      {AttachmentKind::file, "report.pdf", std::nullopt, std::nullopt, std::nullopt}};
  m.source = TalkSource::lineworks;
  return m;
}

TEST(CodecRoundTrip, TalkMessageWithEverything) {
  const Event e = full_event(full_talk());
  EXPECT_EQ(round_trip(e), e);
  const json j = to_json(e);
  EXPECT_EQ(j["type"], "talk.message");
  EXPECT_EQ(j["at"], "2026-11-24T05:12:00.123Z");
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["received"], "2026-11-24T05:12:00.456Z");
  EXPECT_EQ(j["sender"]["department"], "soumu");
  EXPECT_EQ(j["attachments"][1]["lat"], 43.0621);
  EXPECT_EQ(j["source"], "lineworks");
}

TEST(CodecRoundTrip, TalkMessageMinimalOmitsAbsentFields) {
  TalkMessage m;
  m.group = "soumu";
  m.message_id = "m1";
  m.sender = {"external", "外部メンバー", std::nullopt};
  m.text = "";
  m.source = TalkSource::api;
  const Event e = minimal_event(m);
  EXPECT_EQ(round_trip(e), e);
  const json j = to_json(e);
  EXPECT_FALSE(j.contains("seq"));
  EXPECT_FALSE(j.contains("received"));
  EXPECT_FALSE(j["sender"].contains("department"));
  EXPECT_EQ(j["attachments"], json::array());
}

TEST(CodecRoundTrip, TalkMessageWithoutAttachmentsFieldMeansNone) {
  const json j = {{"type", "talk.message"},
                  {"at", "2026-11-24T05:12:00Z"},
                  {"group", "hq"},
                  {"message_id", "m1"},
                  {"sender", {{"id", "s001"}, {"name", "山田"}}},
                  {"text", "了解"},
                  {"source", "api"}};
  const Event e = event_from_json(j);
  EXPECT_TRUE(std::get<TalkMessage>(e.body).attachments.empty());
  EXPECT_EQ(std::get<TalkMessage>(e.body).text, "了解");
}

TEST(CodecRoundTrip, StaffAvailabilityWithAndWithoutOptionals) {
  StaffAvailability a;
  a.staff = "s002";
  a.status = Availability::en_route;
  a.until = T("2026-11-24T09:00:00Z");
  a.note = "車で向かっています";
  a.source = AvailabilitySource::checkin;
  const Event full = full_event(a);
  EXPECT_EQ(round_trip(full), full);
  EXPECT_EQ(to_json(full)["status"], "en_route");
  EXPECT_EQ(to_json(full)["until"], "2026-11-24T09:00:00.000Z");

  a.until.reset();
  a.note.reset();
  a.status = Availability::off_duty;
  a.source = AvailabilitySource::calendar;
  const Event minimal = minimal_event(a);
  EXPECT_EQ(round_trip(minimal), minimal);
  EXPECT_FALSE(to_json(minimal).contains("until"));
  EXPECT_FALSE(to_json(minimal).contains("note"));
}

TEST(CodecRoundTrip, RollcallStartedWithDepartmentsAndForAll) {
  RollcallStarted r = testing::rollcall("rc-1", true, {"soumu", "kikaku"});
  r.trigger = RollcallTrigger::jma;
  const Event with_departments = full_event(r);
  EXPECT_EQ(round_trip(with_departments), with_departments);
  EXPECT_EQ(to_json(with_departments)["departments"], json({"soumu", "kikaku"}));
  EXPECT_EQ(to_json(with_departments)["drill"], true);

  r.departments.clear();
  r.drill = false;
  r.trigger = RollcallTrigger::api;
  const Event all = minimal_event(r);
  EXPECT_EQ(round_trip(all), all);
  EXPECT_EQ(to_json(all)["departments"], json::array());
}

TEST(CodecRoundTrip, RollcallCheckinWithAndWithoutOptionals) {
  RollcallCheckin c = testing::checkin("rc-1", "s003", Safety::serious_injury, CanWork::no);
  c.location = "自宅";
  c.note = "足を骨折";
  c.source = "lineworks";
  const Event full = full_event(c);
  EXPECT_EQ(round_trip(full), full);
  EXPECT_EQ(to_json(full)["safety"], "serious_injury");
  EXPECT_EQ(to_json(full)["can_work"], "no");

  c.location.reset();
  c.note.reset();
  c.safety = Safety::needs_help;
  c.can_work = CanWork::later;
  const Event minimal = minimal_event(c);
  EXPECT_EQ(round_trip(minimal), minimal);
  EXPECT_FALSE(to_json(minimal).contains("location"));
}

TEST(CodecRoundTrip, RollcallClosed) {
  const Event e = full_event(RollcallClosed{"rc-1"});
  EXPECT_EQ(round_trip(e), e);
  EXPECT_EQ(to_json(e)["rollcall"], "rc-1");
}

TEST(CodecRoundTrip, AlertRaisedWithAndWithoutOptionals) {
  AlertRaised a = testing::alert("a-1", Severity::critical, true);
  a.kind = AlertKind::tsunami;
  a.area = "沿岸部";
  a.expires = T("2026-11-24T12:00:00Z");
  a.source = {AlertSourceKind::jma, "VTSE41-20261124"};
  const Event full = full_event(a);
  EXPECT_EQ(round_trip(full), full);
  EXPECT_EQ(to_json(full)["source"], json({{"kind", "jma"}, {"ref", "VTSE41-20261124"}}));

  a.area.reset();
  a.expires.reset();
  a.source = {AlertSourceKind::rule, std::nullopt};
  const Event minimal = minimal_event(a);
  EXPECT_EQ(round_trip(minimal), minimal);
  EXPECT_EQ(to_json(minimal)["source"], json({{"kind", "rule"}}));
  EXPECT_FALSE(to_json(minimal).contains("expires"));
}

TEST(CodecRoundTrip, AlertUpdatedCarriesOnlyChangedFields) {
  AlertUpdated u;
  u.alert = "a-1";
  u.kind = AlertKind::fire;
  u.severity = Severity::warning;
  u.drill = false;
  u.title = "火災";
  u.body = "延焼中";
  u.area = "本町";
  u.expires = T("2026-11-25T00:00:00Z");
  const Event full = full_event(u);
  EXPECT_EQ(round_trip(full), full);
  EXPECT_EQ(to_json(full)["drill"], false);

  const Event minimal = minimal_event(AlertUpdated{.alert = "a-1", .severity = Severity::info});
  EXPECT_EQ(round_trip(minimal), minimal);
  json expected = {{"type", "alert.updated"},
                   {"at", "2026-11-24T05:12:00.123Z"},
                   {"alert", "a-1"},
                   {"severity", "info"}};
  EXPECT_EQ(to_json(minimal), expected);
}

TEST(CodecRoundTrip, AlertCancelledWithAndWithoutReason) {
  const Event full = full_event(AlertCancelled{"a-1", "誤報"});
  EXPECT_EQ(round_trip(full), full);
  const Event minimal = minimal_event(AlertCancelled{"a-1", std::nullopt});
  EXPECT_EQ(round_trip(minimal), minimal);
  EXPECT_FALSE(to_json(minimal).contains("reason"));
}

TEST(CodecRoundTrip, AlertAcknowledged) {
  const Event e = full_event(AlertAcknowledged{"a-1", "s001"});
  EXPECT_EQ(round_trip(e), e);
  EXPECT_EQ(to_json(e)["by"], "s001");
}

TEST(CodecRoundTrip, TalkHiddenKeepsIdReasonAndOperator) {
  const Event e = full_event(TalkHidden{"api-18f-0a1b", "個人情報の写真", "operator-sample"});
  EXPECT_EQ(round_trip(e), e);
  const json j = to_json(e);
  EXPECT_EQ(j["type"], "talk.hidden");
  EXPECT_EQ(j["message_id"], "api-18f-0a1b");
  EXPECT_EQ(j["reason"], "個人情報の写真");
  EXPECT_EQ(j["by"], "operator-sample");
  // Strict like every event: each field required, nothing unknown taken.
  for (const char* field : {"message_id", "reason", "by"}) {
    json missing = j;
    missing.erase(field);
    EXPECT_THROW(event_from_json(missing), CodecError) << field;
  }
  json extra = j;
  extra["text"] = "the hidden text must not travel with the hide";
  EXPECT_THROW(event_from_json(extra), CodecError);
  json wrong = j;
  wrong["reason"] = 7;
  EXPECT_THROW(event_from_json(wrong), CodecError);
}

TEST(CodecRoundTrip, NoticeKeepsItsOwnLevel) {
  const Event e = full_event(Notice{"ジャーナル遅延", NoticeLevel::warning});
  EXPECT_EQ(round_trip(e), e);
  EXPECT_EQ(to_json(e)["level"], "warning");
  const Event info = minimal_event(Notice{"再接続しました", NoticeLevel::info});
  EXPECT_EQ(round_trip(info), info);
}

TEST(CodecRoundTrip, ClassificationLevelIsAcceptedAndDropped) {
  json j = to_json(full_event(RollcallClosed{"rc-1"}));
  j["level"] = "C";
  EXPECT_EQ(event_from_json(j), full_event(RollcallClosed{"rc-1"}));
}

TEST(CodecRoundTrip, PayloadToJsonHasTypeButNoEnvelope) {
  const json j = payload_to_json(AlertAcknowledged{"a-9", "s010"});
  EXPECT_EQ(j, json({{"type", "alert.acknowledged"}, {"alert", "a-9"}, {"by", "s010"}}));
}

TEST(CodecRoundTrip, TypeNamesMatchTheVocabulary) {
  EXPECT_EQ(type_name(TalkMessage{}), "talk.message");
  EXPECT_EQ(type_name(StaffAvailability{}), "staff.availability");
  EXPECT_EQ(type_name(RollcallStarted{}), "rollcall.started");
  EXPECT_EQ(type_name(RollcallCheckin{}), "rollcall.checkin");
  EXPECT_EQ(type_name(RollcallClosed{}), "rollcall.closed");
  EXPECT_EQ(type_name(AlertRaised{}), "alert.raised");
  EXPECT_EQ(type_name(AlertUpdated{}), "alert.updated");
  EXPECT_EQ(type_name(AlertCancelled{}), "alert.cancelled");
  EXPECT_EQ(type_name(AlertAcknowledged{}), "alert.acknowledged");
  EXPECT_EQ(type_name(TalkHidden{}), "talk.hidden");
  EXPECT_EQ(type_name(Notice{}), "notice");
}

TEST(CodecEnums, EveryNameParsesBackToItsValue) {
  for (int i = 0; i <= static_cast<int>(Availability::unknown); ++i) {
    const auto v = static_cast<Availability>(i);
    EXPECT_EQ(enum_from_string<Availability>(to_string(v)), v);
  }
  for (int i = 0; i <= static_cast<int>(Safety::needs_help); ++i) {
    const auto v = static_cast<Safety>(i);
    EXPECT_EQ(enum_from_string<Safety>(to_string(v)), v);
  }
  EXPECT_EQ(to_string(Safety::minor_injury), "minor_injury");
  EXPECT_EQ(to_string(AlertSourceKind::cap), "cap");
  EXPECT_EQ(enum_from_string<CanWork>("later"), CanWork::later);
  EXPECT_EQ(enum_from_string<CanWork>("Later"), std::nullopt);
  EXPECT_EQ(enum_from_string<Severity>(""), std::nullopt);
}

}  // namespace
}  // namespace bcp::model

// The delivery identity travels with the event through the journal and the stream.
TEST(CodecOrigin, OriginRoundTripsAndIsOmittedWhenAbsent) {
  bcp::model::Event e;
  e.seq = 7;
  e.at = bcp::model::parse_time("2026-11-24T05:00:00.000Z");
  e.body = bcp::model::Notice{"ボットが参加しました", bcp::model::NoticeLevel::info};
  EXPECT_FALSE(bcp::model::to_json(e).contains("origin"));
  e.origin = "lw-0123456789abcdef0123";
  nlohmann::json j = bcp::model::to_json(e);
  EXPECT_EQ(j.at("origin"), "lw-0123456789abcdef0123");
  EXPECT_EQ(bcp::model::event_from_json(j), e);
}
