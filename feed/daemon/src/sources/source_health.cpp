#include "sources/source_health.hpp"

#include <array>
#include <boost/asio/post.hpp>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {
namespace {

constexpr std::string_view kSourcesLog = "sources";
constexpr std::array<model::SourceHealth, 4> kStates{
    model::SourceHealth::ok, model::SourceHealth::quiet, model::SourceHealth::degraded,
    model::SourceHealth::failing};

// A failure's reason is a short description of what went wrong, never content; the bound
// keeps a long error text (an exception's message) from travelling to every wall.
std::string bounded(std::string why) {
  if (why.size() > 120) why.resize(120);
  return why;
}

}  // namespace

SourceMonitor::SourceMonitor(boost::asio::io_context& ioc, config::SourceHealthSettings settings,
                             std::function<model::TimePoint()> now, Journal journal)
    : ioc_(ioc),
      settings_(settings),
      now_(std::move(now)),
      journal_(std::move(journal)),
      timer_(ioc) {}

void SourceMonitor::add(std::string source, Kind kind) {
  Tracked t;
  t.kind = kind;
  t.current.source = source;
  // Added while running (the first calendar import): its state begins now.
  if (started_ != model::TimePoint{}) t.current.since = now_();
  sources_.emplace(std::move(source), std::move(t));
}

void SourceMonitor::add_probe(std::string source, std::function<Probe()> probe) {
  add(source, Kind::polled);
  probes_.emplace(std::move(source), std::move(probe));
}

void SourceMonitor::restore(const std::map<std::string, model::SourceState>& journaled) {
  for (auto& [name, t] : sources_) {
    auto it = journaled.find(name);
    if (it == journaled.end()) continue;
    t.journaled = it->second;
    // A pushed source's silence is counted from this start: the journal does not hold every
    // callback's time, only the last change.
    if (t.kind == Kind::pushed) continue;
    t.current = it->second;
    // Still failing after a restart until an attempt succeeds, and since the same moment.
    if (t.kind == Kind::polled && (it->second.state == model::SourceHealth::degraded ||
                                   it->second.state == model::SourceHealth::failing)) {
      t.failing_since = it->second.since;
      t.failures = 1;
    }
  }
}

void SourceMonitor::start() {
  started_ = now_();
  for (auto& [name, t] : sources_) {
    if (!t.journaled) t.current.since = started_;
    evaluate(t, started_);
  }
  // A source the journal says is failing or quiet but that this config no longer has is
  // left as it is: removing it from town.json and restarting does not journal anything.
  journal_changes();
  schedule();
}

void SourceMonitor::stop() {
  stopped_ = true;
  timer_.cancel();
}

void SourceMonitor::schedule() {
  if (stopped_) return;
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    for (const auto& [name, probe] : probes_) {
      const Probe p = probe();
      if (p.result == Probe::Result::ok) succeeded(name);
      if (p.result == Probe::Result::failed) failed(name, p.why);
    }
    const model::TimePoint now = now_();
    for (auto& [name, t] : sources_) evaluate(t, now);
    journal_changes();
    schedule();
  });
}

void SourceMonitor::succeeded(std::string_view source) {
  auto it = sources_.find(source);
  if (it == sources_.end()) return;
  Tracked& t = it->second;
  const model::TimePoint now = now_();
  t.current.last_ok = now;
  if (t.failing_since) {
    log(LogLevel::info, kSourcesLog,
        std::string(source) + ": working again after " + std::to_string(t.failures) +
            " failure(s)");
  }
  t.failing_since.reset();
  t.failures = 0;
  evaluate(t, now);
  journal_changes();
}

void SourceMonitor::failed(std::string_view source, std::string why) {
  auto it = sources_.find(source);
  if (it == sources_.end()) return;
  Tracked& t = it->second;
  const model::TimePoint now = now_();
  if (!t.failing_since) t.failing_since = now;
  ++t.failures;
  t.current.why = bounded(std::move(why));
  evaluate(t, now);
  journal_changes();
}

void SourceMonitor::evaluate(Tracked& t, model::TimePoint now) {
  using State = model::SourceHealth;
  State state = State::ok;
  model::TimePoint since = now;
  if (t.kind == Kind::polled && t.failing_since) {
    since = *t.failing_since;
    state = now - since >= std::chrono::seconds(settings_.failing_after_seconds) ? State::failing
                                                                                 : State::degraded;
  } else if (t.kind == Kind::pushed) {
    const model::TimePoint last = t.current.last_ok.value_or(started_);
    if (now - last >= std::chrono::seconds(settings_.quiet_after_seconds)) {
      state = State::quiet;
      since = last;
    }
  }
  if (state == State::ok || state == State::quiet) t.current.why.reset();
  if (state != t.current.state) {
    // degraded -> failing is the same run of failures: it keeps its start.
    t.current.since = since;
    t.current.state = state;
  }
}

// What the journal (and so the wall) is told: ok, quiet or failing. Degraded -- failing for
// less than the threshold -- is in /healthz and /metrics only: a single failed poll must not
// write two events and flicker on every wall. A source never out of ok journals nothing.
model::SourceHealth SourceMonitor::journaled_view(model::SourceHealth s) {
  return s == model::SourceHealth::degraded ? model::SourceHealth::ok : s;
}

void SourceMonitor::journal_changes() {
  if (stopped_) return;
  for (auto& [name, t] : sources_) {
    const model::SourceHealth told = t.journaled ? t.journaled->state : model::SourceHealth::ok;
    if (t.in_flight || told == journaled_view(t.current.state)) continue;
    t.in_flight = true;
    model::SourceState said = t.current;
    said.state = journaled_view(t.current.state);
    model::Event event;
    event.at = now_();
    event.body = said;
    log(t.current.state == model::SourceHealth::failing ? LogLevel::warning : LogLevel::info,
        kSourcesLog,
        name + ": " + std::string(model::to_string(t.current.state)) +
            (t.current.why ? " (" + *t.current.why + ")" : ""));
    journal_(std::move(event), [this, name, said](bool committed) {
      auto it = sources_.find(name);
      if (it == sources_.end()) return;
      it->second.in_flight = false;
      // Not committed: the next tick says it again.
      if (committed) it->second.journaled = said;
      if (committed) journal_changes();
    });
  }
}

std::optional<model::SourceState> SourceMonitor::state_of(std::string_view source) const {
  auto it = sources_.find(source);
  if (it == sources_.end()) return std::nullopt;
  return it->second.current;
}

nlohmann::json SourceMonitor::detail() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, t] : sources_) {
    nlohmann::json s = {{"state", std::string(model::to_string(t.current.state))},
                        {"since", model::format_time(t.current.since)},
                        {"kind", t.kind == Kind::polled ? "polled" : "pushed"}};
    if (t.current.why) s["why"] = *t.current.why;
    if (t.current.last_ok) s["last_ok"] = model::format_time(*t.current.last_ok);
    if (t.kind == Kind::polled) s["failures"] = t.failures;
    out[name] = std::move(s);
  }
  return out;
}

std::string SourceMonitor::prometheus_text() const {
  if (sources_.empty()) return {};
  std::string out =
      "# HELP bcp_source_state 1 for the state each outside source is in, 0 for the others.\n"
      "# TYPE bcp_source_state gauge\n";
  for (const auto& [name, t] : sources_) {
    for (model::SourceHealth s : kStates) {
      out += "bcp_source_state{source=\"" + name + "\",state=\"" +
             std::string(model::to_string(s)) + "\"} " + (t.current.state == s ? "1" : "0") + "\n";
    }
  }
  return out;
}

}  // namespace bcp::daemon
