// JMA Atom feed parsing and the rule for which entries the poller fetches, on our own
// fixtures in the shape of eqvol.xml (tests/alerts/fixtures/atom-*.xml).
#include "bcp/alerts/jma_atom.hpp"

#include "bcp/alerts/outcome.hpp"
#include "bcp/model/codec.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

AtomFeed fixture_feed(const std::string& name) {
  return parse_atom(test::read_file(test::fixture(name)));
}

std::string parse_error(const std::string& xml) {
  try {
    parse_atom(xml);
  } catch (const AlertParseError& e) {
    return e.what();
  }
  return "(parsed without error)";
}

std::string data_url(const std::string& file) {
  return "https://www.data.jma.go.jp/developer/xml/data/" + file;
}

TEST(JmaAtom, ParsesHighFrequencyFeed) {
  AtomFeed feed = fixture_feed("atom-eqvol.xml");
  EXPECT_EQ(feed.title, "高頻度（地震火山）");
  ASSERT_TRUE(feed.updated);
  EXPECT_EQ(model::format_time(*feed.updated), "2008-06-13T23:48:00.000Z");  // +09:00 read
  EXPECT_TRUE(feed.skipped.empty());
  ASSERT_EQ(feed.entries.size(), 5u);
  const AtomEntry& first = feed.entries.front();
  EXPECT_EQ(first.title, "震源・震度に関する情報");
  EXPECT_EQ(first.id, data_url("32-35_06_03_100915_VXSE53.xml"));
  EXPECT_EQ(first.link, data_url("32-35_06_03_100915_VXSE53.xml"));
  EXPECT_EQ(first.author, "気象庁");
  ASSERT_TRUE(first.updated);
  EXPECT_EQ(model::format_time(*first.updated), "2008-06-13T23:47:47.000Z");
  EXPECT_EQ(first.key(), first.id);
}

TEST(JmaAtom, WantsOnlyQuakeTsunamiAndWarningBulletins) {
  AtomFeed feed = fixture_feed("atom-eqvol.xml");
  std::vector<std::string> wanted;
  for (const AtomEntry& e : feed.entries) {
    if (is_wanted_bulletin(e)) wanted.push_back(jma_type_code(e.link));
  }
  // VXSE53 and VXSE52 yes; the EEW forecast (VXSE41), activity (VXSE56) and volcano no.
  EXPECT_EQ(wanted, (std::vector<std::string>{"VXSE53", "VXSE52"}));
}

TEST(JmaAtom, TypeCodeFromFeedAndSampleFileNames) {
  EXPECT_EQ(jma_type_code(data_url("20240110230013_0_VXSE53_010000.xml")), "VXSE53");
  EXPECT_EQ(jma_type_code(data_url("32-39_11_02_120615_VTSE41.xml")), "VTSE41");
  EXPECT_EQ(jma_type_code("http://127.0.0.1:9/x/20240101000000_0_VXSE43_010000.xml?a=b#c"),
            "VXSE43");
  EXPECT_EQ(jma_type_code("https://mirror.example.jp/jma/latest.xml"), "");
  EXPECT_EQ(jma_type_code("https://www.data.jma.go.jp/VXSE53/latest.xml"), "")
      << "a directory name is not the file's type";
  EXPECT_EQ(jma_type_code(""), "");
  for (const char* code : {"VXSE51", "VXSE52", "VXSE53", "VXSE61", "VTSE41", "VXSE43", "VXSE40"}) {
    AtomEntry e;
    e.link = data_url(std::string("20240101000000_0_") + code + "_010000.xml");
    EXPECT_TRUE(is_wanted_bulletin(e)) << code;
  }
  for (const char* code : {"VXSE44", "VXSE45", "VXSE41", "VXSE56", "VXSE60", "VPWW54", "VFVO52"}) {
    AtomEntry e;
    e.link = data_url(std::string("20240101000000_0_") + code + "_010000.xml");
    e.title = "震度速報";  // the code wins over a title
    EXPECT_FALSE(is_wanted_bulletin(e)) << code;
  }
}

TEST(JmaAtom, OddEntriesAreSkippedWithReasonOrClassifiedByTitle) {
  AtomFeed feed = fixture_feed("atom-odd-entries.xml");
  EXPECT_EQ(feed.title, "長期（地震火山）");
  ASSERT_EQ(feed.skipped.size(), 2u);
  EXPECT_EQ(feed.skipped[0], "entry 2: no <link href>");
  EXPECT_EQ(feed.skipped[1], "entry 3: <updated> is not an RFC 3339 time");
  ASSERT_EQ(feed.entries.size(), 4u);
  // A rel="related" link is not the bulletin.
  EXPECT_EQ(feed.entries[0].link, data_url("32-35_01_01_100806_VXSE51.xml"));
  EXPECT_TRUE(is_wanted_bulletin(feed.entries[0]));
  // No id: remembered by its link; no type code: the title decides.
  EXPECT_EQ(feed.entries[1].key(), "https://mirror.example.jp/jma/latest-intensity.xml");
  EXPECT_TRUE(is_wanted_bulletin(feed.entries[1]));
  EXPECT_EQ(feed.entries[2].id, "urn:code-wins");
  EXPECT_FALSE(feed.entries[2].updated);  // absent is fine, only a malformed one is skipped
  EXPECT_FALSE(is_wanted_bulletin(feed.entries[2]));
  EXPECT_TRUE(is_wanted_bulletin(feed.entries[3]));  // VTSE41 behind a query and fragment
}

TEST(JmaAtom, HostileDocumentsAreRefusedWithoutExpansion) {
  std::string entities = parse_error(test::read_file(test::fixture("atom-entities.xml")));
  EXPECT_NE(entities.find("Atom: document refused: contains a DOCTYPE"), std::string::npos)
      << entities;
  std::string xinclude = parse_error(test::read_file(test::fixture("atom-xinclude.xml")));
  EXPECT_NE(xinclude.find("Atom: document refused: contains an XInclude"), std::string::npos)
      << xinclude;
}

TEST(JmaAtom, MalformedAndForeignDocumentsNameTheProblem) {
  std::string rss = parse_error(test::read_file(test::fixture("atom-rss.xml")));
  EXPECT_EQ(rss, "Atom: root element must be <feed> in namespace http://www.w3.org/2005/Atom");
  std::string truncated = parse_error(test::read_file(test::fixture("atom-truncated.xml")));
  EXPECT_TRUE(truncated.starts_with("Atom: not well-formed XML: ")) << truncated;
  EXPECT_TRUE(parse_error("").starts_with("Atom: ")) << parse_error("");
  EXPECT_TRUE(parse_error("<html><body>502 Bad Gateway</body></html>")
                  .starts_with("Atom: root element must be <feed>"));
  // A <feed> in no namespace is not Atom either.
  EXPECT_TRUE(parse_error("<feed><entry/></feed>").starts_with("Atom: root element"));
  // Deep nesting is parsed (or refused) without exhausting the stack.
  std::string deep = "<feed xmlns=\"http://www.w3.org/2005/Atom\">";
  for (int i = 0; i < 100'000; ++i) deep += "<x>";
  EXPECT_TRUE(parse_error(deep).starts_with("Atom: not well-formed XML"));
}

TEST(JmaAtom, EmptyFeedHasNoEntries) {
  AtomFeed feed = parse_atom(
      R"(<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>)");
  EXPECT_TRUE(feed.entries.empty());
  EXPECT_TRUE(feed.skipped.empty());
  EXPECT_FALSE(feed.updated);
}

}  // namespace
}  // namespace bcp::alerts
