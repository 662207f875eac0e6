// source.state: the codec (strict, round trip), the reducer (latest per source, bounded) and
// the snapshot (kept; an older snapshot without "sources" still reads).
#include <gtest/gtest.h>

#include "model_test_support.hpp"

namespace bcp::model {
namespace {

using namespace bcp::model::testing;
using nlohmann::json;

SourceState failing_jma() {
  return {"jma", SourceHealth::failing, at_second(0), "HTTP 500", at_second(-60)};
}

TEST(SourceStateCodec, RoundTripsWithItsWireNames) {
  Event e = make_event(7, at_second(300), failing_jma());
  json j = to_json(e);
  EXPECT_EQ(j["type"], "source.state");
  EXPECT_EQ(j["source"], "jma");
  EXPECT_EQ(j["state"], "failing");
  EXPECT_EQ(j["since"], "2026-11-24T05:00:00.000Z");
  EXPECT_EQ(j["why"], "HTTP 500");
  EXPECT_EQ(j["last_ok"], "2026-11-24T04:59:00.000Z");
  EXPECT_EQ(event_from_json(j), e);

  SourceState quiet{"lineworks", SourceHealth::quiet, at_second(0), std::nullopt, std::nullopt};
  json q = to_json(make_event(8, at_second(1), quiet));
  EXPECT_FALSE(q.contains("why"));
  EXPECT_FALSE(q.contains("last_ok"));
  EXPECT_EQ(std::get<SourceState>(event_from_json(q).body), quiet);
}

TEST(SourceStateCodec, BadFieldsAreNamed) {
  json j = to_json(make_event(7, at_second(300), failing_jma()));
  json bad_state = j;
  bad_state["state"] = "broken";
  EXPECT_THROW(event_from_json(bad_state), CodecError);
  json no_since = j;
  no_since.erase("since");
  try {
    event_from_json(no_since);
    FAIL() << "missing since accepted";
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("since"), std::string::npos) << e.what();
  }
  json why_number = j;
  why_number["why"] = 500;
  EXPECT_THROW(event_from_json(why_number), CodecError);
}

TEST(SourceStateReducer, KeepsTheLatestPerSourceAndIsBounded) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(0), failing_jma()));
  SourceState ok{"jma", SourceHealth::ok, at_second(90), std::nullopt, at_second(90)};
  apply(s, make_event(2, at_second(90), ok));
  ASSERT_EQ(s.sources.size(), 1u);
  EXPECT_EQ(s.sources.at("jma"), ok);

  // A foreign stream naming ever new sources does not grow the map without bound.
  for (int i = 0; i < 100; ++i) {
    SourceState x{"src" + std::to_string(i), SourceHealth::failing, at_second(i), "x",
                  std::nullopt};
    apply(s, make_event(3 + i, at_second(100 + i), x));
  }
  EXPECT_EQ(s.sources.size(), Situation::kMaxSources);
  EXPECT_TRUE(s.sources.contains("jma"));
  apply(s, make_event(200, at_second(300), failing_jma()));
  EXPECT_EQ(s.sources.at("jma").state, SourceHealth::failing) << "a known source still updates";
}

TEST(SourceStateSnapshot, KeptInTheSnapshotAndOptionalInOldOnes) {
  Situation s = small_town_situation();
  apply(s, make_event(1, at_second(0), failing_jma()));
  json j = situation_to_json(s);
  EXPECT_EQ(j["sources"]["jma"]["state"], "failing");
  EXPECT_EQ(situation_from_json(json::parse(j.dump())), s);
  j.erase("sources");
  Situation old = situation_from_json(j);
  EXPECT_TRUE(old.sources.empty());
}

}  // namespace
}  // namespace bcp::model
