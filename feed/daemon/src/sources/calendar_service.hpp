// Staff calendars in the daemon: PUT /v1/staff/{id}/calendar stores a person's .ics in the
// journal's SQLite file, and the daemon turns what the calendars say into `staff.availability`
// events (source `calendar`) whenever a person's calendar-derived status changes, so walls
// and replay see it through the normal reducer and stream.
//
// Each calendar is evaluated (parsed and expanded by libical) into a Timeline covering the
// next 32 days, in worker processes (bcp/calendar/isolated.hpp) with a wall-clock budget per
// calendar: at import, at start-up, and once a day. Ticks only read the timelines, which
// takes microseconds, so neither an import nor a start-up nor a tick can stall /healthz or
// ingest, whatever the calendars hold.
//
// Calendars read from LINE WORKS (calendars.source "lineworks", lineworks_calendars.hpp) take
// the same path: each answer is turned into a VCALENDAR (bcp/calendar/lineworks_events.hpp)
// and evaluated like a stored .ics, so the same rules decide availability. They are not
// stored: the next poll reads them again, and what was journaled last stands meanwhile.
//
// Threads: the service's state belongs to the I/O thread. Three threads of its own drive the
// worker processes, one for imports, one for the stored calendars and one for the calendars
// read from LINE WORKS (so an import never waits behind the evaluation of everyone's
// calendar); they get copies of the texts and post their results back. SQLite writes of an
// import run on a fourth thread, so a disk flush never holds up the walls either.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/calendar/isolated.hpp"
#include "http/routes.hpp"

#include "bcp/daemon/pipeline/event_sink.hpp"

namespace bcp::daemon {

// An I/O-thread sink of the pipeline (what it said is remembered from the journal).
class CalendarService : public EventSink {
 public:
  explicit CalendarService(Daemon::Core& core);
  // Stops an evaluation in progress (its worker process is killed), finishes a write.
  ~CalendarService();
  CalendarService(const CalendarService&) = delete;
  CalendarService& operator=(const CalendarService&) = delete;

  // Every event, from replay and after each commit: remembers each person's latest
  // calendar-sourced availability, so only real changes are journaled, also after a restart.
  void observe(const model::Event& event);
  void on_committed(const std::vector<model::Event>& batch) override {
    for (const model::Event& e : batch) observe(e);
  }
  // Each person's latest calendar-sourced availability in the journal: what replay rebuilds
  // (said_ may run ahead of it by what is being journaled), for a start-up snapshot.
  const std::map<std::string, model::StaffAvailability>& journaled() const { return journaled_; }
  // Start-up from a snapshot, before any observe().
  void restore(std::map<std::string, model::StaffAvailability> journaled) {
    said_ = journaled;
    journaled_ = std::move(journaled);
  }
  // After replay: reads the stored calendars (evaluated in the background after start()).
  void load();
  // Once the I/O thread runs: the first evaluation of the stored calendars, then the timer.
  void start();
  void stop();  // cancels the timer and any evaluation (graceful shutdown)
  // Calendars are stored (after load(), or after an import): the "calendar" source exists.
  bool has_calendars() const { return !calendars_.empty(); }

  // Evaluates `ics` in a worker process (400 naming the line when the calendar cannot be
  // used or takes longer than the import budget), stores it as `staff`'s calendar (replacing
  // any), journals the availability it implies now if that differs from what was said
  // before, and answers after both commits.
  void import(RequestContext ctx, std::string staff, std::string ics);

  // LINE WORKS calendars (I/O thread). `body` is the events answer for `staff`, whose userId
  // is `user`: converted and evaluated off the I/O thread; then their availability is
  // journaled if it changed. An answer that cannot be used leaves the last known state and
  // marks the "calendar" source, like read_failed.
  void take_polled(std::string staff, std::string user, std::string body);
  // The API did not give `staff`'s calendar (`why`: a status or transport error, no content):
  // the last known state stays, and the "calendar" source is degraded until it is read again.
  void read_failed(const std::string& staff, std::string why);
  // Staff whose calendar comes from LINE WORKS: an .ics import for them is refused (409).
  bool read_from_lineworks(const std::string& staff) const;

 private:
  struct Entry {
    std::shared_ptr<const std::string> ics;
    std::uint64_t version = 0;                   // changes with every import
    std::optional<calendar::Timeline> timeline;  // none until first evaluated
    bool evaluating = false;                     // in the refresh thread's hands
    bool broken = false;          // the stored text no longer parses: left out until re-imported
    model::TimePoint retry_at{};  // after an evaluation that failed for time
    std::chrono::seconds backoff{0};
    bool warned_truncated = false;
    bool polled = false;       // read from LINE WORKS, not stored
    std::string read_problem;  // polled: why the last read failed (empty when it worked)
  };
  struct Pending {  // a stored calendar handed to the refresh thread
    std::string staff;
    std::uint64_t version;
    std::shared_ptr<const std::string> ics;
  };

  calendar::EvaluationOptions evaluation_options(model::TimePoint now, bool for_import) const;
  // Availability events for everyone whose calendar-derived status differs from what was
  // last said (or only for `only`). Records them as said; notes the earliest next change.
  std::vector<model::Event> changes(model::TimePoint now, const std::string* only = nullptr);
  // Journals `events`; on failure forgets that they were said, so the next tick retries.
  void submit(std::vector<model::Event> events,
              std::function<void(std::optional<model::Seq>, std::exception_ptr)> done);
  void refresh(model::TimePoint now);  // hands stale timelines to the refresh thread
  void on_refreshed(const std::vector<Pending>& batch, std::vector<calendar::Evaluation> results);
  // The "calendar" source (source_health.hpp): ok while every stored calendar is evaluated and
  // current; failed while one is left out (no longer readable) or waits for a retry.
  void report_health();
  void on_evaluated(RequestContext ctx, std::string staff, std::shared_ptr<const std::string> ics,
                    calendar::Evaluation evaluation, model::TimePoint evaluated_at);
  void finish_import(const RequestContext& ctx, const std::string& staff,
                     std::shared_ptr<const std::string> ics, calendar::Evaluation evaluation,
                     std::exception_ptr stored_error);
  void on_polled(const std::string& staff, std::optional<std::string> ics,
                 calendar::Evaluation evaluation, std::string problem);
  void tick();
  void schedule(model::TimePoint now);
  void arm(std::chrono::milliseconds delay);  // the tick timer

  Daemon::Core& core_;
  calendar::Limits limits_;
  std::map<std::string, Entry> calendars_;                // staff id -> calendar
  std::map<std::string, model::StaffAvailability> said_;  // last calendar-sourced status
  std::map<std::string, model::StaffAvailability> journaled_;  // the same, as journaled
  std::optional<model::TimePoint> next_change_;           // earliest `until` seen
  std::uint64_t versions_ = 0;
  std::size_t imports_in_flight_ = 0;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  std::atomic<bool> cancel_{false};  // read by the worker-driving threads
  boost::asio::thread_pool importer_{1};
  boost::asio::thread_pool refresher_{1};
  boost::asio::thread_pool poll_evaluator_{1};
  boost::asio::thread_pool store_{1};
};

// PUT /v1/staff/{id}/calendar (text/calendar; ingest or operator token).
void route_calendar_import(RequestContext& ctx, std::string_view staff);

}  // namespace bcp::daemon
