// Shared parts of the bridge tests: a town (a real SQLite journal, events of every type, and
// its TownPublisher fed the way the daemon's event sink will feed it) and a region (a
// RegionConsumer recording what it applied), plus the checks every failure test ends with.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bcp/bridge/region_consumer.hpp"
#include "bcp/bridge/town_publisher.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
#include "nats_cluster.hpp"

namespace bcp::bridge::testing {

using namespace std::chrono_literals;

inline std::filesystem::path temp_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::temp_directory_path() /
             ("bcp-bridge-" + std::to_string(getpid()) + "-" + info->name() + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The n-th event of a town: every type of the vocabulary in turn.
inline model::Event sample_event(const std::string& town, std::uint64_t n) {
  using namespace model;
  Event e;
  e.at = parse_time("2026-11-24T05:00:00Z") + std::chrono::seconds(n);
  const std::string id = town + "-" + std::to_string(n);
  switch (n % 8) {
    case 0: {
      TalkMessage m;
      m.group = "hq";
      m.message_id = "m-" + id;
      m.sender = {"s001", "村田　達也", std::string("soumu")};
      m.text = "【訓練】" + town + " 報告 " + std::to_string(n);
      e.body = m;
      break;
    }
    case 1: {
      StaffAvailability a;
      a.staff = "s00" + std::to_string(n % 9 + 1);
      a.status = Availability::en_route;
      a.source = AvailabilitySource::manual;
      e.body = a;
      break;
    }
    case 2: {
      RollcallStarted r;
      r.rollcall = "rc-" + id;
      r.title = "【訓練】地震 安否確認";
      r.drill = true;
      e.body = r;
      break;
    }
    case 3: {
      RollcallCheckin c;
      c.rollcall = "rc-" + id;
      c.staff = "s002";
      c.safety = Safety::safe;
      c.can_work = CanWork::yes;
      c.source = "api";
      e.body = c;
      break;
    }
    case 4: {
      AlertRaised a;
      a.alert = "a-" + id;
      a.kind = AlertKind::earthquake;
      a.severity = Severity::warning;
      a.drill = true;
      a.title = "【訓練】震度5弱";
      a.body = "合同訓練";
      e.body = a;
      break;
    }
    case 5: {
      AlertAcknowledged a;
      a.alert = "a-" + id;
      a.by = "s003";
      e.body = a;
      break;
    }
    case 6: {
      RollcallClosed c;
      c.rollcall = "rc-" + id;
      e.body = c;
      break;
    }
    default: {
      Notice notice;
      notice.text = "bridge test " + id;
      notice.level = NoticeLevel::info;
      e.body = notice;
      break;
    }
  }
  return e;
}

// BCP_BRIDGE_LOG=1 prints what the publishers and consumers log, with the time since start.
inline void test_log(const std::string& line) {
  static const auto start = std::chrono::steady_clock::now();
  if (!std::getenv("BCP_BRIDGE_LOG")) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::fprintf(stderr, "%7lld ms %s\n", static_cast<long long>(ms.count()), line.c_str());
}

inline std::string event_text(const model::Event& e) { return model::to_json(e).dump(); }

// A client connection to the test cluster.
inline std::unique_ptr<Connection> connect_to(const bcp::test::NatsCluster& cluster) {
  ConnectOptions o;
  o.servers = cluster.urls();
  return Connection::connect(o);
}

// One town: its journal and (while running) its publisher. ingest() journals events and
// hands them over as the daemon's event sink will: committed(seq, json) in seq order.
class Town {
 public:
  Town(std::string id, std::vector<std::string> servers, std::filesystem::path dir)
      : id_(std::move(id)), servers_(std::move(servers)), dir_(std::move(dir)) {
    journal_ = daemon::open_sqlite_journal(dir_ / "journal.sqlite3");
  }
  ~Town() { stop_publisher(); }

  const std::string& id() const { return id_; }
  std::filesystem::path mark_file() const { return dir_ / "bridge.mark"; }

  TownPublisherOptions options() const {
    TownPublisherOptions o;
    o.nats.servers = servers_;
    o.nats.request_wait = 1500ms;
    o.town = id_;
    o.read = [this](std::uint64_t after, std::size_t limit) { return read(after, limit); };
    o.committed = last_seq();
    o.mark_file = mark_file();
    o.heartbeat_every = 500ms;
    o.retry_max = 500ms;
    o.log = test_log;
    return o;
  }
  void start_publisher() { start_publisher(options()); }
  // Under the ingest lock, so that no event falls between the journal's last seq and the
  // publisher's first committed() call (the daemon's sink has to do the same).
  void start_publisher(TownPublisherOptions o) {
    std::lock_guard lock(mutex_);
    o.committed = last_seq();
    publisher_ = std::make_unique<TownPublisher>(std::move(o));
  }
  void stop_publisher() {
    std::unique_ptr<TownPublisher> p;
    {
      std::lock_guard lock(mutex_);
      p = std::move(publisher_);
    }
    p.reset();
  }
  TownPublisher* publisher() { return publisher_.get(); }

  // Journals `count` more events; returns the last seq.
  std::uint64_t ingest(int count) {
    std::lock_guard lock(mutex_);
    std::vector<model::Event> events;
    const std::uint64_t first = last_seq() + 1;
    for (int i = 0; i < count; ++i)
      events.push_back(sample_event(id_, first + static_cast<std::uint64_t>(i)));
    journal_->append(events);
    for (const auto& e : events) {
      if (publisher_) publisher_->committed(static_cast<std::uint64_t>(e.seq), event_text(e));
    }
    return last_seq();
  }
  std::uint64_t last_seq() const { return static_cast<std::uint64_t>(journal_->last_seq()); }

  std::vector<JournalEvent> read(std::uint64_t after, std::size_t limit) const {
    std::vector<JournalEvent> out;
    for (const auto& e : journal_->read(static_cast<model::Seq>(after), limit)) {
      out.push_back({static_cast<std::uint64_t>(e.seq), event_text(e)});
    }
    return out;
  }
  std::string text_of(std::uint64_t seq) const {
    auto events = read(seq - 1, 1);
    return events.empty() ? std::string() : events[0].json;
  }

 private:
  std::string id_;
  std::vector<std::string> servers_;
  std::filesystem::path dir_;
  std::unique_ptr<daemon::Journal> journal_;
  std::mutex mutex_;
  std::unique_ptr<TownPublisher> publisher_;
};

// Ingests `total` events into each town in small steps from a thread, like a drill's traffic.
class Burst {
 public:
  Burst(std::vector<Town*> towns, int total, int step = 10) {
    thread_ = std::thread([=, this] {
      for (int done = 0; done < total && !stop_; done += step) {
        for (Town* t : towns) t->ingest(std::min(step, total - done));
        std::this_thread::sleep_for(2ms);
      }
      finished_ = true;
    });
  }
  ~Burst() {
    stop_ = true;
    join();
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  bool finished() const { return finished_; }

 private:
  std::atomic<bool> stop_{false}, finished_{false};
  std::thread thread_;
};

// What the region applied, in the order it applied it.
class Region {
 public:
  RegionConsumerOptions options(std::vector<std::string> servers,
                                std::string durable = "bcp-region") {
    RegionConsumerOptions o;
    o.nats.servers = std::move(servers);
    o.nats.request_wait = 1500ms;
    o.durable = std::move(durable);
    o.applied = marks();
    o.apply = [this](const TownEvent& e) {
      std::lock_guard lock(mutex_);
      applied_[e.town].push_back(e.seq);
      texts_[e.town][e.seq] = e.json;
      marks_[e.town] = {e.seq, e.stream_seq};
    };
    o.heartbeat = [this](const TownHeartbeat& h) {
      std::lock_guard lock(mutex_);
      beats_.push_back(h);
    };
    o.retry_max = 500ms;
    o.log = test_log;
    return o;
  }
  void start(RegionConsumerOptions o) {
    consumer_ = std::make_unique<RegionConsumer>(std::move(o));
  }
  void stop() { consumer_.reset(); }
  RegionConsumer* consumer() { return consumer_.get(); }

  std::map<std::string, AppliedMark> marks() {
    std::lock_guard lock(mutex_);
    return marks_;
  }
  std::vector<std::uint64_t> applied(const std::string& town) {
    std::lock_guard lock(mutex_);
    return applied_[town];
  }
  std::uint64_t last(const std::string& town) {
    std::lock_guard lock(mutex_);
    return applied_[town].empty() ? 0 : applied_[town].back();
  }
  std::string text(const std::string& town, std::uint64_t seq) {
    std::lock_guard lock(mutex_);
    return texts_[town][seq];
  }
  std::vector<TownHeartbeat> heartbeats() {
    std::lock_guard lock(mutex_);
    return beats_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<std::uint64_t>> applied_;
  std::map<std::string, std::map<std::uint64_t, std::string>> texts_;
  std::map<std::string, AppliedMark> marks_;
  std::vector<TownHeartbeat> beats_;
  std::unique_ptr<RegionConsumer> consumer_;
};

// The check every scenario ends with: the region applied exactly 1..N of the town, in order,
// none twice, each with the text the town journaled.
inline void expect_exactly_once(Region& region, const Town& town) {
  const auto seqs = region.applied(town.id());
  const std::uint64_t n = town.last_seq();
  ASSERT_EQ(seqs.size(), n) << town.id() << ": applied " << seqs.size() << " of " << n;
  for (std::uint64_t i = 0; i < n; ++i) {
    ASSERT_EQ(seqs[i], i + 1) << town.id() << ": position " << i;
  }
  for (std::uint64_t seq : {std::uint64_t{1}, n / 2 + 1, n}) {
    EXPECT_EQ(region.text(town.id(), seq), town.text_of(seq)) << town.id() << " seq " << seq;
  }
}

// The stream itself holds the town as 1..N, each Msg-Id once (read from the leader).
inline void expect_stream_holds_exactly(Connection& c, const Town& town) {
  const std::string subject = events_subject(town.id());
  std::uint64_t from = 1, expected = 1;
  while (auto m = c.next_msg(kStreamName, subject, from)) {
    ASSERT_EQ(m->msg_id, msg_id(town.id(), expected)) << "stream seq " << m->stream_seq;
    ++expected;
    from = m->stream_seq + 1;
  }
  EXPECT_EQ(expected - 1, town.last_seq()) << town.id();
}

inline bool caught_up(Region& region, const std::vector<Town*>& towns) {
  for (Town* t : towns) {
    if (region.last(t->id()) != t->last_seq()) return false;
  }
  return true;
}

}  // namespace bcp::bridge::testing
