// The health of every outside source the daemon depends on (docs/protocol.md "Source health"):
// ok / quiet / degraded / failing, since when and why (never content). Each change of state is
// journaled as a `source.state` event, so walls and replays see it through the reducer; the
// current detail is in /healthz `sources` and /metrics `bcp_source_state{source,state}`.
//
// Two kinds of source:
//  - polled (the JMA poller; the NATS bridge through a probe; the LINE WORKS API once the
//    daemon drives it): each attempt reports succeeded() or failed(). A failure makes the
//    source degraded at once and failing once the failures have lasted
//    `failing_after_seconds`; the first success makes it ok again.
//  - pushed (LINE WORKS callbacks): the outside speaks when it has something to say. Silence
//    for `quiet_after_seconds` makes it quiet, which is shown but is not a fault.
//
// Thread: the I/O thread only (the tracker's timer and every report run there).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bcp/config/config.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

class SourceMonitor {
 public:
  enum class Kind { polled, pushed };

  // `journal` is Core::submit: the tracker's events go through the same commit as any other.
  using Journal = std::function<void(model::Event, std::function<void(bool committed)>)>;
  SourceMonitor(boost::asio::io_context& ioc, config::SourceHealthSettings settings,
                std::function<model::TimePoint()> now, Journal journal);

  // The sources this daemon has (only configured ones are added), before start(); one that
  // comes into being later (the first calendar import) may be added while running.
  void add(std::string source, Kind kind);
  // After the journal's replay: the journaled states, so a restart keeps "failing since".
  void restore(const std::map<std::string, model::SourceState>& journaled);
  // Journals the initial states that differ from the journal's, then re-evaluates every
  // second (a threshold passes without any report).
  void start();
  void stop();

  // A polled source that has no attempts of its own to report (the NATS bridge's publisher
  // thread): asked every second. `unknown` reports nothing (e.g. still connecting at start).
  struct Probe {
    enum class Result { ok, failed, unknown } result = Result::unknown;
    std::string why;
  };
  void add_probe(std::string source, std::function<Probe()> probe);

  void succeeded(std::string_view source);
  void failed(std::string_view source, std::string why);

  bool has(std::string_view source) const { return sources_.contains(std::string(source)); }
  // GET /healthz "sources": {"jma": {"state", "since", "why", "last_ok", "failures"}, ...}
  nlohmann::json detail() const;
  // The bcp_source_state family (docs/protocol.md "Health and metrics").
  std::string prometheus_text() const;
  // The current state of one source (tests, /healthz).
  std::optional<model::SourceState> state_of(std::string_view source) const;

 private:
  struct Tracked {
    Kind kind = Kind::polled;
    model::SourceState current;                     // what the rules say now
    std::optional<model::TimePoint> failing_since;  // first failure of the current run
    std::uint64_t failures = 0;                     // consecutive, in the current run
    std::optional<model::SourceState> journaled;    // the last state the journal holds
    bool in_flight = false;                         // a source.state commit not answered yet
  };

  static model::SourceHealth journaled_view(model::SourceHealth s);
  void evaluate(Tracked& t, model::TimePoint now);
  void journal_changes();
  void schedule();

  boost::asio::io_context& ioc_;
  config::SourceHealthSettings settings_;
  std::function<model::TimePoint()> now_;
  Journal journal_;
  boost::asio::steady_timer timer_;
  model::TimePoint started_{};
  bool stopped_ = false;
  std::map<std::string, Tracked, std::less<>> sources_;
  std::map<std::string, std::function<Probe()>, std::less<>> probes_;
};

}  // namespace bcp::daemon
