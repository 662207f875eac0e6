// RegionConsumer (see region_consumer.hpp). Owns the consumer thread: everything below run()
// executes on it, except the public calls at the top.
#include "bcp/bridge/region_consumer.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace bcp::bridge {

using Clock = std::chrono::steady_clock;

namespace {

struct MetaDeleter {
  void operator()(jsMsgMetaData* m) const { jsMsgMetaData_Destroy(m); }
};

// The stream seq of a message fetched from the consumer; 0 when it carries no metadata.
std::uint64_t stream_seq_of(natsMsg* msg) {
  jsMsgMetaData* raw = nullptr;
  if (natsMsg_GetMetaData(&raw, msg) != NATS_OK || !raw) return 0;
  std::unique_ptr<jsMsgMetaData, MetaDeleter> meta(raw);
  return meta->Sequence.Stream;
}

std::uint64_t unsigned_field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

}  // namespace

RegionConsumer::RegionConsumer(RegionConsumerOptions options) : options_(std::move(options)) {
  if (options_.nats.servers.empty()) throw std::invalid_argument("RegionConsumer: no NATS servers");
  if (!options_.apply) throw std::invalid_argument("RegionConsumer: no apply callback");
  if (options_.durable.empty() || options_.durable.find_first_of(".*> ") != std::string::npos) {
    throw std::invalid_argument("RegionConsumer: the durable name must be one subject token");
  }
  if (options_.batch == 0) throw std::invalid_argument("RegionConsumer: batch must be at least 1");
  applied_ = options_.applied;
  metrics_.applied = applied_;
  thread_ = std::thread([this] { run(); });
}

RegionConsumer::~RegionConsumer() { stop(); }

ConsumerMetrics RegionConsumer::metrics() const {
  std::lock_guard lock(mutex_);
  return metrics_;
}

void RegionConsumer::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// ---- the consumer thread

bool RegionConsumer::stopping() const {
  std::lock_guard lock(mutex_);
  return stop_;
}

void RegionConsumer::run() {
  std::chrono::milliseconds delay = options_.retry_min;
  while (!stopping()) {
    try {
      if (!events_) open();
      fetch_batch();
      drain_heartbeats();
      delay = options_.retry_min;
      if (failing_since_ != Clock::time_point{}) {
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - failing_since_);
        say("reading again after " + std::to_string(ms.count()) + " ms and " +
            std::to_string(failed_attempts_) + " failed attempt(s)");
        failing_since_ = {};
        failed_attempts_ = 0;
      }
    } catch (const std::exception& e) {
      on_error(e.what());
      close();
      back_off(delay);
      delay = std::min(delay * 2, options_.retry_max);
    } catch (...) {
      on_error("a non-standard exception");
      close();
      back_off(options_.retry_max);
    }
  }
  if (conn_ && !conn_->closed()) {
    try {
      conn_->flush(std::chrono::milliseconds(1000));  // the last acks
    } catch (const std::exception& e) {
      on_error(e.what());
    }
  }
  close();
}

void RegionConsumer::open() {
  if (!conn_ || conn_->closed()) {
    ConnectOptions nats = options_.nats;
    if (nats.name == "bcp") nats.name = "bcp-region " + options_.durable;
    conn_ = Connection::connect(nats);
  }
  ensure_stream(*conn_, options_.stream, options_.nats.servers.size());
  ensure_consumer();
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = options_.nats.request_wait.count();
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = kStreamName;
  so.Consumer = options_.durable.c_str();
  natsSubscription* sub = nullptr;
  jsErrCode jerr = jsErrCode(0);
  check(js_PullSubscribe(&sub, conn_->js(), kStreamSubjects, options_.durable.c_str(), &jo, &so,
                         &jerr),
        "js_PullSubscribe", jerr);
  events_.reset(sub);
  if (!heartbeats_sub_) {
    heartbeats_sub_ = conn_->subscribe_sync(kHeartbeatSubjects);
    // Heartbeats are liveness only: when the thread is busy, old ones may be dropped.
    natsSubscription_SetPendingLimits(heartbeats_sub_.get(), 10000, 4 << 20);
  }
  std::lock_guard lock(mutex_);
  metrics_.bound = true;
}

void RegionConsumer::ensure_consumer() {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = options_.nats.request_wait.count();
  jsConsumerInfo* info = nullptr;
  jsErrCode jerr = jsErrCode(0);
  natsStatus s =
      js_GetConsumerInfo(&info, conn_->js(), kStreamName, options_.durable.c_str(), &jo, &jerr);
  if (s == NATS_OK) {
    std::unique_ptr<jsConsumerInfo, void (*)(jsConsumerInfo*)> owned(info, jsConsumerInfo_Destroy);
    const jsConsumerConfig* cfg = info->Config;
    const bool pull = cfg && (!cfg->DeliverSubject || !*cfg->DeliverSubject);
    const bool explicit_ack = cfg && cfg->AckPolicy == js_AckExplicit;
    const bool all_towns = cfg && (!cfg->FilterSubject || !*cfg->FilterSubject ||
                                   std::string(cfg->FilterSubject) == kStreamSubjects);
    if (!pull || !explicit_ack || !all_towns) {
      throw BridgeError("consumer " + options_.durable + " on " + kStreamName +
                        " exists but is not a pull consumer with explicit acks over " +
                        kStreamSubjects + "; delete it (nats consumer rm " + kStreamName + " " +
                        options_.durable + ") or name another durable");
    }
    return;
  }
  if (jerr != JSConsumerNotFoundErr && s != NATS_NOT_FOUND) check(s, "js_GetConsumerInfo", jerr);
  jsConsumerConfig cc;
  jsConsumerConfig_Init(&cc);
  cc.Durable = options_.durable.c_str();
  cc.Description = "BCP Wall region: every town's events, acked once applied";
  cc.DeliverPolicy = js_DeliverAll;
  cc.AckPolicy = js_AckExplicit;
  cc.AckWait = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.ack_wait).count();
  cc.MaxDeliver = -1;
  cc.FilterSubject = kStreamSubjects;
  cc.MaxAckPending = static_cast<int64_t>(std::max<std::size_t>(1024, options_.batch * 4));
  jerr = jsErrCode(0);
  s = js_AddConsumer(nullptr, conn_->js(), kStreamName, &cc, &jo, &jerr);
  if (jerr == JSConsumerNameExistErr) return;  // another region process made it just now
  check(s, "js_AddConsumer", jerr);
}

void RegionConsumer::fetch_batch() {
  natsMsgList list{nullptr, 0};
  jsErrCode jerr = jsErrCode(0);
  natsStatus s = natsSubscription_Fetch(&list, events_.get(), static_cast<int>(options_.batch),
                                        options_.fetch_wait.count(), &jerr);
  std::unique_ptr<natsMsgList, void (*)(natsMsgList*)> owned(&list, natsMsgList_Destroy);
  if (s == NATS_TIMEOUT && list.Count == 0) return;  // nothing new
  if (s != NATS_OK && list.Count == 0) check(s, "natsSubscription_Fetch", jerr);
  {
    std::lock_guard lock(mutex_);
    metrics_.delivered += static_cast<std::uint64_t>(list.Count);
  }
  bool failed = false;
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* msg = list.Msgs[i];
    if (failed) {
      natsMsg_Nak(msg, nullptr);  // comes again after the one that failed
      continue;
    }
    if (handle(msg, failed)) {
      natsMsg_Ack(msg, nullptr);
    } else if (failed) {
      natsMsg_Nak(msg, nullptr);
    }
  }
  if (failed) throw std::runtime_error("the region could not apply an event; it comes again");
}

// True: the message is dealt with (ack it). False with `failed`: apply threw.
bool RegionConsumer::handle(natsMsg* msg, bool& failed) {
  const char* subject = natsMsg_GetSubject(msg);
  const auto town = town_of_subject(subject ? subject : "");
  // 0: no valid "<town>:<seq>" (seq_of_msg_id never yields 0).
  const std::uint64_t seq = town ? seq_of_msg_id(header(msg, "Nats-Msg-Id"), *town).value_or(0) : 0;
  const std::uint64_t stream_seq = stream_seq_of(msg);
  if (!town || seq == 0 || stream_seq == 0) {
    std::lock_guard lock(mutex_);
    ++metrics_.rejected;
    return true;
  }
  if (!options_.towns.empty() && !options_.towns.count(*town)) {
    std::lock_guard lock(mutex_);
    ++metrics_.other_towns;
    return true;
  }
  try {
    AppliedMark& mark = applied_[*town];
    if (seq > mark.seq + 1) fill_hole(*town, stream_seq);
    if (seq <= applied_[*town].seq) {
      std::lock_guard lock(mutex_);
      ++metrics_.duplicates;
      return true;
    }
    if (seq > applied_[*town].seq + 1) {
      say("town " + *town + ": seqs " + std::to_string(applied_[*town].seq + 1) + ".." +
          std::to_string(seq - 1) + " are not in " + kStreamName + " (retention?); going on at " +
          std::to_string(seq));
      std::lock_guard lock(mutex_);
      ++metrics_.gaps;
    }
    deliver(*town, seq, stream_seq, std::string(payload(msg)));
    return true;
  } catch (const std::exception& e) {
    on_error(std::string("town ") + *town + " seq " + std::to_string(seq) + ": " + e.what());
    failed = true;
    return false;
  } catch (...) {
    // The region's apply callback may throw anything; it means "not applied", never an end.
    on_error(std::string("town ") + *town + " seq " + std::to_string(seq) +
             ": apply threw a non-standard exception");
    failed = true;
    return false;
  }
}

// Applies the town's stored events between its last applied one and `current_stream_seq`,
// read from the stream. Returns whether it applied any.
bool RegionConsumer::fill_hole(const std::string& town, std::uint64_t current_stream_seq) {
  const std::string subject = events_subject(town);
  const AppliedMark start = applied_[town];
  std::uint64_t from =
      start.stream_seq > 0 ? start.stream_seq + 1 : bisect(town, start.seq, current_stream_seq);
  bool any = false;
  while (from < current_stream_seq) {
    auto stored = conn_->next_msg(kStreamName, subject, from);
    if (!stored || stored->stream_seq >= current_stream_seq) break;
    from = stored->stream_seq + 1;
    const std::uint64_t seq =
        seq_of_msg_id(stored->msg_id, town).value_or(0);  // never 0 when valid
    if (seq == 0) {
      std::lock_guard lock(mutex_);
      ++metrics_.rejected;
      continue;
    }
    if (seq <= applied_[town].seq) continue;
    if (seq > applied_[town].seq + 1) {
      std::lock_guard lock(mutex_);
      ++metrics_.gaps;
    }
    deliver(town, seq, stored->stream_seq, std::move(stored->data));
    any = true;
    std::lock_guard lock(mutex_);
    ++metrics_.filled;
  }
  return any;
}

// The first stream seq from which the town's messages have a seq above `after`, found by
// bisection over [1, hi] (the town's seqs rise with the stream seq: one ordered publisher).
std::uint64_t RegionConsumer::bisect(const std::string& town, std::uint64_t after,
                                     std::uint64_t hi) {
  const std::string subject = events_subject(town);
  std::uint64_t lo = 1;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    auto stored = conn_->next_msg(kStreamName, subject, mid);
    if (!stored || stored->stream_seq >= hi) {
      hi = mid;
      continue;
    }
    // A message without this town's Msg-Id counts as "above": it narrows from the top.
    const std::uint64_t found = seq_of_msg_id(stored->msg_id, town).value_or(UINT64_MAX);
    if (found <= after) {
      lo = stored->stream_seq + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void RegionConsumer::deliver(const std::string& town, std::uint64_t seq, std::uint64_t stream_seq,
                             std::string json) {
  options_.apply(TownEvent{town, seq, stream_seq, std::move(json)});
  applied_[town] = AppliedMark{seq, stream_seq};
  std::lock_guard lock(mutex_);
  metrics_.applied[town] = applied_[town];
  ++metrics_.applied_events;
}

void RegionConsumer::drain_heartbeats() {
  if (!heartbeats_sub_) return;
  for (int i = 0; i < 10000; ++i) {
    natsMsg* raw = nullptr;
    if (natsSubscription_NextMsg(&raw, heartbeats_sub_.get(), 0) != NATS_OK || !raw) return;
    MsgPtr msg(raw);
    const auto town =
        town_of_subject(natsMsg_GetSubject(raw) ? natsMsg_GetSubject(raw) : "", "heartbeat");
    const auto doc = nlohmann::json::parse(payload(raw), nullptr, /*allow_exceptions=*/false);
    const bool ok = town && doc.is_object() && doc.value("type", nlohmann::json()) == "heartbeat" &&
                    doc.value("town", nlohmann::json()) == *town;
    if (!ok) {
      std::lock_guard lock(mutex_);
      ++metrics_.rejected;
      continue;
    }
    if (!options_.towns.empty() && !options_.towns.count(*town)) continue;
    TownHeartbeat beat;
    beat.town = *town;
    beat.committed = unsigned_field(doc, "committed");
    beat.bridged = unsigned_field(doc, "bridged");
    if (auto at = doc.find("at"); at != doc.end() && at->is_string())
      beat.at = at->get<std::string>();
    beat.received = std::chrono::system_clock::now();
    {
      std::lock_guard lock(mutex_);
      ++metrics_.heartbeats;
    }
    if (!options_.heartbeat) continue;
    try {
      options_.heartbeat(beat);
    } catch (const std::exception& e) {
      on_error(std::string("heartbeat callback: ") + e.what());
    } catch (...) {
      on_error("heartbeat callback: a non-standard exception");
    }
  }
}

// Drops the subscriptions; the connection stays unless it is closed (cnats reconnects it).
void RegionConsumer::close() {
  events_.reset();  // Destroy only: the durable consumer stays (cnats >= 3.4)
  heartbeats_sub_.reset();
  if (conn_ && (conn_->closed() || stopping())) conn_.reset();
  std::lock_guard lock(mutex_);
  metrics_.bound = false;
}

void RegionConsumer::back_off(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, delay, [&] { return stop_; });
}

void RegionConsumer::on_error(const std::string& what) {
  if (failing_since_ == Clock::time_point{}) failing_since_ = Clock::now();
  ++failed_attempts_;
  bool repeated = false;
  {
    std::lock_guard lock(mutex_);
    ++metrics_.errors;
    repeated = metrics_.last_error == what;
    metrics_.last_error = what;
  }
  if (!repeated) say(what);
}

void RegionConsumer::say(const std::string& line) {
  if (!options_.log) return;
  try {
    options_.log("region " + options_.durable + ": " + line);
  } catch (...) {
    // A logger that throws must not take the consumer down.
  }
}

}  // namespace bcp::bridge
