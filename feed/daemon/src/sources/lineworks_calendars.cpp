// The LINE WORKS calendar poller (lineworks_calendars.hpp). I/O thread only, except the GET's
// completion, which posts back.
#include "sources/lineworks_calendars.hpp"

#include <boost/asio/post.hpp>
#include <cstdio>

#include "bcp/daemon/log.hpp"
#include "bcp/lineworks/messages.hpp"
#include "pipeline/core.hpp"
#include "sources/calendar_service.hpp"

namespace bcp::daemon {

namespace {
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The window asked for: from a day back (an event that began yesterday and still runs) to
// 30 days ahead, 31 days in all, the longest LINE WORKS answers for one request.
constexpr std::chrono::hours kWindowBack{24};
constexpr std::chrono::hours kWindowAhead{30 * 24};

std::string why_failed(const LineWorksCalendars::Reply& r) {
  std::string why = r.status ? "status " + std::to_string(r.status) : std::string("no answer");
  if (!r.error.empty()) why += ": " + r.error;
  if (r.attempts > 1) why += " (" + std::to_string(r.attempts) + " attempts)";
  return why;
}
}  // namespace

LineWorksCalendars::LineWorksCalendars(Daemon::Core& core, CalendarService& calendars, Get get,
                                       milliseconds period, milliseconds min_spacing)
    : core_(core),
      calendars_(calendars),
      get_(std::move(get)),
      period_(std::max(period, milliseconds(1))),
      min_spacing_(min_spacing),
      timer_(core.ioc) {
  for (const config::Staff& s : core.town.staff) {
    if (s.lineworks_user) people_.push_back({s.id, *s.lineworks_user});
  }
}

std::string LineWorksCalendars::api_time(model::TimePoint t, int utc_offset_minutes) {
  const auto local =
      std::chrono::floor<std::chrono::seconds>(t) + std::chrono::minutes(utc_offset_minutes);
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss clock{local - day};
  const int offset = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), utc_offset_minutes < 0 ? '-' : '+',
                offset / 60, offset % 60);
  return buf;
}

std::string LineWorksCalendars::events_path(const std::string& user, model::TimePoint now,
                                            int utc_offset_minutes) {
  // percent_encode keeps only unreserved characters: the offset's '+' goes as %2B, as LINE
  // WORKS requires (a bare '+' would be read as a space), and ':' as the equivalent %3A.
  return "/users/" + lineworks::percent_encode(user) + "/calendar/events?fromDateTime=" +
         lineworks::percent_encode(api_time(now - kWindowBack, utc_offset_minutes)) +
         "&untilDateTime=" +
         lineworks::percent_encode(api_time(now + kWindowAhead, utc_offset_minutes));
}

void LineWorksCalendars::start() {
  if (people_.empty()) {
    log(LogLevel::info, "calendar",
        "no staff with a lineworks_user: no LINE WORKS calendar to read");
    return;
  }
  log(LogLevel::info, "calendar",
      "reading " + std::to_string(people_.size()) + " LINE WORKS calendars every " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(period_).count()) + " s");
  round_started_ = Steady::now();
  boost::asio::post(core_.ioc, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->next();
  });
}

void LineWorksCalendars::stop() {
  stopped_ = true;
  timer_.cancel();
}

void LineWorksCalendars::arm(Steady::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      run_guarded("calendar", "LINE WORKS calendar poll", [&] { self->next(); });
    }
  });
}

void LineWorksCalendars::next() {
  if (stopped_ || in_flight_) return;
  const auto now = Steady::now();
  if (next_ >= people_.size()) {
    // The round is done: the next starts one period after this one did.
    const auto next_round = round_started_ + period_;
    if (now < next_round) return arm(next_round);
    next_ = 0;
    first_round_ = false;
    round_started_ = now;
  }
  // Evenly over the period, never closer than min_spacing; the first round at min_spacing.
  const auto spacing =
      first_round_ ? min_spacing_ : std::max<milliseconds>(min_spacing_, period_ / people_.size());
  if (last_asked_ != Steady::time_point{} && now < last_asked_ + spacing)
    return arm(last_asked_ + spacing);

  const std::size_t index = next_++;
  last_asked_ = now;
  const Person& person = people_[index];
  const std::string path = events_path(person.user, core_.now(), core_.town.utc_offset_minutes);
  auto done = [weak = weak_from_this(), &ioc = core_.ioc, index](Reply reply) {
    // The client's thread: only hand the reply over.
    boost::asio::post(ioc, [weak, index, reply = std::move(reply)]() mutable {
      if (auto self = weak.lock()) {
        run_guarded("calendar", "LINE WORKS calendar answer",
                    [&] { self->on_reply(index, std::move(reply)); });
      }
    });
  };
  in_flight_ = true;
  if (!get_(path, std::move(done))) {
    in_flight_ = false;
    calendars_.read_failed(person.staff, "the API client's queue is full or stopping");
    return arm(Steady::now() + spacing);
  }
}

void LineWorksCalendars::on_reply(std::size_t index, Reply reply) {
  in_flight_ = false;
  if (stopped_) return;
  const Person& person = people_[index];
  if (reply.ok) {
    calendars_.take_polled(person.staff, person.user, std::move(reply.body));
  } else {
    calendars_.read_failed(person.staff, why_failed(reply));
  }
  next();
}

}  // namespace bcp::daemon
