// A small C++ face over cnats (Debian's libnats 3.4): owned handles, errors as NatsError,
// and only the calls the town bridge and the region need.
//
// Threads: a Connection is used by the one thread that owns it (TownPublisher's or
// RegionConsumer's); only close() may be called from another thread, to make a blocking
// call on the owner's thread return at once (cnats locks the connection internally).
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bcp::bridge {

// A failed cnats call: which call, its status, the JetStream error code (0 when the server
// sent none) and the library's own text. The bridge never lets one end the process: its
// threads catch it, count it and retry.
class NatsError : public std::runtime_error {
 public:
  NatsError(const std::string& call, natsStatus status, int js_code, const std::string& detail);
  natsStatus status() const { return status_; }
  int js_code() const { return js_code_; }

 private:
  natsStatus status_;
  int js_code_;
};

// A state NATS reported correctly but the bridge cannot work with: a stream or consumer of the
// same name with an incompatible config, a foreign message on a town's subject. Retrying does
// not help until an operator acts; the message says what to do.
class BridgeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws NatsError unless `status` is NATS_OK.
void check(natsStatus status, const char* call, jsErrCode js_code = jsErrCode(0));

struct ConnectOptions {
  std::vector<std::string> servers;  // nats://host:port, tried in random order
  std::string name = "bcp";          // shown in the server's connection list
  std::chrono::milliseconds connect_timeout{2000};
  // Between two passes over the server list after the connection was lost; cnats retries
  // for ever (the bridge decides when to give up: never).
  std::chrono::milliseconds reconnect_wait{250};
  std::chrono::milliseconds ping_interval{2000};
  // JetStream API requests and publish acknowledgements.
  std::chrono::milliseconds request_wait{2000};
};

struct MsgDeleter {
  void operator()(natsMsg* m) const { natsMsg_Destroy(m); }
};
using MsgPtr = std::unique_ptr<natsMsg, MsgDeleter>;

struct SubscriptionDeleter {
  void operator()(natsSubscription* s) const { natsSubscription_Destroy(s); }
};
using SubscriptionPtr = std::unique_ptr<natsSubscription, SubscriptionDeleter>;

// The header value of `key`, or empty.
std::string header(natsMsg* msg, const char* key);
std::string_view payload(natsMsg* msg);

// A message read back from a stream.
struct StoredMsg {
  std::uint64_t stream_seq = 0;
  std::string subject;
  std::string msg_id;  // its Nats-Msg-Id header, empty when it had none
  std::string data;
};

struct PubAck {
  std::string stream;
  std::uint64_t stream_seq = 0;
  bool duplicate = false;  // the stream already held this Msg-Id (inside its window)
};

struct StreamInfo {
  std::vector<std::string> subjects;
  std::int64_t replicas = 0;
  std::chrono::nanoseconds duplicate_window{0};
  std::chrono::nanoseconds max_age{0};
  jsRetentionPolicy retention = js_LimitsPolicy;
  jsStorageType storage = js_FileStorage;
  bool sealed = false;
  std::string leader;  // server name of the stream leader, empty when there is none
  std::uint64_t messages = 0;
  std::uint64_t last_seq = 0;
};

class Connection {
 public:
  // Connects to one of `options.servers`; throws NatsError when none answers.
  static std::unique_ptr<Connection> connect(const ConnectOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  natsConnection* nc() { return nc_; }
  jsCtx* js() { return js_; }
  bool connected();
  // Any thread: closes the connection so that blocking calls return NATS_CONNECTION_CLOSED.
  void close();
  bool closed();

  // --- core NATS
  void publish(const std::string& subject, std::string_view data);
  SubscriptionPtr subscribe_sync(const std::string& subject);
  void flush(std::chrono::milliseconds timeout);

  // --- JetStream
  // The stream's config and state; nullopt when it does not exist.
  std::optional<StreamInfo> stream_info(const std::string& stream);
  // The last message on `subject`; nullopt when the stream holds none for it.
  std::optional<StoredMsg> last_msg(const std::string& stream, const std::string& subject);
  // The first message on `subject` whose stream seq is >= `from`; nullopt when none. Answered
  // by the stream leader (STREAM.MSG.GET with next_by_subj), so it is never behind.
  std::optional<StoredMsg> next_msg(const std::string& stream, const std::string& subject,
                                    std::uint64_t from);
  // js_Publish with Nats-Msg-Id `msg_id` and, when `expect_last_subject_seq` > 0, the
  // expected stream seq of the subject's last message (the server refuses with 10071 when
  // another message came in between).
  PubAck js_publish(const std::string& subject, std::string_view data, const std::string& msg_id,
                    std::uint64_t expect_last_subject_seq);
  void purge_subject(const std::string& stream, const std::string& subject);
  void delete_stream(const std::string& stream);
  void delete_consumer(const std::string& stream, const std::string& consumer);

 private:
  Connection() = default;
  jsOptions request_options() const;

  natsConnection* nc_ = nullptr;
  jsCtx* js_ = nullptr;
  std::chrono::milliseconds request_wait_{2000};
};

}  // namespace bcp::bridge
