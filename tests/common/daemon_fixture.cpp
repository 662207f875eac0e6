#include "daemon_fixture.hpp"

#include <stdexcept>

#include "bcp/daemon/log.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon::test {

fs::path sample_town_json() { return fs::path(BCP_SOURCE_DIR) / "config/sample-town/town.json"; }

const config::TownConfig& sample_town() {
  static const config::TownConfig town = [] {
    auto loaded = config::load_town(sample_town_json());
    // Whole and without a single problem (a suite's loader used to EXPECT both).
    if (!loaded.config || !loaded.errors.empty())
      throw std::runtime_error(
          "sample town does not load cleanly: " +
          (loaded.errors.empty() ? std::string("no config") : loaded.errors.front().to_string()));
    return *loaded.config;
  }();
  return town;
}

config::TownConfig sample_town_without_bot_api() {
  config::TownConfig town = sample_town();
  town.lineworks_api.reset();
  // Without the API, calendars can only come from .ics uploads (what load_town would demand).
  town.calendars = config::Calendars{};
  return town;
}

void shipped_timeouts(DaemonOptions& o) {
  const DaemonOptions shipped;
  o.read_timeout = shipped.read_timeout;
  o.heartbeat_interval = shipped.heartbeat_interval;
}

TestDaemon::TestDaemon(Tweak tweak) : TestDaemon(std::move(tweak), TownTweak{}) {}

TestDaemon::TestDaemon(Tweak tweak, TownTweak town_tweak)
    : TestDaemon(
          [town_tweak = std::move(town_tweak)] {
            config::TownConfig town = sample_town_without_bot_api();
            if (town_tweak) town_tweak(town);
            return town;
          }(),
          std::move(tweak)) {}

TestDaemon::TestDaemon(config::TownConfig town, Tweak tweak)
    : TestDaemon([town = std::move(town)](
                     const DaemonOptions& o) { return std::make_unique<Daemon>(town, o); },
                 tweak) {}

TestDaemon::TestDaemon(const config::RegionConfig& region, Tweak tweak)
    : TestDaemon([region](const DaemonOptions& o) { return std::make_unique<Daemon>(region, o); },
                 tweak) {}

TestDaemon::TestDaemon(Make make, const Tweak& tweak) : make_(std::move(make)) {
  set_min_log_level(LogLevel::error);
  options_.port = 0;
  options_.data_dir = dir_.path() / "data";
  options_.read_timeout = 1000ms;
  options_.heartbeat_interval = 200ms;
  if (tweak) tweak(options_);
  start();
}

TestDaemon::~TestDaemon() { stop(); }

void TestDaemon::start() {
  const bool fresh_port = options_.port == 0;  // nobody else can know where it listens yet
  daemon_ = make_(options_);
  port_ = daemon_->port();
  options_.port = port_;  // a restart listens where this one did
  thread_ = std::thread([this] { daemon_->run(); });
  // Serving: it answers a request. On a fresh port also once the connection that asked is gone
  // again (a test may count connections against a limit from its first line on); on a port
  // given (a restart) a test's clients may be reconnecting already.
  const bool answers =
      wait_until([&] { return http_request(port_, "GET", "/healthz", "", {}, 1s).status != 0; },
                 kServeDeadline);
  if (answers && (!fresh_port ||
                  wait_until([&] { return daemon_->metrics().connections == 0; }, kServeDeadline)))
    return;
  stop();
  throw std::runtime_error(
      "bcp-feedd in-process on port " + std::to_string(port_) +
      (answers ? " kept the connection that asked /healthz" : " did not answer /healthz") +
      " within " + std::to_string(kServeDeadline.count()) + " ms");
}

void TestDaemon::stop() {
  if (!thread_.joinable()) return;
  daemon_->stop();
  thread_.join();
}

void TestDaemon::restart() {
  stop();
  daemon_.reset();  // the journal closed before the next one opens it
  start();
}

std::string TestDaemon::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string TestDaemon::stream_url() const {
  return "ws://127.0.0.1:" + std::to_string(port_) + "/v1/stream";
}

HttpResult TestDaemon::get(const std::string& target, const std::string& token) const {
  return http_request(port_, "GET", target, "", token.empty() ? Headers{} : bearer(token));
}

HttpResult TestDaemon::post(const std::string& target, const std::string& body,
                            const Headers& headers) const {
  return http_request(port_, "POST", target, body, headers);
}

HttpResult TestDaemon::post_json(const std::string& target, const json& body,
                                 const std::string& token) const {
  return post(target, body.dump(), bearer(token));
}

double TestDaemon::refused(const std::string& reason) const {
  return metric("bcp_items_refused_total{reason=\"" + reason + "\"}");
}

model::Situation TestDaemon::snapshot() const {
  HttpResult r = get("/v1/snapshot", kDisplay);
  if (r.status != 200)
    throw std::runtime_error("GET /v1/snapshot: " + std::to_string(r.status) + " " + r.body);
  return model::situation_from_json(r.json());
}

std::vector<json> TestDaemon::events(std::int64_t since, int limit) const {
  HttpResult r = get(
      "/v1/events?since=" + std::to_string(since) + "&limit=" + std::to_string(limit), kOperator);
  if (r.status != 200)
    throw std::runtime_error("GET /v1/events: " + std::to_string(r.status) + " " + r.body);
  return r.json()["events"].get<std::vector<json>>();
}

}  // namespace bcp::daemon::test
