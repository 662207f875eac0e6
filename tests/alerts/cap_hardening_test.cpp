// Issue 12, classes 8 and 14 for CAP: only a Public alert reaches the wall, and a document
// whose text or times the journal could not hold is refused naming the element, never passed
// on to fail at the commit.
#include <variant>

#include "bcp/alerts/cap.hpp"
#include "bcp/model/codec.hpp"
#include "test_support.hpp"

namespace bcp::alerts {
namespace {

struct Parts {
  std::string scope = "<scope>Public</scope>";
  std::string header;  // after <scope>: restriction, addresses, …
  std::string sent = "2026-11-24T10:00:00+09:00";
  std::string status = "Actual";
  std::string info = "<headline>避難指示</headline><description>本町地区</description>";
  int infos = 1;
};

std::string document(const Parts& p) {
  std::string xml = R"(<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
<identifier>id-1</identifier><sender>s@example.jp</sender><sent>)" +
                    p.sent + "</sent><status>" + p.status + "</status><msgType>Alert</msgType>" +
                    p.scope + p.header;
  for (int i = 0; i < p.infos; ++i) {
    xml += "<info><language>" + std::string(i == 0 ? "ja-JP" : "en-US") +
           "</language><category>Geo</category><event>地震</event><urgency>Immediate</urgency>"
           "<severity>Severe</severity><certainty>Observed</certainty>" +
           p.info + "</info>";
  }
  return xml + "</alert>";
}

Parts with_scope(std::string scope_element) {
  Parts p;
  p.scope = std::move(scope_element);
  return p;
}

Parts with_info(std::string info) {
  Parts p;
  p.info = std::move(info);
  return p;
}

enum class Verdict { accepted, classified, malformed };

struct Result {
  Verdict verdict;
  std::string message;
  CapResult cap;
};

Result judge(const std::string& xml) {
  try {
    return {Verdict::accepted, "", parse_cap(xml)};
  } catch (const AlertClassifiedError& e) {
    return {Verdict::classified, e.what(), {}};
  } catch (const AlertParseError& e) {
    return {Verdict::malformed, e.what(), {}};
  }
}

// What the daemon would journal for an accepted document must read back through the codec,
// exactly as the journal reads it at the next start.
void expect_journalable(const CapResult& r, const std::string& label) {
  for (bool known : {false, true}) {
    auto payload = r.payload(known);
    if (!payload) continue;
    model::Event e;
    e.seq = 1;
    e.at = model::TimePoint{std::chrono::milliseconds{1'700'000'000'000}};
    e.body = *payload;
    EXPECT_NO_THROW(model::event_from_json(model::to_json(e))) << label;
  }
}

TEST(CapScope, OnlyPublicReachesTheWall) {
  Result ok = judge(document({}));
  ASSERT_EQ(ok.verdict, Verdict::accepted) << ok.message;
  EXPECT_EQ(ok.cap.disposition, Disposition::raise);
  expect_journalable(ok.cap, "Public");
  for (const char* scope : {"Restricted", "Private"}) {
    Result r = judge(document(with_scope(std::string("<scope>") + scope + "</scope>")));
    EXPECT_EQ(r.verdict, Verdict::classified) << scope << ": " << r.message;
    EXPECT_EQ(r.message, std::string("CAP: /alert/scope: scope \"") + scope +
                             "\" may not be shown on the wall (only Public)");
  }
}

TEST(CapScope, CaseVariantsAreNotPublic) {
  // CAP's values are case-sensitive; a level "c" is not C either.
  for (const char* scope : {"public", "PUBLIC", "pUBLIC", "private", "PRIVATE", "restricted",
                            "RESTRICTED", "Restricted"}) {
    Result r = judge(document(with_scope(std::string("<scope>") + scope + "</scope>")));
    EXPECT_EQ(r.verdict, Verdict::classified) << scope << ": " << r.message;
    EXPECT_NE(r.message.find(scope), std::string::npos) << r.message;
  }
}

TEST(CapScope, WhitespaceAroundIsTrimmedInsideIsNot) {
  EXPECT_EQ(judge(document(with_scope("<scope> Public\n</scope>"))).verdict, Verdict::accepted);
  EXPECT_EQ(judge(document(with_scope("<scope>\tPublic\r\n</scope>"))).verdict, Verdict::accepted);
  EXPECT_EQ(judge(document(with_scope("<scope>\n  Private  </scope>"))).verdict,
            Verdict::classified);
  EXPECT_EQ(judge(document(with_scope("<scope> Restricted\t</scope>"))).verdict,
            Verdict::classified);
  // Not XML whitespace: an ideographic or a no-break space keeps it from being "Public".
  for (const char* scope : {"Pub lic", "\xE3\x80\x80Public", "Public\xC2\xA0", "Public."}) {
    Result r = judge(document(with_scope(std::string("<scope>") + scope + "</scope>")));
    EXPECT_EQ(r.verdict, Verdict::classified) << scope;
    EXPECT_NE(r.message.find("an unknown scope"), std::string::npos) << r.message;
  }
}

TEST(CapScope, UnknownScopeIsRefusedWithoutQuotingIt) {
  for (const char* scope : {"Confidential", "Secret", "B", "0", "Public,Private"}) {
    Result r = judge(document(with_scope(std::string("<scope>") + scope + "</scope>")));
    EXPECT_EQ(r.verdict, Verdict::classified) << scope;
    EXPECT_EQ(r.message.find(scope), std::string::npos) << r.message;
  }
}

TEST(CapScope, MissingOrEmptyScopeIsMalformed) {
  Result missing = judge(document(with_scope("")));
  EXPECT_EQ(missing.verdict, Verdict::malformed);
  EXPECT_EQ(missing.message, "CAP: missing required element <scope>");
  for (const char* empty : {"<scope/>", "<scope></scope>", "<scope>  </scope>"}) {
    Result r = judge(document(with_scope(empty)));
    EXPECT_EQ(r.verdict, Verdict::malformed) << empty;
    EXPECT_NE(r.message.find("/alert/scope: empty"), std::string::npos) << r.message;
  }
}

TEST(CapScope, TwoScopesAreRefusedWhicheverComesFirst) {
  for (const char* scopes : {"<scope>Public</scope><scope>Private</scope>",
                             "<scope>Private</scope><scope>Public</scope>",
                             "<scope>Public</scope><scope>Public</scope>"}) {
    Result r = judge(document(with_scope(scopes)));
    EXPECT_NE(r.verdict, Verdict::accepted) << scopes;
    EXPECT_NE(r.message.find("/alert/scope[2]: <scope> may appear only once"), std::string::npos)
        << r.message;
  }
}

TEST(CapScope, SeveralInfoBlocksPrefixesAndOtherStatusesDoNotChangeIt) {
  Parts p = with_scope("<scope>Private</scope>");
  p.infos = 3;
  EXPECT_EQ(judge(document(p)).verdict, Verdict::classified);
  p.scope = "<scope>Public</scope>";
  EXPECT_EQ(judge(document(p)).verdict, Verdict::accepted);
  // A namespace prefix is the same element.
  std::string prefixed = R"(<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.2">
<cap:identifier>x</cap:identifier><cap:sender>s</cap:sender>
<cap:sent>2026-11-24T10:00:00+09:00</cap:sent><cap:status>Actual</cap:status>
<cap:msgType>Alert</cap:msgType><cap:scope>Restricted</cap:scope>
<cap:restriction>職員のみ</cap:restriction></cap:alert>)";
  EXPECT_EQ(judge(prefixed).verdict, Verdict::classified);
  // A Private Test or Exercise is refused too, not answered "not shown".
  for (const char* status : {"Test", "Exercise", "System", "Draft"}) {
    Parts q = with_scope("<scope>Private</scope>");
    q.status = status;
    EXPECT_EQ(judge(document(q)).verdict, Verdict::classified) << status;
  }
}

TEST(CapScope, RestrictionKeepsAlertOffTheWallAddressesDoNot) {
  Parts p;
  p.header = "<restriction>関係職員に限る</restriction>";
  Result r = judge(document(p));
  EXPECT_EQ(r.verdict, Verdict::classified);
  EXPECT_NE(r.message.find("/alert/restriction"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("関係職員"), std::string::npos) << "content must not be echoed";
  // An empty <restriction/> (as in the Canadian sample) says nothing.
  p.header = "<restriction/><addresses/>";
  EXPECT_EQ(judge(document(p)).verdict, Verdict::accepted);
  // CAP allows addresses on a Public alert: they are its distribution, not a restriction.
  p.header = "<addresses>\"町内 全戸\" 防災係</addresses>";
  EXPECT_EQ(judge(document(p)).verdict, Verdict::accepted);
  for (const char* header : {"<restriction>職員</restriction>", "<addresses>x y</addresses>"}) {
    Parts q = with_scope("<scope>Restricted</scope>");
    q.header = header;
    EXPECT_EQ(judge(document(q)).verdict, Verdict::classified) << header;
    q.scope = "<scope>Private</scope>";
    EXPECT_EQ(judge(document(q)).verdict, Verdict::classified) << header;
  }
}

// ---- class 14: text and times the journal cannot take --------------------------------------

TEST(CapText, InvalidUtf8AndNonCharactersAreRefusedNamingTheElement) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"\xFF", "invalid UTF-8"},
      {"\xE3\x81", "invalid UTF-8"},              // truncated あ
      {"\xC0\xAF", "invalid UTF-8 (overlong"},    // overlong '/'
      {"\xF8\x88\x80\x80\x80", "invalid UTF-8"},  // five-byte form
      {"\xF4\x90\x80\x80", "beyond U+10FFFF"},    // U+110000
      {"\xED\xA0\x80", "U+D800"},                 // raw lone surrogate
      {"&#xD800;", "U+D800"},                     // referenced lone surrogate
      {"&#xDFFF;", "U+DFFF"},                     // low half
      {"&#55296;", "U+D800"},                     // decimal
      {"&#xFFFE;", "U+FFFE"},
      {"&#xFFFF;", "U+FFFF"},
      {"&#xFDD0;", "U+FDD0"},
      {"&#x1FFFF;", "U+1FFFF"},
      {"&#x1;", "control character U+0001"},
      {"&#x1B;[2J", "control character U+001B"},
  };
  for (const char* element : {"headline", "description", "instruction"}) {
    for (const auto& [text, problem] : bad) {
      Result r = judge(
          document(with_info("<" + std::string(element) + ">前" + text + "後</" + element + ">")));
      EXPECT_EQ(r.verdict, Verdict::malformed) << element << " " << problem;
      EXPECT_NE(r.message.find("CAP: /alert/info/" + std::string(element) + ": "),
                std::string::npos)
          << r.message;
      EXPECT_NE(r.message.find(problem), std::string::npos) << r.message;
    }
  }
}

TEST(CapText, TheElementIsNamedInEveryPlace) {
  Parts two = with_info("<headline>ok</headline>");
  two.infos = 2;
  std::string xml = document(two);
  xml.replace(xml.rfind("ok"), 2, "&#xD800;");  // second block's headline
  EXPECT_NE(judge(xml).message.find("/alert/info[2]/headline: U+D800"), std::string::npos)
      << judge(xml).message;
  Result attr = judge(document(with_info("<area><areaDesc x=\"&#xDBFF;\">町</areaDesc></area>")));
  EXPECT_NE(attr.message.find("/alert/info/area/areaDesc/@x: U+DBFF"), std::string::npos)
      << attr.message;
  Result sender = judge(document(with_info("<senderName>\xFE</senderName>")));
  EXPECT_NE(sender.message.find("/alert/info/senderName: invalid UTF-8"), std::string::npos)
      << sender.message;
  Result cdata = judge(document(with_info("<description><![CDATA[a\xED\xBF\xBF]]></description>")));
  EXPECT_NE(cdata.message.find("/alert/info/description: U+DFFF"), std::string::npos)
      << cdata.message;
}

TEST(CapText, NulCannotCutATextShort) {
  for (const char* ref : {"&#0;", "&#x0;", "&#X00;", "&#0000;"}) {
    Result r = judge(document(with_info(std::string("<headline>a") + ref + "b</headline>")));
    EXPECT_EQ(r.verdict, Verdict::malformed) << ref;
    EXPECT_NE(r.message.find("U+0000"), std::string::npos) << r.message;
  }
  std::string raw = document(with_info("<headline>a_b</headline>"));
  raw[raw.find("a_b") + 1] = '\0';
  Result r = judge(raw);
  EXPECT_EQ(r.verdict, Verdict::malformed);
  EXPECT_NE(r.message.find("NUL byte"), std::string::npos) << r.message;
  // "&#10;" and "&#x20;" are fine, and so is an ampersand that is not a reference.
  EXPECT_EQ(judge(document(with_info("<headline>a&#10;&#x20;&amp;#0;b</headline>"))).verdict,
            Verdict::accepted);
}

TEST(CapText, ValidTextPassesAndIsJournalable) {
  for (const char* text : {"緊急安全確保", "tab\tand\nlines", "&#x1F600; &#xE000; &#x10FFFD;",
                           "&#xFDCF;&#xFDF0;&#xFFFD;", "ｸﾏ 熊 🐻"}) {
    Result r = judge(document(with_info(std::string("<headline>") + text + "</headline>")));
    ASSERT_EQ(r.verdict, Verdict::accepted) << text << ": " << r.message;
    expect_journalable(r.cap, text);
  }
}

TEST(CapTimes, ExpiresBeyondTheJournalsRangeIsRefused) {
  Result r = judge(document(with_info("<expires>9999-12-31T23:59:59-14:00</expires>")));
  EXPECT_EQ(r.verdict, Verdict::malformed);
  EXPECT_EQ(r.message,
            "CAP: /alert/info[1]/expires: out of range: \"9999-12-31T23:59:59-14:00\" is outside "
            "1970-01-01T00:00:00Z..9999-12-31T23:59:59Z");
  for (const char* t :
       {"9999-12-31T10:00:00-14:00", "9999-12-31T23:59:59-00:01", "0000-01-01T00:00:00+00:00",
        "1969-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00"}) {
    Result e = judge(document(with_info(std::string("<expires>") + t + "</expires>")));
    EXPECT_EQ(e.verdict, Verdict::malformed) << t;
    EXPECT_NE(e.message.find("/alert/info[1]/expires: out of range"), std::string::npos)
        << e.message;
  }
  // The last instant the journal can write, and the far future in a local offset, are fine.
  for (const char* t : {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59+09:00",
                        "9999-12-31T09:59:59-14:00", "1970-01-01T00:00:00Z"}) {
    Result e = judge(document(with_info(std::string("<expires>") + t + "</expires>")));
    ASSERT_EQ(e.verdict, Verdict::accepted) << t << ": " << e.message;
    expect_journalable(e.cap, t);
  }
}

TEST(CapTimes, AbsurdSentEffectiveAndOnsetAreRefusedByName) {
  for (const char* t :
       {"0000-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1900-01-01T00:00:00Z"}) {
    Parts p;
    p.sent = t;
    EXPECT_NE(judge(document(p)).message.find("CAP: /alert/sent: out of range"), std::string::npos)
        << t << ": " << judge(document(p)).message;
    for (const char* element : {"effective", "onset"}) {
      Result r =
          judge(document(with_info("<" + std::string(element) + ">" + t + "</" + element + ">")));
      EXPECT_NE(r.message.find("CAP: /alert/info[1]/" + std::string(element) + ": out of range"),
                std::string::npos)
          << r.message;
    }
  }
  for (const char* t : {"2026-13-01T00:00:00Z", "2026-02-30T00:00:00+09:00", "soon",
                        "2026-11-24T10:00:00", "2026-11-24T25:00:00Z"}) {
    Result r = judge(document(with_info(std::string("<effective>") + t + "</effective>")));
    EXPECT_NE(r.message.find("/alert/info[1]/effective: not a date-time with offset"),
              std::string::npos)
        << t << ": " << r.message;
  }
  // A long "time" is not quoted back.
  std::string long_text(500, '9');
  Result r = judge(document(with_info("<onset>" + long_text + "</onset>")));
  EXPECT_EQ(r.message, "CAP: /alert/info[1]/onset: not a date-time with offset");
}

TEST(CapTimes, ReferencesOutsideTheRangeAreRefused) {
  Parts p;
  p.header = "<references>s@example.jp,id-0,9999-12-31T23:59:59-14:00</references>";
  Result r = judge(document(p));
  EXPECT_EQ(r.verdict, Verdict::malformed);
  EXPECT_NE(r.message.find("/alert/references"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("outside"), std::string::npos) << r.message;
}

TEST(CapRepeats, SingleElementsOfInfoAndAreaAppearOnce) {
  for (const char* info : {"<severity>Minor</severity>", "<headline>b</headline>",
                           "<expires>2026-11-25T00:00:00Z</expires>"}) {
    Result r = judge(document(
        with_info(std::string("<headline>a</headline>") + info + "<headline>c</headline>")));
    EXPECT_EQ(r.verdict, Verdict::malformed) << info;
    EXPECT_NE(r.message.find("may appear only once"), std::string::npos) << r.message;
  }
  Result area =
      judge(document(with_info("<area><areaDesc>本町</areaDesc><areaDesc>港町</areaDesc></area>")));
  EXPECT_NE(area.message.find("/alert/info/area/areaDesc[2]: <areaDesc> may appear only once"),
            std::string::npos)
      << area.message;
  // Repeatable elements stay repeatable.
  EXPECT_EQ(judge(document(with_info("<area><areaDesc>本町</areaDesc></area>"
                                     "<area><areaDesc>港町</areaDesc></area>")))
                .verdict,
            Verdict::accepted);
}

}  // namespace
}  // namespace bcp::alerts
