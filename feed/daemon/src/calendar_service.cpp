#include "calendar_service.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {

namespace {
// "At least every minute": a calendar with nothing ahead is still looked at, so a status
// that outlasts the look-ahead gets its `until` once it comes into view.
constexpr std::chrono::seconds kMaxTick{60};

std::string what_of(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "unknown error";
}
}  // namespace

CalendarService::CalendarService(Daemon::Core& core) : core_(core), timer_(core.ioc) {}

CalendarService::~CalendarService() { store_.join(); }

void CalendarService::observe(const model::Event& event) {
  const auto* a = std::get_if<model::StaffAvailability>(&event.body);
  if (a && a->source == model::AvailabilitySource::calendar) said_.insert_or_assign(a->staff, *a);
}

void CalendarService::load() {
  for (StoredCalendar& stored : core_.journal->calendars()) {
    if (!core_.situation.directory.find_staff(stored.staff)) {
      log(LogLevel::warning, "calendar",
          "stored calendar of " + stored.staff + " is left out: no such staff in the config");
      continue;
    }
    try {
      calendars_.insert_or_assign(stored.staff, calendar::parse_ics(stored.ics));
    } catch (const calendar::CalendarError& e) {
      log(LogLevel::warning, "calendar",
          "stored calendar of " + stored.staff + " is left out: " + e.what());
    }
  }
  if (!calendars_.empty()) {
    log(LogLevel::info, "calendar", "loaded " + std::to_string(calendars_.size()) + " calendars");
  }
}

void CalendarService::start() {
  boost::asio::post(core_.ioc, [this] { tick(); });
}

void CalendarService::stop() {
  stopped_ = true;
  timer_.cancel();
}

std::vector<model::Event> CalendarService::changes(model::TimePoint now, const std::string* only) {
  std::vector<model::Event> out;
  const int offset = core_.situation.directory.utc_offset_minutes;
  for (const auto& [staff, cal] : calendars_) {
    if (only && staff != *only) continue;
    calendar::CalendarStatus status = calendar::status_at(cal, now, offset, limits_);
    if (status.truncated && warned_truncated_.insert(staff).second) {
      log(LogLevel::warning, "calendar",
          "calendar of " + staff + " has more instances than the limits allow; some are not seen");
    }
    if (status.until && (!next_change_ || *status.until < *next_change_)) {
      next_change_ = status.until;
    }
    model::StaffAvailability derived{staff, status.status.value_or(model::Availability::unknown),
                                     status.until, status.note,
                                     model::AvailabilitySource::calendar};
    auto said = said_.find(staff);
    // Free time with nothing said before needs no event: the calendar adds nothing.
    if (said == said_.end() ? !status.status : said->second == derived) continue;
    said_.insert_or_assign(staff, derived);
    model::Event e;
    e.at = now;
    e.body = std::move(derived);
    out.push_back(std::move(e));
  }
  return out;
}

void CalendarService::submit(
    std::vector<model::Event> events,
    std::function<void(std::optional<model::Seq>, std::exception_ptr)> done) {
  if (events.empty()) {
    if (done) done(std::nullopt, nullptr);
    return;
  }
  std::vector<std::string> staff;
  for (const model::Event& e : events)
    staff.push_back(std::get<model::StaffAvailability>(e.body).staff);
  core_.submit(std::move(events), [this, staff, done = std::move(done)](
                                      std::vector<model::Event> committed,
                                      std::exception_ptr error) {
    if (error || committed.empty()) {
      if (!error) error = std::make_exception_ptr(JournalError("nothing committed"));
      log(LogLevel::warning, "calendar", "availability not journaled, retried: " + what_of(error));
      // Unknown what the journal holds for them now: the next tick says it again.
      for (const std::string& s : staff) said_.erase(s);
      if (done) done(std::nullopt, error);
      return;
    }
    if (done) done(committed.front().seq, nullptr);
  });
}

void CalendarService::tick() {
  if (stopped_) return;
  const model::TimePoint now = core_.now();
  next_change_.reset();
  submit(changes(now), nullptr);
  schedule(now);
}

void CalendarService::schedule(model::TimePoint now) {
  if (stopped_) return;
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxTick);
  if (next_change_) {
    // A few milliseconds late rather than early: at `until` itself the status has changed.
    delay = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next_change_ - now) +
                           std::chrono::milliseconds(5),
                       std::chrono::milliseconds(0), delay);
  }
  timer_.expires_after(delay);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void CalendarService::import(const RequestContext& ctx, std::string staff, std::string ics,
                             calendar::Calendar parsed) {
  StoredCalendar stored{std::move(staff), std::move(ics), core_.now()};
  boost::asio::post(store_, [this, ctx, stored = std::move(stored), parsed]() {
    std::exception_ptr error;
    try {
      core_.journal->put_calendar(stored);
    } catch (...) {
      error = std::current_exception();
    }
    boost::asio::post(core_.ioc, [this, ctx, staff = stored.staff, parsed, error] {
      finish_import(ctx, staff, parsed, error);
    });
  });
}

void CalendarService::finish_import(const RequestContext& ctx, const std::string& staff,
                                    const calendar::Calendar& parsed,
                                    std::exception_ptr stored_error) {
  if (stored_error) {
    return ctx.refuse(http::status::service_unavailable, RefusalReason::journal,
                      "journal could not store the calendar: " + what_of(stored_error));
  }
  calendars_.insert_or_assign(staff, parsed);
  warned_truncated_.erase(staff);
  log(LogLevel::info, "calendar",
      "calendar of " + staff + " imported (" + std::to_string(parsed.total_events()) + " events)");
  const model::TimePoint now = core_.now();
  std::vector<model::Event> events = changes(now, &staff);
  calendar::CalendarStatus status =
      calendar::status_at(parsed, now, core_.situation.directory.utc_offset_minutes, limits_);
  nlohmann::json answer = {{"staff", staff},
                           {"events", parsed.total_events()},
                           {"busy_events", parsed.busy_events()},
                           {"status", nullptr}};
  if (status.status) answer["status"] = model::to_string(*status.status);
  if (status.until) answer["until"] = model::format_time(*status.until);
  submit(std::move(events), [this, ctx, answer, now](std::optional<model::Seq> seq,
                                                     std::exception_ptr error) mutable {
    if (error) {
      return ctx.refuse(http::status::service_unavailable, RefusalReason::journal,
                        "calendar stored, but its availability could not be journaled (it is "
                        "retried): " +
                            what_of(error));
    }
    if (seq) answer["seq"] = *seq;
    ctx.reply(http::status::ok, answer);
  });
  // The new calendar may change sooner than the timer was set for (changes() took its
  // `until` into next_change_).
  schedule(now);
}

}  // namespace bcp::daemon
