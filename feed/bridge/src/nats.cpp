// The cnats wrapper: connection setup, the JetStream calls of the bridge, errors as NatsError.
// Runs on the calling thread (see nats.hpp).
#include "bcp/bridge/nats.hpp"

#include <nlohmann/json.hpp>

#include "wire.hpp"

namespace bcp::bridge {

namespace {

// cnats' thread-local text for the last failure, without its "(file.c:123): " prefix.
std::string last_error_text() {
  natsStatus s = NATS_OK;
  const char* text = nats_GetLastError(&s);
  std::string out = text ? text : "";
  if (!out.empty() && out[0] == '(') {
    const auto close = out.find("): ");
    if (close != std::string::npos) out = out.substr(close + 3);
  }
  return out;
}

std::string describe(const std::string& call, natsStatus status, int js_code,
                     const std::string& detail) {
  std::string out = call + ": " + natsStatus_GetText(status);
  if (js_code != 0) out += " (JetStream error " + std::to_string(js_code) + ")";
  if (!detail.empty()) out += ": " + detail;
  return out;
}

struct OptionsDeleter {
  void operator()(natsOptions* o) const { natsOptions_Destroy(o); }
};

}  // namespace

NatsError::NatsError(const std::string& call, natsStatus status, int js_code,
                     const std::string& detail)
    : std::runtime_error(describe(call, status, js_code, detail)),
      status_(status),
      js_code_(js_code) {}

void check(natsStatus status, const char* call, jsErrCode js_code) {
  if (status == NATS_OK) return;
  throw NatsError(call, status, static_cast<int>(js_code), last_error_text());
}

std::string header(natsMsg* msg, const char* key) {
  const char* value = nullptr;
  if (natsMsgHeader_Get(msg, key, &value) != NATS_OK || !value) return {};
  return value;
}

std::string_view payload(natsMsg* msg) {
  const char* data = natsMsg_GetData(msg);
  const int len = natsMsg_GetDataLength(msg);
  return data && len > 0 ? std::string_view(data, static_cast<std::size_t>(len))
                         : std::string_view();
}

std::unique_ptr<Connection> Connection::connect(const ConnectOptions& options) {
  if (options.servers.empty()) throw BridgeError("no NATS servers configured");
  natsOptions* raw = nullptr;
  check(natsOptions_Create(&raw), "natsOptions_Create");
  std::unique_ptr<natsOptions, OptionsDeleter> opts(raw);
  std::vector<const char*> urls;
  for (const auto& s : options.servers) urls.push_back(s.c_str());
  check(natsOptions_SetServers(opts.get(), urls.data(), static_cast<int>(urls.size())),
        "natsOptions_SetServers");
  check(natsOptions_SetName(opts.get(), options.name.c_str()), "natsOptions_SetName");
  check(natsOptions_SetTimeout(opts.get(), options.connect_timeout.count()),
        "natsOptions_SetTimeout");
  check(natsOptions_SetAllowReconnect(opts.get(), true), "natsOptions_SetAllowReconnect");
  check(natsOptions_SetMaxReconnect(opts.get(), -1), "natsOptions_SetMaxReconnect");
  check(natsOptions_SetReconnectWait(opts.get(), options.reconnect_wait.count()),
        "natsOptions_SetReconnectWait");
  check(natsOptions_SetPingInterval(opts.get(), options.ping_interval.count()),
        "natsOptions_SetPingInterval");
  check(natsOptions_SetMaxPingsOut(opts.get(), 2), "natsOptions_SetMaxPingsOut");
  // What is written while reconnecting is kept only this long: a heartbeat delivered late
  // would claim a liveness that did not exist, and events go through acked requests anyway.
  check(natsOptions_SetReconnectBufSize(opts.get(), 64 * 1024), "natsOptions_SetReconnectBufSize");

  std::unique_ptr<Connection> c(new Connection());
  c->request_wait_ = options.request_wait;
  check(natsConnection_Connect(&c->nc_, opts.get()), "natsConnection_Connect");
  jsOptions jo = c->request_options();
  check(natsConnection_JetStream(&c->js_, c->nc_, &jo), "natsConnection_JetStream");
  return c;
}

Connection::~Connection() {
  if (js_) jsCtx_Destroy(js_);
  if (nc_) natsConnection_Destroy(nc_);  // closes it first when still open
}

bool Connection::connected() { return natsConnection_Status(nc_) == NATS_CONN_STATUS_CONNECTED; }

void Connection::close() { natsConnection_Close(nc_); }

bool Connection::closed() { return natsConnection_IsClosed(nc_); }

jsOptions Connection::request_options() const {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = request_wait_.count();
  return o;
}

void Connection::publish(const std::string& subject, std::string_view data) {
  check(natsConnection_Publish(nc_, subject.c_str(), data.data(), static_cast<int>(data.size())),
        "natsConnection_Publish");
}

SubscriptionPtr Connection::subscribe_sync(const std::string& subject) {
  natsSubscription* sub = nullptr;
  check(natsConnection_SubscribeSync(&sub, nc_, subject.c_str()), "natsConnection_SubscribeSync");
  return SubscriptionPtr(sub);
}

void Connection::flush(std::chrono::milliseconds timeout) {
  check(natsConnection_FlushTimeout(nc_, timeout.count()), "natsConnection_FlushTimeout");
}

std::optional<StreamInfo> Connection::stream_info(const std::string& stream) {
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = jsErrCode(0);
  jsOptions o = request_options();
  natsStatus s = js_GetStreamInfo(&si, js_, stream.c_str(), &o, &jerr);
  if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) return std::nullopt;
  check(s, "js_GetStreamInfo", jerr);
  std::unique_ptr<jsStreamInfo, void (*)(jsStreamInfo*)> owned(si, jsStreamInfo_Destroy);
  StreamInfo info;
  const jsStreamConfig* cfg = si->Config;
  for (int i = 0; cfg && i < cfg->SubjectsLen; ++i) info.subjects.emplace_back(cfg->Subjects[i]);
  if (cfg) {
    info.replicas = cfg->Replicas;
    info.duplicate_window = std::chrono::nanoseconds(cfg->Duplicates);
    info.max_age = std::chrono::nanoseconds(cfg->MaxAge);
    info.retention = cfg->Retention;
    info.storage = cfg->Storage;
    info.sealed = cfg->Sealed;
  }
  if (si->Cluster && si->Cluster->Leader) info.leader = si->Cluster->Leader;
  info.messages = si->State.Msgs;
  info.last_seq = si->State.LastSeq;
  return info;
}

std::optional<StoredMsg> Connection::last_msg(const std::string& stream,
                                              const std::string& subject) {
  natsMsg* raw = nullptr;
  jsErrCode jerr = jsErrCode(0);
  jsOptions o = request_options();
  natsStatus s = js_GetLastMsg(&raw, js_, stream.c_str(), subject.c_str(), &o, &jerr);
  if (jerr == JSNoMessageFoundErr) return std::nullopt;
  check(s, "js_GetLastMsg", jerr);
  MsgPtr msg(raw);
  StoredMsg out;
  out.stream_seq = natsMsg_GetSequence(msg.get());
  out.subject = natsMsg_GetSubject(msg.get()) ? natsMsg_GetSubject(msg.get()) : "";
  out.msg_id = header(msg.get(), "Nats-Msg-Id");
  out.data = std::string(payload(msg.get()));
  return out;
}

std::optional<StoredMsg> Connection::next_msg(const std::string& stream, const std::string& subject,
                                              std::uint64_t from) {
  // cnats 3.4 has no call for this request (js_DirectGetMsg needs allow_direct and may be
  // answered by a lagging replica), so it is sent as the JetStream API defines it.
  const std::string request = nlohmann::json{{"seq", from}, {"next_by_subj", subject}}.dump();
  const std::string api = "$JS.API.STREAM.MSG.GET." + stream;
  natsMsg* raw = nullptr;
  check(natsConnection_Request(&raw, nc_, api.c_str(), request.data(),
                               static_cast<int>(request.size()), request_wait_.count()),
        "STREAM.MSG.GET");
  MsgPtr reply(raw);
  return detail::parse_msg_get_reply(payload(reply.get()));
}

PubAck Connection::js_publish(const std::string& subject, std::string_view data,
                              const std::string& msg_id, std::uint64_t expect_last_subject_seq) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  po.MaxWait = request_wait_.count();
  po.ExpectLastSubjectSeq = expect_last_subject_seq;
  jsPubAck* raw = nullptr;
  jsErrCode jerr = jsErrCode(0);
  check(js_Publish(&raw, js_, subject.c_str(), data.data(), static_cast<int>(data.size()), &po,
                   &jerr),
        "js_Publish", jerr);
  std::unique_ptr<jsPubAck, void (*)(jsPubAck*)> ack(raw, jsPubAck_Destroy);
  PubAck out;
  if (raw) {
    out.stream = raw->Stream ? raw->Stream : "";
    out.stream_seq = raw->Sequence;
    out.duplicate = raw->Duplicate;
  }
  return out;
}

void Connection::purge_subject(const std::string& stream, const std::string& subject) {
  jsOptions o = request_options();
  o.Stream.Purge.Subject = subject.c_str();
  jsErrCode jerr = jsErrCode(0);
  check(js_PurgeStream(js_, stream.c_str(), &o, &jerr), "js_PurgeStream", jerr);
}

void Connection::delete_stream(const std::string& stream) {
  jsOptions o = request_options();
  jsErrCode jerr = jsErrCode(0);
  check(js_DeleteStream(js_, stream.c_str(), &o, &jerr), "js_DeleteStream", jerr);
}

void Connection::delete_consumer(const std::string& stream, const std::string& consumer) {
  jsOptions o = request_options();
  jsErrCode jerr = jsErrCode(0);
  check(js_DeleteConsumer(js_, stream.c_str(), consumer.c_str(), &o, &jerr), "js_DeleteConsumer",
        jerr);
}

}  // namespace bcp::bridge
