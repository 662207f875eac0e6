#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using nlohmann::json;

// The error text is what an operator sees in a 400 answer; pin it exactly.
std::string error_of(const json& j) {
  try {
    event_from_json(j);
  } catch (const CodecError& e) {
    return e.what();
  }
  return "(accepted)";
}

json valid_talk() {
  return {{"type", "talk.message"},
          {"at", "2026-11-24T05:12:00.123Z"},
          {"group", "hq"},
          {"message_id", "m1"},
          {"sender", {{"id", "s001"}, {"name", "山田"}}},
          {"text", "了解"},
          {"attachments", json::array()},
          {"source", "api"}};
}

json valid_checkin() {
  return {{"type", "rollcall.checkin"},
          {"at", "2026-11-24T05:12:00Z"},
          {"rollcall", "rc-1"},
          {"staff", "s001"},
          {"safety", "safe"},
          {"can_work", "yes"},
          {"source", "api"}};
}

json valid_alert() {
  return {{"type", "alert.raised"},
          {"at", "2026-11-24T05:12:00Z"},
          {"alert", "a-1"},
          {"kind", "bear"},
          {"severity", "warning"},
          {"drill", false},
          {"title", "クマ"},
          {"body", "目撃"},
          {"source", {{"kind", "rule"}}}};
}

TEST(CodecErrors, ValidSamplesAreAccepted) {
  EXPECT_EQ(error_of(valid_talk()), "(accepted)");
  EXPECT_EQ(error_of(valid_checkin()), "(accepted)");
  EXPECT_EQ(error_of(valid_alert()), "(accepted)");
}

TEST(CodecErrors, UnknownEventType) {
  json j = valid_talk();
  j["type"] = "talk.msg";
  EXPECT_EQ(error_of(j), "/type: unknown event type \"talk.msg\"");
}

TEST(CodecErrors, MissingType) {
  json j = valid_talk();
  j.erase("type");
  EXPECT_EQ(error_of(j), "/type: missing required field");
}

TEST(CodecErrors, MissingNestedField) {
  json j = valid_talk();
  j["sender"].erase("name");
  EXPECT_EQ(error_of(j), "/sender/name: missing required field");
}

TEST(CodecErrors, MissingAtIsAnErrorBecauseTheApiFillsItInBeforeDecoding) {
  json j = valid_checkin();
  j.erase("at");
  EXPECT_EQ(error_of(j), "/at: missing required field");
}

TEST(CodecErrors, UnknownEnumValueListsTheExpectedOnes) {
  json j = valid_checkin();
  j["safety"] = "fine";
  EXPECT_EQ(
      error_of(j),
      "/safety: unknown value \"fine\" (expected safe|minor_injury|serious_injury|needs_help)");
  j = valid_checkin();
  j["can_work"] = "maybe";
  EXPECT_EQ(error_of(j), "/can_work: unknown value \"maybe\" (expected yes|later|no|unknown)");
}

TEST(CodecErrors, UnknownEnumValueInsideAnArray) {
  json j = valid_talk();
  j["attachments"] = json::array({{{"kind", "image"}}, {{"kind", "video"}}});
  EXPECT_EQ(error_of(j),
            "/attachments/1/kind: unknown value \"video\" (expected image|file|location|sticker)");
}

TEST(CodecErrors, WrongJsonTypes) {
  json j = valid_talk();
  j["text"] = 5;
  EXPECT_EQ(error_of(j), "/text: expected string, got number");
  j = valid_alert();
  j["drill"] = "false";
  EXPECT_EQ(error_of(j), "/drill: expected boolean, got string");
  j = valid_talk();
  j["sender"] = "s001";
  EXPECT_EQ(error_of(j), "/sender: expected object, got string");
  j = valid_talk();
  j["attachments"] = json::object();
  EXPECT_EQ(error_of(j), "/attachments: expected array, got object");
  j = valid_alert();
  j["area"] = nullptr;
  EXPECT_EQ(error_of(j), "/area: expected string, got null");
  j = valid_talk();
  j["attachments"] = json::array({{{"kind", "location"}, {"lat", "43.1"}}});
  EXPECT_EQ(error_of(j), "/attachments/0/lat: expected number, got string");
}

TEST(CodecErrors, NotAnObjectAtAll) {
  EXPECT_EQ(error_of(json::array()), "/: expected object, got array");
}

TEST(CodecErrors, UnknownFieldsAreRefused) {
  json j = valid_checkin();
  j["saftey"] = "safe";
  EXPECT_EQ(error_of(j), "/saftey: unknown field");
  j = valid_alert();
  j["source"]["url"] = "http://example.invalid";
  EXPECT_EQ(error_of(j), "/source/url: unknown field");
  j = valid_talk();
  j["sender"]["phone"] = "000";
  EXPECT_EQ(error_of(j), "/sender/phone: unknown field");
}

TEST(CodecErrors, UnknownFieldPointerIsEscaped) {
  json j = valid_checkin();
  j["a/b~c"] = 1;
  EXPECT_EQ(error_of(j), "/a~1b~0c: unknown field");
}

TEST(CodecErrors, JournalMetadataIsAllowedButChecked) {
  json j = valid_checkin();
  j["seq"] = 7;
  j["received"] = "2026-11-24T05:12:01.000Z";
  j["level"] = "C";
  const Event e = event_from_json(j);
  EXPECT_EQ(e.seq, 7);
  EXPECT_EQ(e.received, testing::T("2026-11-24T05:12:01Z"));
  j["seq"] = 1.5;
  EXPECT_EQ(error_of(j), "/seq: expected integer, got number");
  j["seq"] = -3;
  EXPECT_EQ(error_of(j), "/seq: expected a non-negative integer, got -3");
  j["seq"] = 7;
  j["received"] = "yesterday";
  EXPECT_EQ(error_of(j),
            "/received: invalid time \"yesterday\" (expected RFC 3339 like "
            "2026-11-24T05:12:00.123Z)");
}

TEST(CodecErrors, InvalidAt) {
  json j = valid_checkin();
  j["at"] = "2026-11-24 05:12";
  EXPECT_EQ(error_of(j),
            "/at: invalid time \"2026-11-24 05:12\" (expected RFC 3339 like "
            "2026-11-24T05:12:00.123Z)");
  j["at"] = 1764000000;
  EXPECT_EQ(error_of(j), "/at: expected string, got number");
}

TEST(CodecErrors, EmptyIdsAreRefused) {
  json j = valid_checkin();
  j["staff"] = "";
  EXPECT_EQ(error_of(j), "/staff: must not be empty");
}

TEST(CodecErrors, InvalidUtf8BuiltInCodeIsRefused) {
  json j = valid_talk();
  j["text"] = std::string("\xE3\x81", 2);  // a truncated あ
  EXPECT_EQ(error_of(j), "/text: invalid UTF-8");
  j["text"] = std::string("\xC0\xAF", 2);  // overlong '/'
  EXPECT_EQ(error_of(j), "/text: invalid UTF-8");
}

TEST(CodecErrors, CoordinatesOutOfRange) {
  json j = valid_talk();
  j["attachments"] = json::array({{{"kind", "location"}, {"lat", 43.0}, {"lon", 200.5}}});
  EXPECT_EQ(error_of(j), "/attachments/0/lon: out of range (expected -180..180)");
}

TEST(CodecErrors, RollcallDrillFlagIsRequired) {
  json j = {{"type", "rollcall.started"},
            {"at", "2026-11-24T05:12:00Z"},
            {"rollcall", "rc-1"},
            {"title", "訓練"},
            {"trigger", "manual"}};
  EXPECT_EQ(error_of(j), "/drill: missing required field");
  j["drill"] = true;
  EXPECT_EQ(error_of(j), "(accepted)");
  j["departments"] = json::array({"soumu", 3});
  EXPECT_EQ(error_of(j), "/departments/1: expected string, got number");
}

TEST(CodecErrors, NoticeLevelIsTheNoticeOwnAndStrict) {
  json j = {{"type", "notice"}, {"at", "2026-11-24T05:12:00Z"}, {"text", "x"}, {"level", "C"}};
  EXPECT_EQ(error_of(j), "/level: unknown value \"C\" (expected info|warning)");
}

TEST(CodecErrors, AlertUpdatedRefusesFieldsItCannotChange) {
  json j = {{"type", "alert.updated"},
            {"at", "2026-11-24T05:12:00Z"},
            {"alert", "a-1"},
            {"source", {{"kind", "rule"}}}};
  EXPECT_EQ(error_of(j), "/source: unknown field");
  j.erase("source");
  j["severity"] = "extreme";
  EXPECT_EQ(error_of(j),
            "/severity: unknown value \"extreme\" (expected info|advisory|warning|critical)");
}

TEST(CodecErrors, ErrorCarriesThePointerSeparately) {
  json j = valid_alert();
  j["source"].erase("kind");
  try {
    event_from_json(j);
    FAIL() << "accepted";
  } catch (const CodecError& e) {
    EXPECT_EQ(e.pointer(), "/source/kind");
  }
}

}  // namespace
}  // namespace bcp::model
