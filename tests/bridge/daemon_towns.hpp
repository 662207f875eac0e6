// Shared parts of the tests that run bcp-feedd itself against a real NATS cluster: a town
// daemon (a sample-region town.json rewritten to the test cluster's ports, run as a child
// process), an ingest burst over HTTP, and reading back what the stream holds of a town.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bcp/bridge/nats.hpp"
#include "bcp/bridge/stream.hpp"
#include "bcp/config/config.hpp"
#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/log.hpp"
#include "daemon_fixture.hpp"

namespace bcp::bridge::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

inline fs::path sample_region_dir() { return fs::path(BCP_SOURCE_DIR) / "config/sample-region"; }

// config/sample-region/<town>/town.json with its relative paths made absolute and its bridge
// pointed at `servers`, written to dir/town.json.
inline fs::path write_town_config(const fs::path& dir, const std::string& town,
                                  const std::vector<std::string>& servers) {
  const fs::path source = sample_region_dir() / town / "town.json";
  std::ifstream in(source);
  json config = json::parse(in);
  const fs::path base = source.parent_path();
  config["roster"] = (base / config["roster"].get<std::string>()).lexically_normal().string();
  for (json& wall : config["walls"]) {
    if (wall["layout"].is_string())
      wall["layout"] = (base / wall["layout"].get<std::string>()).lexically_normal().string();
  }
  config["bridge"]["nats"]["servers"] = servers;
  config["data_dir"] = (dir / "data").string();
  fs::create_directories(dir);
  const fs::path out = dir / "town.json";
  std::ofstream(out) << config.dump(2);
  return out;
}

inline json talk(const std::string& text) {
  return {{"group", "hq"}, {"sender", {{"id", "s001"}, {"name", "村井　香織"}}}, {"text", text}};
}

// One town daemon as a child process.
class TownDaemon {
 public:
  TownDaemon(const fs::path& dir, std::string town, const std::vector<std::string>& servers)
      : town_(std::move(town)),
        config_(write_town_config(dir, town_, servers)),
        data_(dir / "data") {}

  const std::string& id() const { return town_; }
  std::string ingest_token() const { return town_ + "-ingest-sample"; }
  std::uint16_t port() const { return child_->port(); }

  void start() {
    // The same port again after a restart, so that a client's address stays valid.
    child_ = std::make_unique<daemon::test::ChildDaemon>(data_, port_, config_);
    std::string why;
    ASSERT_TRUE(child_->start(&why)) << why;
    port_ = child_->port();
  }
  void kill9() { child_->kill9(); }
  int stop() { return child_->signal_and_wait(SIGTERM); }
  std::int64_t seq() const { return daemon::test::healthz_seq(port_); }
  double metric(const std::string& sample) const { return daemon::test::metric(port_, sample); }
  std::string operator_token() const { return town_ + "-operator-sample"; }
  const fs::path& config() const { return config_; }
  // POST `target` with the operator token; the answer.
  daemon::test::HttpResult post(const std::string& target, const json& body) const {
    return daemon::test::http_request(port_, "POST", target, body.dump(),
                                      daemon::test::bearer(operator_token()), 5s);
  }
  // GET /v1/events?since=0 (operator token): the town's journal as it serves it.
  std::vector<json> events() const {
    auto r = daemon::test::http_request(port_, "GET", "/v1/events?since=0&limit=10000", "",
                                        daemon::test::bearer(operator_token()), 5s);
    std::vector<json> out;
    const json j = r.json();
    if (j.is_object() && j["events"].is_array()) out.assign(j["events"].begin(), j["events"].end());
    return out;
  }
  // POST /v1/talk; the status (0 when the daemon did not answer).
  int post_talk(const std::string& text) const {
    return daemon::test::http_request(port_, "POST", "/v1/talk", talk(text).dump(),
                                      daemon::test::bearer(ingest_token()), 2s)
        .status;
  }

 private:
  std::string town_;
  fs::path config_;
  fs::path data_;
  std::uint16_t port_ = 0;
  std::unique_ptr<daemon::test::ChildDaemon> child_;
};

// Posts talk messages to a town daemon from a thread until stopped; counts the 200s.
class HttpBurst {
 public:
  HttpBurst(const TownDaemon& town, int max = 1'000'000) {
    thread_ = std::thread([this, &town, max] {
      for (int i = 0; i < max && !stop_; ++i) {
        if (town.post_talk("【訓練】burst " + std::to_string(i)) == 200) ++acknowledged_;
      }
    });
  }
  ~HttpBurst() { stop(); }
  // Waits until it posted `max` (or was stopped).
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  void stop() {
    stop_ = true;
    join();
  }
  int acknowledged() const { return acknowledged_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> acknowledged_{0};
  std::thread thread_;
};

// The messages the stream holds on the town's subject, in stream order (read from the leader).
inline std::vector<StoredMsg> stream_of(Connection& c, const std::string& town) {
  std::vector<StoredMsg> out;
  std::uint64_t from = 1;
  while (auto m = c.next_msg(kStreamName, events_subject(town), from)) {
    from = m->stream_seq + 1;
    out.push_back(std::move(*m));
  }
  return out;
}

// The stream holds the town exactly as 1..n: Msg-Id <town>:<i> and payload seq i.
inline void expect_stream_is(Connection& c, const std::string& town, std::int64_t n) {
  const auto held = stream_of(c, town);
  ASSERT_EQ(static_cast<std::int64_t>(held.size()), n) << town;
  for (std::size_t i = 0; i < held.size(); ++i) {
    ASSERT_EQ(held[i].msg_id, msg_id(town, i + 1)) << town << " position " << i;
    const json event = json::parse(held[i].data);
    ASSERT_EQ(event.at("seq").get<std::int64_t>(), static_cast<std::int64_t>(i + 1));
  }
}

// region.json for `towns` (their town.json files) and the test cluster, written to dir.
inline fs::path write_region_config(const fs::path& dir,
                                    const std::vector<const TownDaemon*>& towns,
                                    const std::vector<std::string>& servers) {
  json list = json::array();
  for (const TownDaemon* t : towns)
    list.push_back({{"id", t->id()}, {"config", t->config().string()}});
  json config = {{"name", "テスト合同災害対策室"},
                 {"data_dir", (dir / "data").string()},
                 {"tokens", json::array({{{"name", "region-display-sample"},
                                          {"roles", json::array({"display"})},
                                          {"secret", "region-display-sample"}},
                                         {{"name", "region-operator-sample"},
                                          {"roles", json::array({"operator"})},
                                          {"secret", "region-operator-sample"}}})},
                 {"region", {{"nats", {{"servers", servers}}}, {"towns", list}}}};
  fs::create_directories(dir);
  const fs::path out = dir / "region.json";
  std::ofstream(out) << config.dump(2);
  return out;
}

inline constexpr const char* kRegionDisplay = "region-display-sample";

// The regional daemon in-process (the suites' TestDaemon) on port 0, from a region.json; stop()
// and start() again on the same data directory and port is a restart.
class RegionDaemon {
 public:
  explicit RegionDaemon(fs::path region_json) : region_json_(std::move(region_json)) {}

  void start(std::chrono::milliseconds stale_after = 1500ms,
             std::chrono::milliseconds lost_after = 4000ms) {
    auto loaded = config::load_region(region_json_);
    ASSERT_TRUE(loaded.config) << loaded.errors.front().to_string();
    daemon_.reset();
    daemon_.emplace(*loaded.config, [&](daemon::DaemonOptions& o) {
      daemon::set_min_log_level(daemon::LogLevel::warning);
      o.port = port_;  // 0 the first time; the same port after a restart
      o.data_dir = loaded.config->data_dir;
      o.read_timeout = daemon::DaemonOptions{}.read_timeout;
      o.region_stale_after = stale_after;
      o.region_lost_after = lost_after;
    });
    port_ = daemon_->port();
  }
  void stop() { daemon_.reset(); }  // the journal closed: a test reads it next
  std::uint16_t port() const { return port_; }
  json region() const {
    return daemon::test::http_request(port_, "GET", "/v1/region", "",
                                      daemon::test::bearer(kRegionDisplay), 5s)
        .json();
  }
  // The summary of one town in GET /v1/region; null when absent.
  json town(const std::string& id) const {
    const json r = region();
    if (r.is_object() && r["towns"].is_array()) {
      for (const json& t : r["towns"]) {
        if (t.value("id", "") == id) return t;
      }
    }
    return nullptr;
  }
  std::int64_t seq_of(const std::string& id) const {
    const json t = town(id);
    return t.is_object() && t["seq"].is_number_integer() ? t["seq"].get<std::int64_t>() : -1;
  }
  double metric(const std::string& sample) const { return daemon::test::metric(port_, sample); }

 private:
  fs::path region_json_;
  std::uint16_t port_ = 0;
  std::optional<daemon::test::TestDaemon> daemon_;
};

}  // namespace bcp::bridge::testing
