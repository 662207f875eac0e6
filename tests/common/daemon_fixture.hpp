// The one in-process bcp-feedd of the test suites: a bcp::daemon::Daemon on 127.0.0.1, a
// free port and a scratch data directory, on its own thread, returned from the constructor
// only once it answers (with a deadline). A test changes its DaemonOptions or its town through
// callbacks, or hands it a whole town or region. And the sample town, loaded once.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/model/situation.hpp"
#include "test_support.hpp"

namespace bcp::daemon::test {

// config/sample-town/town.json in the source tree.
fs::path sample_town_json();
// The sample town, loaded once (the roster read is not free); throws unless it loads without
// a single error.
const config::TownConfig& sample_town();
// A copy without `lineworks_api`: the sample's bot would speak to a tenant on 127.0.0.1:8471
// that no test runs. What TestDaemon runs unless a test gives a town (tests of the bot point
// lineworks_api at their own stand-in tenant).
config::TownConfig sample_town_without_bot_api();

// The daemon in-process on its own thread. Unless a tweak says otherwise: port 0, its data in
// scratch()/data, reads cut after 1 s, heartbeats every 200 ms, logs kept to errors (the
// tweak runs after that: one that calls set_min_log_level has the daemon start at its level).
class TestDaemon {
 public:
  using Tweak = std::function<void(DaemonOptions&)>;
  using TownTweak = std::function<void(config::TownConfig&)>;
  // How long the constructor (and restart()) waits for the daemon to answer.
  static constexpr std::chrono::milliseconds kServeDeadline{10'000};

  // The sample town.
  explicit TestDaemon(Tweak tweak = {});
  // On a copy of the sample town changed by `town_tweak` (e.g. its rate limit).
  TestDaemon(Tweak tweak, TownTweak town_tweak);
  explicit TestDaemon(config::TownConfig town, Tweak tweak = {});
  // The regional daemon.
  explicit TestDaemon(const config::RegionConfig& region, Tweak tweak = {});
  ~TestDaemon();
  TestDaemon(const TestDaemon&) = delete;
  TestDaemon& operator=(const TestDaemon&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const;    // http://127.0.0.1:<port>
  std::string stream_url() const;  // ws://127.0.0.1:<port>/v1/stream
  // A directory of the test's own, removed afterwards (the data directory is in it unless a
  // tweak put it elsewhere).
  const fs::path& scratch() const { return dir_.path(); }
  const fs::path& data_dir() const { return options_.data_dir; }
  const DaemonOptions& options() const { return options_; }
  Daemon& daemon() { return *daemon_; }
  // Graceful stop; joins the I/O thread. Idempotent.
  void stop();
  // Stops (if running) and starts a new daemon with the same configuration and options on the
  // same data directory and port, so that a client's address stays valid.
  void restart();

  HttpResult get(const std::string& target, const std::string& token = "") const;
  HttpResult post(const std::string& target, const std::string& body,
                  const Headers& headers = {}) const;
  HttpResult post_json(const std::string& target, const json& body, const std::string& token) const;
  double metric(const std::string& sample) const { return test::metric(port_, sample); }
  double refused(const std::string& reason) const;
  std::int64_t seq() const { return healthz_seq(port_); }
  model::Situation snapshot() const;
  // The journal read through GET /v1/events (operator token).
  std::vector<json> events(std::int64_t since = 0, int limit = 10'000) const;

 private:
  using Make = std::function<std::unique_ptr<Daemon>(const DaemonOptions&)>;
  TestDaemon(Make make, const Tweak& tweak);
  void start();

  TempDir dir_;
  Make make_;
  DaemonOptions options_;
  std::unique_ptr<Daemon> daemon_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

// A tweak for the suites that ran the daemon with the shipped read timeout and heartbeat
// (a tool's keep-alive connection may idle for seconds between a scenario's steps).
void shipped_timeouts(DaemonOptions& o);

// The gtest fixture of the tools' suites: a TestDaemon per test on town() with the shipped
// timeouts; data_ is the test's scratch directory.
class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_.emplace(town(), shipped_timeouts);
    data_ = daemon_->scratch();
  }
  void TearDown() override { daemon_.reset(); }
  std::uint16_t port() const { return daemon_->port(); }
  // The town the daemon runs with; a suite may change its copy of the sample town.
  virtual config::TownConfig town() const { return sample_town_without_bot_api(); }

  fs::path data_;
  std::optional<TestDaemon> daemon_;
};

}  // namespace bcp::daemon::test
