// bench-fanout: shared pieces of the two fan-out measurements (bcp-feedd's stream and the
// nats-server reference). Everything runs in ONE process on ONE clock (steady_clock): the
// publisher notes when it sent each message and when it was acknowledged, every subscriber
// notes when the message arrived; latencies are differences of those stamps, so no clock
// correction is needed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

struct Options {
  std::string target;  // "feedd" or "nats"
  std::string host = "127.0.0.1";
  int port = 0;
  int subscribers = 1;
  int rate = 1000;     // messages per second
  double seconds = 5;  // publishing time
  int publishers = 16;  // HTTP connections posting in parallel (feedd)
  std::size_t size = 0;  // nats: payload bytes (the feedd run's mean frame size)
};

// One published message: when it was sent and when the publisher had its acknowledgement
// (bcp-feedd: the 2xx; NATS: Publish returned — NATS acknowledges nothing).
struct Sent {
  std::int64_t sent_ns = 0;
  std::int64_t acked_ns = 0;  // 0: never acknowledged
};

// One subscriber's receipts: (message number, arrival).
struct Receipt {
  std::int64_t seq;
  std::int64_t at_ns;
};

struct RunResult {
  std::vector<Sent> sent;  // indexed by message number (seq - first_seq)
  std::int64_t first_seq = 0;
  std::vector<std::vector<Receipt>> receipts;  // one per subscriber
  double publish_seconds = 0;
  double mean_frame_bytes = 0;
  int disconnected = 0;  // subscribers the server dropped before the end
  std::string error;
};

inline double pct_ms(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return static_cast<double>(v[i]) / 1e6;
}

// Prints one JSON line: latency from the acknowledgement and from the send, per receipt.
inline void print_result(const Options& o, RunResult& r) {
  std::vector<std::int64_t> from_ack, from_send, rtt;
  std::size_t received = 0, acked = 0, early = 0;
  for (const auto& s : r.sent) {
    if (s.acked_ns) {
      ++acked;
      rtt.push_back(s.acked_ns - s.sent_ns);
    }
  }
  for (const auto& sub : r.receipts) {
    for (const Receipt& x : sub) {
      std::int64_t i = x.seq - r.first_seq;
      if (i < 0 || i >= static_cast<std::int64_t>(r.sent.size())) continue;  // not ours
      const Sent& s = r.sent[static_cast<std::size_t>(i)];
      if (!s.acked_ns) continue;
      ++received;
      from_ack.push_back(x.at_ns - s.acked_ns);
      from_send.push_back(x.at_ns - s.sent_ns);
      if (x.at_ns < s.acked_ns) ++early;
    }
  }
  const std::size_t expected = acked * r.receipts.size();
  double max_ack = from_ack.empty() ? 0 : *std::max_element(from_ack.begin(), from_ack.end()) / 1e6;
  double max_send =
      from_send.empty() ? 0 : *std::max_element(from_send.begin(), from_send.end()) / 1e6;
  std::printf(
      "{\"target\":\"%s\",\"subscribers\":%d,\"rate_wanted\":%d,\"published\":%zu,\"acked\":%zu,"
      "\"rate_achieved\":%.1f,\"mean_frame_bytes\":%.0f,\"receipts\":%zu,\"expected_receipts\":%zu,"
      "\"lost\":%zu,\"disconnected\":%d,\"before_ack_share\":%.3f,"
      "\"ack_p50_ms\":%.3f,\"ack_p99_ms\":%.3f,\"ack_max_ms\":%.3f,"
      "\"send_p50_ms\":%.3f,\"send_p99_ms\":%.3f,\"send_max_ms\":%.3f,"
      "\"post_rtt_p50_ms\":%.3f,\"post_rtt_p99_ms\":%.3f,\"error\":\"%s\"}\n",
      o.target.c_str(), o.subscribers, o.rate, r.sent.size(), acked,
      r.publish_seconds > 0 ? static_cast<double>(acked) / r.publish_seconds : 0.0,
      r.mean_frame_bytes, received, expected, expected - std::min(expected, received),
      r.disconnected, received ? static_cast<double>(early) / static_cast<double>(received) : 0.0,
      pct_ms(from_ack, 50), pct_ms(from_ack, 99), max_ack, pct_ms(from_send, 50),
      pct_ms(from_send, 99), max_send, pct_ms(rtt, 50), pct_ms(rtt, 99), r.error.c_str());
  std::fflush(stdout);
}

RunResult run_feedd(const Options& o);
RunResult run_nats(const Options& o);

}  // namespace bench
