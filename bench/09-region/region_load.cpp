// bench-region-load (bench/09-region): N towns' bridges publishing into a 3-node JetStream
// cluster, and the regional bcp-feedd following them. Each town is the real bridge
// (bcp::bridge::TownPublisher, fed as the town daemon's committer feeds it) over an in-memory
// journal, committing `rate` talk events per second; one WebSocket subscriber on the region's
// stream stamps each town event when it arrives. Everything runs in ONE process on ONE clock:
// latency = arrival on the region's stream − the moment the town committed it (a town daemon
// answers its 2xx right after that commit). Optionally runs a command mid-run (bench/09-region
// kills the stream's leader node with it); events committed after it are reported apart.
//
// Threads: one per TownPublisher (inside), the committing loop (main thread), the subscriber.
// Usage: bench-region-load SERVERS REGION_PORT TOWNS RATE SECONDS [KILL_COMMAND KILL_AT_S]
//   SERVERS comma-separated nats:// URLs; towns are named t01, t02, …
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bcp/bridge/town_publisher.hpp"
#include "bcp/model/codec.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// One town: its journal in memory and its publisher.
struct Town {
  std::string id;
  std::mutex mutex;
  std::vector<bcp::bridge::JournalEvent> journal;  // seq i at index i-1
  std::vector<std::int64_t> committed_ns;          // index seq-1
  std::vector<std::int64_t> arrived_ns;            // 0: not (yet) on the region's stream
  std::uint64_t duplicates = 0;
  std::unique_ptr<bcp::bridge::TownPublisher> publisher;
};

std::string event_json(const std::string& town, std::uint64_t seq) {
  bcp::model::Event e;
  e.seq = static_cast<bcp::model::Seq>(seq);
  e.at = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  e.received = e.at;
  bcp::model::TalkMessage m;
  m.group = "hq";
  m.message_id = town + "-" + std::to_string(seq);
  m.sender = {"s001", "負荷試験", std::string("soumu")};
  m.text = "【訓練】負荷試験 " + town + " " + std::to_string(seq);
  e.body = m;
  return bcp::model::to_json(e).dump();
}

double pct_ms(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  std::size_t i =
      std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())));
  return static_cast<double>(v[i]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 8) {
    std::fprintf(stderr,
                 "usage: bench-region-load SERVERS REGION_PORT TOWNS RATE SECONDS [KILL_COMMAND "
                 "KILL_AT_S]\n");
    return 2;
  }
  std::vector<std::string> servers;
  {
    std::stringstream in(argv[1]);
    for (std::string s; std::getline(in, s, ',');) servers.push_back(s);
  }
  const std::string region_port = argv[2];
  const int towns_n = std::stoi(argv[3]);
  const double rate = std::stod(argv[4]);
  const double seconds = std::stod(argv[5]);
  const std::string kill_command = argc == 8 ? argv[6] : "";
  const double kill_at = argc == 8 ? std::stod(argv[7]) : 0;
  const auto per_town = static_cast<std::uint64_t>(rate * seconds);

  std::vector<std::unique_ptr<Town>> towns;
  std::map<std::string, Town*> by_id;
  for (int i = 1; i <= towns_n; ++i) {
    auto t = std::make_unique<Town>();
    char id[16];
    std::snprintf(id, sizeof id, "t%02d", i);
    t->id = id;
    t->committed_ns.assign(per_town, 0);
    t->arrived_ns.assign(per_town, 0);
    by_id[t->id] = t.get();
    towns.push_back(std::move(t));
  }

  // The region's stream: hello, snapshot, then each town's events.
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> frames{0};
  std::string sub_error;
  std::thread subscriber([&] {
    try {
      net::io_context ioc;
      websocket::stream<beast::tcp_stream> ws(ioc);
      net::ip::tcp::resolver resolver(ioc);
      beast::get_lowest_layer(ws).connect(*resolver.resolve("127.0.0.1", region_port).begin());
      ws.handshake("127.0.0.1:" + region_port, "/v1/stream");
      ws.write(net::buffer(std::string(
          R"({"v":1,"type":"hello","display":"bench","token":"region-display-sample","since":null})")));
      beast::flat_buffer buffer;
      while (!stop) {
        beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
        beast::error_code ec;
        ws.read(buffer, ec);
        if (ec == beast::error::timeout) continue;
        if (ec) throw beast::system_error(ec);
        const std::int64_t at = now_ns();
        const auto frame =
            nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
        buffer.consume(buffer.size());
        ++frames;
        if (!frame.is_object() || frame.value("type", "") != "event") continue;
        auto it = by_id.find(frame.value("town", ""));
        if (it == by_id.end() || !frame["event"].is_object() ||
            !frame["event"]["seq"].is_number_unsigned())
          continue;
        const auto seq = frame["event"]["seq"].get<std::uint64_t>();
        Town& t = *it->second;
        std::lock_guard lock(t.mutex);
        if (seq == 0 || seq > t.arrived_ns.size()) continue;
        if (t.arrived_ns[seq - 1]) {
          ++t.duplicates;
        } else {
          t.arrived_ns[seq - 1] = at;
        }
      }
    } catch (const std::exception& e) {
      sub_error = e.what();
    }
  });
  // Wait for the snapshot (the subscription is live from then on).
  for (int i = 0; i < 500 && frames < 2 && sub_error.empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (frames < 2) {
    stop = true;
    subscriber.join();
    std::fprintf(stderr, "bench-region-load: no snapshot from the region on :%s: %s\n",
                 region_port.c_str(), sub_error.c_str());
    return 1;
  }

  for (auto& t : towns) {
    bcp::bridge::TownPublisherOptions o;
    o.nats.servers = servers;
    o.nats.name = "bench " + t->id;
    o.town = t->id;
    Town* raw = t.get();
    o.read = [raw](std::uint64_t after, std::size_t limit) {
      std::lock_guard lock(raw->mutex);
      std::vector<bcp::bridge::JournalEvent> out;
      for (std::uint64_t s = after + 1; s <= raw->journal.size() && out.size() < limit; ++s)
        out.push_back(raw->journal[s - 1]);
      return out;
    };
    o.committed = 0;
    t->publisher = std::make_unique<bcp::bridge::TownPublisher>(std::move(o));
  }

  // Commit at `rate` per town, evenly spread: town k's i-th event is due at (i + k/N) / rate.
  const auto start = Clock::now();
  std::int64_t kill_ns = 0;
  std::thread killer;
  const std::uint64_t total = per_town * static_cast<std::uint64_t>(towns_n);
  for (std::uint64_t n = 0; n < total; ++n) {
    const std::uint64_t i = n / static_cast<std::uint64_t>(towns_n);
    const std::size_t k = n % static_cast<std::size_t>(towns_n);
    const auto due =
        start + std::chrono::nanoseconds(static_cast<std::int64_t>(
                    (static_cast<double>(i) + static_cast<double>(k) / towns_n) / rate * 1e9));
    std::this_thread::sleep_until(due);
    if (!kill_command.empty() && !kill_ns &&
        Clock::now() - start >= std::chrono::duration<double>(kill_at)) {
      kill_ns = now_ns();
      // On its own thread: committing goes on while the command runs.
      killer = std::thread([&kill_command] {
        if (std::system(kill_command.c_str()) != 0)
          std::fprintf(stderr, "bench-region-load: the kill command failed\n");
      });
    }
    Town& t = *towns[k];
    const std::uint64_t seq = i + 1;
    std::string text = event_json(t.id, seq);
    {
      std::lock_guard lock(t.mutex);
      t.journal.push_back({seq, text});
      t.committed_ns[seq - 1] = now_ns();
    }
    t.publisher->committed(seq, text);
  }
  const double publish_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (killer.joinable()) killer.join();

  // Drain: everything committed must reach the region (60 s at most).
  auto all_arrived = [&] {
    for (auto& t : towns) {
      std::lock_guard lock(t->mutex);
      if (std::count(t->arrived_ns.begin(), t->arrived_ns.end(), 0)) return false;
    }
    return true;
  };
  const auto drain_deadline = Clock::now() + std::chrono::seconds(60);
  while (!all_arrived() && Clock::now() < drain_deadline && sub_error.empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto& t : towns) t->publisher->stop();
  subscriber.join();

  std::vector<std::int64_t> before, after;
  std::uint64_t lost = 0, duplicates = 0, errors = 0;
  for (auto& t : towns) {
    std::lock_guard lock(t->mutex);
    duplicates += t->duplicates;
    errors += t->publisher->metrics().errors;
    for (std::size_t i = 0; i < t->arrived_ns.size(); ++i) {
      if (!t->arrived_ns[i]) {
        ++lost;
        continue;
      }
      const std::int64_t lat = t->arrived_ns[i] - t->committed_ns[i];
      (kill_ns && t->committed_ns[i] >= kill_ns ? after : before).push_back(lat);
    }
  }
  auto max_ms = [](const std::vector<std::int64_t>& v) {
    return v.empty() ? 0.0 : static_cast<double>(*std::max_element(v.begin(), v.end())) / 1e6;
  };
  std::printf(
      "{\"towns\":%d,\"rate_per_town\":%.1f,\"seconds\":%.1f,\"committed\":%llu,\"publish_"
      "seconds\":%.2f,"
      "\"lost\":%llu,\"duplicates\":%llu,\"publisher_errors\":%llu,\"killed\":%s,"
      "\"steady_events\":%zu,\"steady_p50_ms\":%.2f,\"steady_p99_ms\":%.2f,\"steady_max_ms\":%.2f,"
      "\"after_kill_events\":%zu,\"after_kill_p50_ms\":%.2f,\"after_kill_p99_ms\":%.2f,\"after_"
      "kill_max_ms\":%.2f,"
      "\"subscriber_error\":\"%s\"}\n",
      towns_n, rate, seconds, static_cast<unsigned long long>(total), publish_s,
      static_cast<unsigned long long>(lost), static_cast<unsigned long long>(duplicates),
      static_cast<unsigned long long>(errors), kill_ns ? "true" : "false", before.size(),
      pct_ms(before, 50), pct_ms(before, 99), max_ms(before), after.size(), pct_ms(after, 50),
      pct_ms(after, 99), max_ms(after), sub_error.c_str());
  return sub_error.empty() ? 0 : 1;
}
