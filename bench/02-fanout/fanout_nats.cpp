// nats-server side of bench-fanout, the reference broker: N subscriber connections on one
// subject, one publisher connection publishing messages of the same size as bcp-feedd's
// event frames at the same rate. libnats hands messages to callbacks through ONE shared
// delivery thread, like the single I/O thread of the feedd subscribers. NATS acknowledges
// nothing, so "acked" is when Publish returned (the message is in the client's buffer).
#include <nats/nats.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "fanout.hpp"

namespace bench {
namespace {

constexpr const char* kSubject = "bcp.bench.fanout";

struct Sink {
  std::mutex mu;
  std::vector<Receipt>* out = nullptr;
  std::atomic<std::int64_t>* receipts = nullptr;
};

void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  const std::int64_t at = now_ns();
  auto* sink = static_cast<Sink*>(closure);
  const std::int64_t seq = std::strtoll(natsMsg_GetData(msg), nullptr, 10);
  {
    std::lock_guard lock(sink->mu);
    sink->out->push_back(Receipt{seq, at});
  }
  (*sink->receipts)++;
  natsMsg_Destroy(msg);
}

std::string status_text(natsStatus s, const char* what) {
  return std::string(what) + ": " + natsStatus_GetText(s);
}

}  // namespace

RunResult run_nats(const Options& o) {
  RunResult r;
  r.receipts.resize(static_cast<std::size_t>(o.subscribers));
  const std::string url = "nats://" + o.host + ":" + std::to_string(o.port);
  std::atomic<std::int64_t> receipts{0};
  std::vector<Sink> sinks(static_cast<std::size_t>(o.subscribers));
  std::vector<natsConnection*> conns(static_cast<std::size_t>(o.subscribers), nullptr);
  std::vector<natsSubscription*> subs(static_cast<std::size_t>(o.subscribers), nullptr);
  natsConnection* pub = nullptr;
  natsOptions* opts = nullptr;

  auto cleanup = [&] {
    for (auto* s : subs) natsSubscription_Destroy(s);
    for (auto* c : conns) natsConnection_Destroy(c);
    natsConnection_Destroy(pub);
    natsOptions_Destroy(opts);
    nats_Close();
  };

  natsStatus s = nats_SetMessageDeliveryPoolSize(1);
  if (s == NATS_OK) s = natsOptions_Create(&opts);
  if (s == NATS_OK) s = natsOptions_SetURL(opts, url.c_str());
  if (s == NATS_OK) s = natsOptions_UseGlobalMessageDelivery(opts, true);
  if (s != NATS_OK) {
    r.error = status_text(s, "nats options");
    cleanup();
    return r;
  }
  for (std::size_t i = 0; i < conns.size(); ++i) {
    sinks[i].out = &r.receipts[i];
    sinks[i].receipts = &receipts;
    r.receipts[i].reserve(static_cast<std::size_t>(o.rate * o.seconds) + 64);
    s = natsConnection_Connect(&conns[i], opts);
    if (s == NATS_OK) s = natsConnection_Subscribe(&subs[i], conns[i], kSubject, on_message, &sinks[i]);
    // Allow a backlog as deep as the whole run: we measure latency, not libnats' slow-consumer cut.
    if (s == NATS_OK) s = natsSubscription_SetPendingLimits(subs[i], -1, -1);
    if (s == NATS_OK) s = natsConnection_Flush(conns[i]);  // the server knows the subscription
    if (s != NATS_OK) {
      r.error = status_text(s, "nats subscriber");
      cleanup();
      return r;
    }
  }
  s = natsConnection_Connect(&pub, opts);
  if (s != NATS_OK) {
    r.error = status_text(s, "nats publisher");
    cleanup();
    return r;
  }

  const long total = static_cast<long>(o.rate * o.seconds);
  const std::size_t size = std::max<std::size_t>(o.size, 24);
  std::string payload(size, 'x');
  r.sent.resize(static_cast<std::size_t>(total));
  const auto period = std::chrono::nanoseconds(1'000'000'000LL / o.rate);
  const auto t0 = Clock::now() + std::chrono::milliseconds(20);
  for (long i = 0; i < total; ++i) {
    std::this_thread::sleep_until(t0 + i * period);
    // The message number leads the payload; the rest is padding to the frame size.
    int n = std::snprintf(payload.data(), 24, "%ld|", i);
    payload[static_cast<std::size_t>(n)] = 'x';
    Sent& sent = r.sent[static_cast<std::size_t>(i)];
    sent.sent_ns = now_ns();
    s = natsConnection_Publish(pub, kSubject, payload.data(), static_cast<int>(payload.size()));
    sent.acked_ns = now_ns();
    if (s != NATS_OK) {
      r.error = status_text(s, "nats publish");
      sent.acked_ns = 0;
      break;
    }
  }
  natsConnection_Flush(pub);
  r.publish_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::int64_t want = total * o.subscribers;
  const auto drain_deadline = Clock::now() + std::chrono::seconds(10);
  while (receipts < want && Clock::now() < drain_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.first_seq = 0;
  r.mean_frame_bytes = static_cast<double>(size);
  // Stop delivery before reading the receipt vectors.
  for (auto*& sub : subs) {
    natsSubscription_Unsubscribe(sub);
  }
  for (auto* c : conns) natsConnection_Close(c);
  natsConnection_Close(pub);
  cleanup();
  subs.assign(subs.size(), nullptr);
  return r;
}

}  // namespace bench
