// Staff calendars in the daemon: PUT /v1/staff/{id}/calendar stores a person's .ics in the
// journal's SQLite file, and the daemon turns what the calendars say into `staff.availability`
// events (source `calendar`) whenever a person's calendar-derived status changes, so walls
// and replay see it through the normal reducer and stream.
//
// Everything here runs on the I/O thread except the SQLite write of an import, which runs on
// a one-thread pool so a disk flush never holds up the walls.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/calendar/calendar.hpp"
#include "routes.hpp"

namespace bcp::daemon {

class CalendarService {
 public:
  explicit CalendarService(Daemon::Core& core);
  ~CalendarService();  // finishes a calendar write in flight
  CalendarService(const CalendarService&) = delete;
  CalendarService& operator=(const CalendarService&) = delete;

  // Every event, from replay and after each commit: remembers each person's latest
  // calendar-sourced availability, so only real changes are journaled, also after a restart.
  void observe(const model::Event& event);
  // After replay: reads the stored calendars. One that no longer parses (an older build
  // accepted it) is logged and left out; it never keeps the daemon from starting.
  void load();
  // Once the I/O thread runs: the first evaluation, then the timer.
  void start();
  void stop();  // cancels the timer (graceful shutdown)

  // Stores `ics` as `staff`'s calendar (replacing any), then journals the availability it
  // implies now if that differs from what was said before, and answers after both commits.
  void import(const RequestContext& ctx, std::string staff, std::string ics,
              calendar::Calendar parsed);

 private:
  // Availability events for everyone whose calendar-derived status differs from what was
  // last said (or only for `only`). Records them as said; notes the earliest next change.
  std::vector<model::Event> changes(model::TimePoint now, const std::string* only = nullptr);
  // Journals `events`; on failure forgets that they were said, so the next tick retries.
  void submit(std::vector<model::Event> events,
              std::function<void(std::optional<model::Seq>, std::exception_ptr)> done);
  void finish_import(const RequestContext& ctx, const std::string& staff,
                     const calendar::Calendar& parsed, std::exception_ptr stored_error);
  void tick();
  void schedule(model::TimePoint now);

  Daemon::Core& core_;
  calendar::Limits limits_;
  std::map<std::string, calendar::Calendar> calendars_;   // staff id -> calendar
  std::map<std::string, model::StaffAvailability> said_;  // last calendar-sourced status
  std::optional<model::TimePoint> next_change_;           // earliest `until` seen
  std::set<std::string> warned_truncated_;                // logged once per person
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  boost::asio::thread_pool store_{1};
};

// PUT /v1/staff/{id}/calendar (text/calendar; ingest or operator token).
void route_calendar_import(RequestContext& ctx, std::string_view staff);

}  // namespace bcp::daemon
