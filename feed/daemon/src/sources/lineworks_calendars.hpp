// Reads staff calendars from LINE WORKS (calendars.source "lineworks"; docs/operations.md
// "Staff calendars"): for each roster member with a lineworks_user,
//   GET {api_url}/users/{userId}/calendar/events?fromDateTime=…&untilDateTime=…
// (a day back, 30 days ahead: 31 days, the API's longest window; times in the town's offset,
// `+` sent as %2B) through the bot's API client, so the reads share its token, its pacing at
// messages_per_minute and its 401/429/5xx rules, and queue behind its sends. The answers go to
// the CalendarService, which evaluates them like .ics files and journals availability changes.
//
// Pace: one person at a time, never more than one read in flight. A round asks everyone
// once; rounds start every poll period. Within a round the reads are spread evenly over the
// period, but never closer than two per messages_per_minute slot (half the rate limit, as
// LINE WORKS advises for sustained use), so the bot keeps room for a roll call. The first
// round after start-up goes at that closest spacing, so the board is filled soon after a
// restart (300 staff at 240/min: 150 s).
//
// A read that fails (5xx or timeouts after the client's retries, 401 after a renewed token,
// 4xx, a full queue) keeps that person's last known state and marks the "calendar" source.
//
// Threads: the I/O thread owns all of it (its timer and state); the client's completion runs
// on the client's thread and only posts back here (through a weak pointer: a poller gone
// meanwhile is simply not told).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {

class CalendarService;

class LineWorksCalendars : public std::enable_shared_from_this<LineWorksCalendars> {
 public:
  // What one GET gave (the API client's GetResult, reduced to what is needed here).
  struct Reply {
    bool ok = false;  // a 2xx answer with its body
    int status = 0;   // HTTP status of the last answer, 0 when none came
    int attempts = 0;
    std::string body;
    std::string error;  // why it failed; never content
  };
  // Queues one GET of `path` (after api_url); `done` runs once, on any thread. False when it
  // cannot be queued now (then `done` never runs).
  using Get = std::function<bool(std::string path, std::function<void(Reply)> done)>;

  // `period`: calendars.poll_seconds, or a test's shorter one. `min_spacing`: the closest two
  // reads may follow each other (see the top).
  LineWorksCalendars(Daemon::Core& core, CalendarService& calendars, Get get,
                     std::chrono::milliseconds period, std::chrono::milliseconds min_spacing);

  void start();  // I/O thread: the first round begins at once
  void stop();   // I/O thread: no new reads (one in flight is let go)

  // The request path for `user` at `now` in a town `utc_offset_minutes` from UTC.
  static std::string events_path(const std::string& user, model::TimePoint now,
                                 int utc_offset_minutes);
  // `t` as LINE WORKS takes it, "2026-12-03T10:00:00+09:00", in the given offset.
  static std::string api_time(model::TimePoint t, int utc_offset_minutes);

 private:
  struct Person {
    std::string staff;
    std::string user;
  };
  void next();  // asks the next person, or waits for the next round
  void arm(std::chrono::steady_clock::time_point at);
  void on_reply(std::size_t index, Reply reply);

  Daemon::Core& core_;
  CalendarService& calendars_;
  Get get_;
  std::chrono::milliseconds period_, min_spacing_;
  std::vector<Person> people_;
  boost::asio::steady_timer timer_;
  std::size_t next_ = 0;  // index of the next person in this round
  // Pacing runs on the steady clock (a test's fixed daemon clock only dates the window).
  std::chrono::steady_clock::time_point round_started_{}, last_asked_{};
  bool first_round_ = true;
  bool in_flight_ = false;
  bool stopped_ = false;
};

}  // namespace bcp::daemon
