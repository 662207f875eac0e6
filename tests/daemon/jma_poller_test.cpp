// The JMA Atom poller over real sockets: bcp-feedd in-process polls a tiny feed server on
// 127.0.0.1 that serves our eqvol-shaped fixtures and JMA's real bulletins from
// ../shared/testdata/jma/. Every wait is on a condition with a deadline.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "daemon_fixture.hpp"
#include "jma_feed_server.hpp"

namespace bcp::daemon::test {
namespace {

const fs::path kBulletins = fs::path(BCP_TESTDATA_DIR) / "jma";
const fs::path kFixtures = fs::path(BCP_SOURCE_DIR) / "tests/alerts/fixtures";
constexpr const char* kFirstModified = "Fri, 13 Jun 2008 23:48:00 GMT";
constexpr const char* kNextModified = "Fri, 13 Jun 2008 23:54:00 GMT";
// 岩手・宮城内陸地震 (EventID 20080614084350): 震源 (VXSE52), then 震源・震度 (VXSE53) with
// 震度6強 in 奥州市, then its 続報; and a 訓練 VXSE53 (静岡県伊豆 震度5弱).
constexpr const char* kHypocenter = "32-35_06_01_100915_VXSE52.xml";
constexpr const char* kIntensity = "32-35_06_03_100915_VXSE53.xml";
constexpr const char* kFollowUp = "32-35_06_04_100915_VXSE53.xml";
constexpr const char* kDrill = "32-35_01_03_100806_VXSE53.xml";
constexpr const char* kQuakeAlert = "jma-eq-20080614084350";
constexpr const char* kDrillAlert = "jma-eq-20091001134500-drill";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string jma_id(const std::string& file) {
  return "jma-atom:https://www.data.jma.go.jp/developer/xml/data/" + file;
}

// Redirects this process's stderr (the daemon's log) into a file that the test can read
// while the daemon runs, so that a test waits for a log line instead of hoping it came.
class LogCapture {
 public:
  explicit LogCapture(const fs::path& file) : file_(file) {
    ++alive;
    set_min_log_level(LogLevel::warning);
    std::fflush(stderr);
    saved_ = ::dup(2);
    int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~LogCapture() {
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    set_min_log_level(LogLevel::error);
    --alive;
  }
  static inline int alive = 0;  // captures in scope: they want the warnings
  std::string text() const { return read_text(file_); }
  bool contains(const std::string& s) const { return text().find(s) != std::string::npos; }
  bool wait_for(const std::string& s) const {
    return wait_until([&] { return contains(s); }, 10s);
  }

 private:
  fs::path file_;
  int saved_ = -1;
};

config::TownConfig polling_town(const std::string& url, json poller_extra = json::object()) {
  config::TownConfig town = sample_town();
  json poller = {{"url", url}, {"timeout_seconds", 2}};
  poller.update(poller_extra);
  town.alerts = {{"jma",
                  {{"area_codes", {"213", "440"}},
                   {"city_codes", {"0321500", "2230600"}},
                   {"thresholds", {{"critical", "5-"}, {"warning", "4"}, {"advisory", "3"}}},
                   {"rollcall_threshold", "5-"},
                   {"poller", poller}}}};
  return town;
}

// bcp-feedd in-process polling every 20 ms, on a data directory the test owns, so that a
// second daemon can be started on the same journal.
class PollingDaemon : public TestDaemon {
 public:
  PollingDaemon(config::TownConfig town, const fs::path& data_dir)
      : TestDaemon(std::move(town), [&](DaemonOptions& o) {
          o.data_dir = data_dir;
          o.jma_poll_interval = std::chrono::milliseconds(20);
          // The fixture keeps logs to errors; a LogCapture reads the poller's warnings.
          if (LogCapture::alive > 0) set_min_log_level(LogLevel::warning);
        }) {}
  bool has_alert(const std::string& id) const { return snapshot().alerts.contains(id); }
};

class JmaPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kBulletins))
      GTEST_SKIP() << "public JMA bulletins not found at " << kBulletins
                   << " (expected ../shared/testdata beside the checkout)";
    set_min_log_level(LogLevel::error);
    server_ = std::make_unique<JmaFeedServer>(kBulletins);
  }

  // A feed request answered 304 to If-Modified-Since `modified`, after the first `after`.
  bool saw_not_modified(const std::string& modified, std::size_t after = 0) const {
    auto feed = server_->feed_requests();
    for (std::size_t i = after; i < feed.size(); ++i) {
      if (feed[i].status == 304 && feed[i].if_modified_since == modified) return true;
    }
    return false;
  }
  // Waits until the poller has asked for the feed `n` more times.
  bool polls_more(std::size_t n) const {
    const std::size_t base = server_->feed_requests().size();
    return wait_until([&] { return server_->feed_requests().size() >= base + n; }, 10s);
  }

  TempDir dir_;
  std::unique_ptr<JmaFeedServer> server_;
};

TEST_F(JmaPollerTest, FetchesEachWantedBulletinOnceAndRaisesItsAlerts) {
  server_->set_feed(read_text(kFixtures / "atom-eqvol.xml"), kFirstModified);
  PollingDaemon d(polling_town(server_->feed_url()), dir_.path());

  ASSERT_TRUE(wait_until([&] { return saw_not_modified(kFirstModified); }, 10s))
      << "the poller never came back with If-Modified-Since";
  auto feed = server_->feed_requests();
  EXPECT_EQ(feed.front().if_modified_since, "") << "the first poll has nothing to compare";
  EXPECT_EQ(feed.front().status, 200);
  // VXSE52 and VXSE53 once each; not the EEW forecast, the activity report or the volcano.
  EXPECT_EQ(server_->bulletin_requests(kHypocenter), 1);
  EXPECT_EQ(server_->bulletin_requests(kIntensity), 1);
  EXPECT_EQ(server_->all_bulletin_requests(), 2);

  // Same path as POST /v1/jma: the quake's alert and the roll call it starts.
  model::Situation s = d.snapshot();
  ASSERT_TRUE(s.alerts.contains(kQuakeAlert));
  const model::AlertState& quake = s.alerts.at(kQuakeAlert);
  EXPECT_EQ(quake.alert.severity, model::Severity::critical);
  EXPECT_EQ(quake.alert.source.kind, model::AlertSourceKind::jma);
  EXPECT_FALSE(quake.alert.drill);
  EXPECT_NE(quake.alert.body.find("6強"), std::string::npos) << quake.alert.body;
  ASSERT_TRUE(s.rollcalls.contains("rc-jma-20080614084350"));
  EXPECT_EQ(s.rollcalls.at("rc-jma-20080614084350").started.trigger, model::RollcallTrigger::jma);

  // Each bulletin's event carries its feed entry as origin (replay protection).
  std::vector<std::string> origins;
  for (const json& e : d.events()) {
    if (e.contains("origin")) origins.push_back(e["origin"]);
  }
  EXPECT_EQ(origins, (std::vector<std::string>{jma_id(kHypocenter), jma_id(kIntensity)}));

  // The feed moves on: only the two new entries are fetched, oldest first.
  const std::size_t before = server_->feed_requests().size();
  server_->set_feed(read_text(kFixtures / "atom-eqvol-next.xml"), kNextModified);
  ASSERT_TRUE(wait_until([&] { return saw_not_modified(kNextModified, before); }, 10s));
  EXPECT_EQ(server_->bulletin_requests(kFollowUp), 1);
  EXPECT_EQ(server_->bulletin_requests(kDrill), 1);
  EXPECT_EQ(server_->all_bulletin_requests(), 4);
  s = d.snapshot();
  ASSERT_TRUE(s.alerts.contains(kDrillAlert));
  EXPECT_TRUE(s.alerts.at(kDrillAlert).alert.drill);
  EXPECT_GE(s.alerts.at(kQuakeAlert).updates, 2u) << "the VXSE53 and its 続報 update the quake";

  // Further rounds are 304s and fetch nothing.
  ASSERT_TRUE(polls_more(3));
  EXPECT_EQ(server_->all_bulletin_requests(), 4);
  auto last = server_->feed_requests().back();
  EXPECT_EQ(last.if_modified_since, kNextModified);
  EXPECT_EQ(last.status, 304);
}

TEST_F(JmaPollerTest, RestartedDaemonNeitherRefetchesNorReraises) {
  server_->set_feed(read_text(kFixtures / "atom-eqvol.xml"), kFirstModified);
  std::size_t events_before = 0;
  {
    PollingDaemon first(polling_town(server_->feed_url()), dir_.path());
    ASSERT_TRUE(wait_until([&] { return saw_not_modified(kFirstModified); }, 10s));
    events_before = first.events().size();
  }
  ASSERT_EQ(server_->all_bulletin_requests(), 2);

  const std::size_t before = server_->feed_requests().size();
  PollingDaemon second(polling_town(server_->feed_url()), dir_.path());
  // A new process has no Last-Modified: its first poll gets the whole feed (200), finds
  // every wanted entry in the replayed journal, and only then adopts Last-Modified (304).
  ASSERT_TRUE(wait_until([&] { return saw_not_modified(kFirstModified, before); }, 10s));
  auto feed = server_->feed_requests();
  EXPECT_EQ(feed[before].if_modified_since, "");
  EXPECT_EQ(feed[before].status, 200);
  EXPECT_EQ(server_->all_bulletin_requests(), 2) << "a bulletin was fetched again after restart";
  EXPECT_EQ(second.events().size(), events_before) << "a bulletin was journaled again";
  EXPECT_TRUE(second.has_alert(kQuakeAlert));
}

TEST_F(JmaPollerTest, FailuresAreLoggedWithoutContentAndPollingRecovers) {
  server_->set_feed(read_text(kFixtures / "atom-eqvol.xml"), kFirstModified);
  server_->fail_feed(500, "SECRET-500-PAGE");
  server_->fail_feed(200, "<html><body>SECRET-PORTAL-PAGE</body></html>");
  server_->fail_feed(200, read_text(kFixtures / "atom-truncated.xml"));
  server_->fail_bulletin(kIntensity, 1, 503, "SECRET-BUSY");
  server_->fail_bulletin(kHypocenter, 1, 200, "SECRET-GARBAGE not a bulletin");

  LogCapture capture(dir_.path() / "log.txt");
  bool recovered = false;
  {
    PollingDaemon d(polling_town(server_->feed_url()), dir_.path() / "data");
    recovered = wait_until([&] { return saw_not_modified(kFirstModified); }, 10s);
    if (recovered) recovered = d.has_alert(kQuakeAlert);
  }
  const std::string log = capture.text();
  ASSERT_TRUE(recovered) << log;

  auto feed = server_->feed_requests();
  ASSERT_GE(feed.size(), 5u);
  EXPECT_EQ(feed[0].status, 500);
  EXPECT_EQ(feed[3].status, 200);
  // The bulletin that answered 503 is fetched again (Last-Modified was held back meanwhile);
  // the one that was not XML is refused once and not fetched again.
  EXPECT_EQ(server_->bulletin_requests(kIntensity), 2);
  EXPECT_EQ(server_->bulletin_requests(kHypocenter), 1);
  EXPECT_NE(log.find("feed " + server_->feed_url() + ": HTTP 500"), std::string::npos) << log;
  EXPECT_NE(log.find("Atom: root element must be <feed>"), std::string::npos) << log;
  EXPECT_NE(log.find("Atom: not well-formed XML"), std::string::npos) << log;
  EXPECT_NE(log.find(kIntensity + std::string(": HTTP 503 (will retry)")), std::string::npos)
      << log;
  EXPECT_NE(log.find(kHypocenter + std::string(": refused 400: JMA: not well-formed XML")),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("SECRET"), std::string::npos) << "content reached the log:\n" << log;
}

TEST_F(JmaPollerTest, AFeedOverItsSizeLimitIsRefusedBeforeItIsRead) {
  constexpr std::size_t kMaxFeedBytes = 8 * 1024 * 1024;  // JmaPoller::kMaxFeedBytes
  // A readable feed one byte over the 8 MiB limit (a comment after the root pads it): Boost
  // 1.74 alone would read it whole and raise its alerts. Refused, logged, and the next normal
  // answer is taken.
  const std::string atom = read_text(kFixtures / "atom-eqvol.xml");
  std::string padded = atom + "\n<!--";
  padded += std::string(kMaxFeedBytes + 1 - padded.size() - 3, 'x') + "-->";
  ASSERT_EQ(padded.size(), kMaxFeedBytes + 1);
  server_->set_feed(atom, kFirstModified);
  server_->fail_feed(200, padded);

  LogCapture capture(dir_.path() / "log.txt");
  PollingDaemon d(polling_town(server_->feed_url()), dir_.path() / "data");
  const std::string why = "answer larger than " + std::to_string(kMaxFeedBytes) + " bytes";
  EXPECT_TRUE(capture.wait_for("feed " + server_->feed_url() + ": " + why)) << capture.text();
  EXPECT_TRUE(wait_until([&] { return d.has_alert(kQuakeAlert); }, 10s)) << capture.text();
  EXPECT_EQ(server_->feed_requests().front().status, 200);
  EXPECT_GE(server_->feed_requests().size(), 2u);
}

TEST_F(JmaPollerTest, UnreachableFeedIsLoggedAndTheDaemonKeepsServing) {
  // A port nobody listens on: bind, note it, close.
  std::uint16_t dead_port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(dead_port) + "/eqvol.xml";
  LogCapture capture(dir_.path() / "log.txt");
  PollingDaemon d(polling_town(url), dir_.path() / "data");
  EXPECT_TRUE(capture.wait_for("feed " + url + ": ")) << capture.text();
  // Two failed rounds, and the daemon answers as ever.
  EXPECT_TRUE(wait_until(
      [&] {
        const std::string log = capture.text();
        auto first = log.find("feed " + url + ": ");
        return first != std::string::npos &&
               log.find("feed " + url + ": ", first + 1) != std::string::npos;
      },
      10s))
      << capture.text();
  EXPECT_EQ(healthz_seq(d.port()), 0);
  HttpResult talk = http_request(
      d.port(), "POST", "/v1/talk",
      R"({"group":"hq","sender":{"id":"s001","name":"村田"},"text":"ok"})", bearer(kIngest));
  EXPECT_EQ(talk.status, 200) << talk.body;
}

TEST_F(JmaPollerTest, HttpsFeedIsSpokenOverTlsAndAFailedHandshakeIsLogged) {
  // The feed server speaks plain HTTP: the poller's TLS handshake must fail cleanly, be
  // logged, and be tried again next round, without a request ever being parsed as HTTP.
  server_->set_feed(read_text(kFixtures / "atom-eqvol.xml"), kFirstModified);
  const std::string url =
      "https://127.0.0.1:" + std::to_string(server_->port()) + JmaFeedServer::kFeedPath;
  LogCapture capture(dir_.path() / "log.txt");
  PollingDaemon d(polling_town(url), dir_.path() / "data");
  EXPECT_TRUE(capture.wait_for("feed " + url + ": ")) << capture.text();
  EXPECT_TRUE(wait_until([&] { return server_->connections() >= 2; }, 10s)) << capture.text();
  EXPECT_TRUE(server_->requests().empty()) << "a plain HTTP request reached the server";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

TEST_F(JmaPollerTest, PathLinksAreResolvedAndOtherHostsAreNotFetched) {
  const std::string jma = "href=\"https://www.data.jma.go.jp/developer/xml/data/";
  std::string atom = read_text(kFixtures / "atom-eqvol.xml");
  atom =
      replace_all(atom, jma + kIntensity, "href=\"/developer/xml/data/" + std::string(kIntensity));
  atom = replace_all(atom, jma + kHypocenter,
                     "href=\"https://elsewhere.invalid/data/" + std::string(kHypocenter));
  server_->set_feed(atom, kFirstModified);
  LogCapture capture(dir_.path() / "log.txt");
  PollingDaemon d(polling_town(server_->feed_url()), dir_.path() / "data");
  ASSERT_TRUE(wait_until([&] { return saw_not_modified(kFirstModified); }, 10s));
  EXPECT_EQ(server_->bulletin_requests(kIntensity), 1);
  EXPECT_EQ(server_->all_bulletin_requests(), 1);
  EXPECT_TRUE(d.has_alert(kQuakeAlert));
  EXPECT_TRUE(capture.contains("https://elsewhere.invalid/data/" + std::string(kHypocenter) +
                               ": on another host than the feed (https://elsewhere.invalid)"))
      << capture.text();
}

TEST_F(JmaPollerTest, BadPollerSettingsAreReportedAndLeaveThePollerOff) {
  LogCapture capture(dir_.path() / "log.txt");
  {
    PollingDaemon d(polling_town("ftp://www.data.jma.go.jp/eqvol.xml",
                                 {{"interval_seconds", 1}, {"timeout", 5}}),
                    dir_.path() / "data");
    EXPECT_EQ(healthz_seq(d.port()), 0);
  }
  const std::string log = capture.text();
  EXPECT_NE(log.find("/alerts/jma/poller/url: \"ftp://www.data.jma.go.jp/eqvol.xml\": must start "
                     "with http:// or https:// (the poller is off)"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("/alerts/jma/poller/timeout: unknown setting"), std::string::npos) << log;
  EXPECT_TRUE(server_->requests().empty());
}

}  // namespace
}  // namespace bcp::daemon::test
