#include "sources/calendar_service.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "bcp/calendar/lineworks_events.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {

namespace {
using std::chrono::duration_cast;
using std::chrono::milliseconds;

// "At least every minute": a calendar with nothing ahead is still looked at, so a status
// that outlasts the look-ahead gets its `until` once it comes into view.
constexpr std::chrono::seconds kMaxTick{60};
// Timelines are re-evaluated once a day; each covers the look-ahead and that day.
constexpr std::chrono::hours kRefreshEvery{24};
// Wall-clock budget of one calendar's evaluation. Real calendars take milliseconds; a stored
// one (accepted once) gets more, so that a busy machine does not leave it out.
constexpr milliseconds kImportBudget{3000};
constexpr milliseconds kStoredBudget{6000};
// A stored calendar whose evaluation ran over is tried again after this, doubling up to a
// few hours (its old timeline, if any, still answers meanwhile).
constexpr std::chrono::seconds kFirstRetry{300};
constexpr std::chrono::seconds kMaxRetry{6 * 3600};
// Imports waiting for or in a worker at once; more are answered 429.
constexpr std::size_t kMaxImportsInFlight = 8;

std::string what_of(std::exception_ptr error) {
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "unknown error";
}

std::string minutes_text(std::chrono::seconds s) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(s).count()) + " min";
}
}  // namespace

CalendarService::CalendarService(Daemon::Core& core) : core_(core), timer_(core.ioc) {}

CalendarService::~CalendarService() {
  cancel_ = true;
  importer_.join();
  refresher_.join();
  poll_evaluator_.join();
  store_.join();
}

void CalendarService::observe(const model::Event& event) {
  const auto* a = std::get_if<model::StaffAvailability>(&event.body);
  if (a && a->source == model::AvailabilitySource::calendar) {
    said_.insert_or_assign(a->staff, *a);
    journaled_.insert_or_assign(a->staff, *a);
  }
}

void CalendarService::load() {
  for (StoredCalendar& stored : core_.journal->calendars()) {
    if (!core_.situation.directory.find_staff(stored.staff)) {
      log(LogLevel::warning, "calendar",
          "stored calendar of " + stored.staff + " is left out: no such staff in the config");
      continue;
    }
    Entry entry;
    entry.ics = std::make_shared<const std::string>(std::move(stored.ics));
    entry.version = ++versions_;
    calendars_.insert_or_assign(stored.staff, std::move(entry));
  }
  if (!calendars_.empty()) {
    log(LogLevel::info, "calendar",
        "loaded " + std::to_string(calendars_.size()) + " calendars (evaluated in the background)");
  }
}

void CalendarService::start() {
  boost::asio::post(core_.ioc, [this] { tick(); });
}

void CalendarService::stop() {
  stopped_ = true;
  cancel_ = true;
  timer_.cancel();
}

calendar::EvaluationOptions CalendarService::evaluation_options(model::TimePoint now,
                                                                bool for_import) const {
  calendar::EvaluationOptions o;
  o.from = now;
  o.span = duration_cast<std::chrono::seconds>(limits_.lookahead + kRefreshEvery);
  o.utc_offset_minutes = core_.situation.directory.utc_offset_minutes;
  o.limits = limits_;
  // An import that cannot be followed fully is refused; a stored one is used as far as the
  // limits allow (and said so in the log), since refusing is no longer possible.
  o.limits.strict = for_import;
  o.budget = for_import ? kImportBudget : kStoredBudget;
  return o;
}

std::vector<model::Event> CalendarService::changes(model::TimePoint now, const std::string* only) {
  std::vector<model::Event> out;
  const auto lookahead = duration_cast<std::chrono::seconds>(limits_.lookahead);
  for (auto& [staff, entry] : calendars_) {
    if (only && staff != *only) continue;
    // Not evaluated yet, or out of date for longer than the refresh could catch up: the
    // calendar says nothing new; what was said last stands until its own `until`.
    if (!entry.timeline || !entry.timeline->covers(now)) continue;
    calendar::CalendarStatus status = calendar::status_at(*entry.timeline, now, lookahead);
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
  refresh(now);
  submit(changes(now), nullptr);
  schedule(now);
}

void CalendarService::schedule(model::TimePoint now) {
  if (stopped_) return;
  auto delay = duration_cast<milliseconds>(kMaxTick);
  if (next_change_) {
    // A few milliseconds late rather than early: at `until` itself the status has changed.
    delay = std::clamp(duration_cast<milliseconds>(*next_change_ - now) + milliseconds(5),
                       milliseconds(0), delay);
  }
  arm(delay);
}

void CalendarService::arm(std::chrono::milliseconds delay) {
  if (stopped_) return;
  timer_.expires_after(delay);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    // A tick that throws must not end the ticking: the next one, a second later, is the retry.
    if (!run_guarded("calendar", "calendar tick", [this] { tick(); })) arm(std::chrono::seconds(1));
  });
}

// ---- stored calendars: start-up and the daily refresh ---------------------------------------

void CalendarService::refresh(model::TimePoint now) {
  std::vector<Pending> batch;
  for (auto& [staff, entry] : calendars_) {
    // A LINE WORKS calendar is refreshed by its next poll, not from a text kept here.
    if (entry.polled || !entry.ics) continue;
    if (entry.broken || entry.evaluating || now < entry.retry_at) continue;
    if (entry.timeline && now < entry.timeline->from + kRefreshEvery) continue;
    entry.evaluating = true;
    batch.push_back({staff, entry.version, entry.ics});
  }
  if (batch.empty()) return;
  boost::asio::post(refresher_, [this, batch = std::move(batch),
                                 options = evaluation_options(now, false)]() mutable {
    std::vector<std::string_view> texts;
    for (const Pending& p : batch) texts.push_back(*p.ics);
    std::vector<calendar::Evaluation> results =
        calendar::evaluate_isolated(texts, options, &cancel_);
    boost::asio::post(core_.ioc,
                      [this, batch = std::move(batch), results = std::move(results)]() mutable {
                        on_refreshed(batch, std::move(results));
                      });
  });
}

void CalendarService::on_refreshed(const std::vector<Pending>& batch,
                                   std::vector<calendar::Evaluation> results) {
  const model::TimePoint now = core_.now();
  for (std::size_t i = 0; i < batch.size() && i < results.size(); ++i) {
    auto it = calendars_.find(batch[i].staff);
    // Re-imported meanwhile: the new calendar's own evaluation counts, not this one.
    if (it == calendars_.end() || it->second.version != batch[i].version) continue;
    Entry& entry = it->second;
    calendar::Evaluation& e = results[i];
    entry.evaluating = false;
    using Outcome = calendar::Evaluation::Outcome;
    if (e.outcome == Outcome::ok) {
      entry.timeline = std::move(e.timeline);
      entry.backoff = {};
      if (entry.timeline->truncated && !entry.warned_truncated) {
        entry.warned_truncated = true;
        log(LogLevel::warning, "calendar",
            "calendar of " + batch[i].staff +
                " is followed only partly: " + entry.timeline->truncated_at);
      }
    } else if (e.outcome == Outcome::invalid) {
      entry.broken = true;
      entry.timeline.reset();
      log(LogLevel::warning, "calendar",
          "stored calendar of " + batch[i].staff + " is left out: " + e.error);
    } else if (e.outcome != Outcome::unavailable || !stopped_) {
      entry.backoff = std::min(kMaxRetry, entry.backoff.count() ? entry.backoff * 2 : kFirstRetry);
      entry.retry_at = now + entry.backoff;
      log(LogLevel::warning, "calendar",
          "stored calendar of " + batch[i].staff + " could not be evaluated (" + e.error +
              "); tried again in " + minutes_text(entry.backoff));
    }
  }
  if (stopped_) return;
  report_health();
  next_change_.reset();
  submit(changes(now), nullptr);
  schedule(now);
}

void CalendarService::report_health() {
  std::size_t left_out = 0, retrying = 0, unread = 0, polled = 0;
  const std::string* first_problem = nullptr;
  for (const auto& [staff, entry] : calendars_) {
    if (entry.polled) ++polled;
    if (entry.polled && !entry.read_problem.empty()) {
      if (unread++ == 0) first_problem = &entry.read_problem;
    } else if (entry.broken) {
      ++left_out;
    } else if (entry.backoff.count() > 0) {
      ++retrying;
    }
  }
  const std::string of = " of " + std::to_string(calendars_.size()) + " stored calendars";
  if (unread > 0) {
    core_.sources->failed("calendar", std::to_string(unread) + " of " + std::to_string(polled) +
                                          " LINE WORKS calendars could not be read (" +
                                          *first_problem + "); their last known states stay");
  } else if (left_out > 0) {
    core_.sources->failed("calendar", std::to_string(left_out) + of +
                                          " left out (cannot be used; import again)");
  } else if (retrying > 0) {
    core_.sources->failed("calendar", std::to_string(retrying) + of +
                                          " could not be evaluated in time (retried)");
  } else {
    core_.sources->succeeded("calendar");
  }
}

// ---- imports ----------------------------------------------------------------------------------

void CalendarService::import(RequestContext ctx, std::string staff, std::string ics) {
  if (read_from_lineworks(staff)) {
    return ctx.refuse(http::status::conflict, RefusalReason::conflict,
                      "the calendar of " + staff +
                          " is read from LINE WORKS (calendars.source \"lineworks\"); an .ics "
                          "upload would contradict it");
  }
  if (imports_in_flight_ >= kMaxImportsInFlight) {
    return ctx.refuse(http::status::too_many_requests, RefusalReason::rate_limited,
                      "too many calendar imports in progress; retry in a few seconds");
  }
  ++imports_in_flight_;
  auto text = std::make_shared<const std::string>(std::move(ics));
  const model::TimePoint now = core_.now();
  // The context moves from thread to thread and is dropped on the I/O thread, where the
  // connection it answers lives.
  boost::asio::post(importer_, [this, ctx = std::move(ctx), staff = std::move(staff), text, now,
                                options = evaluation_options(now, true)]() mutable {
    calendar::Evaluation evaluation = calendar::evaluate_isolated({*text}, options, &cancel_)[0];
    boost::asio::post(core_.ioc, [this, ctx = std::move(ctx), staff = std::move(staff), text,
                                  evaluation = std::move(evaluation), now]() mutable {
      on_evaluated(std::move(ctx), std::move(staff), text, std::move(evaluation), now);
    });
  });
}

void CalendarService::on_evaluated(RequestContext ctx, std::string staff,
                                   std::shared_ptr<const std::string> ics,
                                   calendar::Evaluation evaluation, model::TimePoint evaluated_at) {
  --imports_in_flight_;
  using Outcome = calendar::Evaluation::Outcome;
  switch (evaluation.outcome) {
    case Outcome::ok:
      break;
    case Outcome::unavailable:
      return ctx.refuse(http::status::service_unavailable, RefusalReason::journal,
                        "calendar could not be evaluated now (" + evaluation.error + "); retry");
    default:  // invalid, over budget, crashed its worker: the file is to blame
      return ctx.refuse(http::status::bad_request, RefusalReason::malformed,
                        "calendar: " + evaluation.error);
  }
  StoredCalendar stored{staff, *ics, evaluated_at};
  boost::asio::post(store_, [this, ctx = std::move(ctx), stored = std::move(stored), ics,
                             evaluation = std::move(evaluation)]() mutable {
    std::exception_ptr error;
    try {
      core_.journal->put_calendar(stored);
    } catch (...) {
      error = std::current_exception();
    }
    boost::asio::post(core_.ioc, [this, ctx = std::move(ctx), staff = std::move(stored.staff), ics,
                                  evaluation = std::move(evaluation), error]() mutable {
      finish_import(ctx, staff, ics, std::move(evaluation), error);
    });
  });
}

void CalendarService::finish_import(const RequestContext& ctx, const std::string& staff,
                                    std::shared_ptr<const std::string> ics,
                                    calendar::Evaluation evaluation,
                                    std::exception_ptr stored_error) {
  if (stored_error) {
    return ctx.refuse(http::status::service_unavailable, RefusalReason::journal,
                      "journal could not store the calendar: " + what_of(stored_error));
  }
  Entry entry;
  entry.ics = std::move(ics);
  entry.version = ++versions_;
  entry.timeline = std::move(evaluation.timeline);
  calendars_.insert_or_assign(staff, std::move(entry));
  // The first calendar makes calendars a source; a re-import may end a left-out one's failure.
  if (!core_.sources->has("calendar")) core_.sources->add("calendar", SourceMonitor::Kind::polled);
  report_health();
  log(LogLevel::info, "calendar",
      "calendar of " + staff + " imported (" + std::to_string(evaluation.events) + " events)");
  const model::TimePoint now = core_.now();
  std::vector<model::Event> events = changes(now, &staff);
  calendar::CalendarStatus status = calendar::status_at(
      *calendars_.at(staff).timeline, now, duration_cast<std::chrono::seconds>(limits_.lookahead));
  nlohmann::json answer = {{"staff", staff},
                           {"events", evaluation.events},
                           {"busy_events", evaluation.busy_events},
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

// ---- calendars read from LINE WORKS ---------------------------------------------------------

bool CalendarService::read_from_lineworks(const std::string& staff) const {
  if (core_.town.calendars.source != config::Calendars::Source::lineworks) return false;
  const config::Staff* s = core_.town.find_staff(staff);
  return s && s->lineworks_user;
}

void CalendarService::take_polled(std::string staff, std::string user, std::string body) {
  if (stopped_) return;
  const model::TimePoint now = core_.now();
  boost::asio::post(poll_evaluator_, [this, staff = std::move(staff), user = std::move(user),
                                      body = std::move(body),
                                      options = evaluation_options(now, false)]() mutable {
    std::string problem;
    std::optional<std::string> ics;
    calendar::Evaluation evaluation;
    if (auto converted = calendar::lineworks_calendar_to_ics(body, user, problem)) {
      ics = std::move(converted->ics);
      evaluation = calendar::evaluate_isolated({*ics}, options, &cancel_)[0];
    }
    boost::asio::post(core_.ioc, [this, staff = std::move(staff), ics = std::move(ics),
                                  evaluation = std::move(evaluation),
                                  problem = std::move(problem)]() mutable {
      on_polled(staff, std::move(ics), std::move(evaluation), std::move(problem));
    });
  });
}

void CalendarService::on_polled(const std::string& staff, std::optional<std::string> ics,
                                calendar::Evaluation evaluation, std::string problem) {
  if (stopped_) return;
  using Outcome = calendar::Evaluation::Outcome;
  if (ics && evaluation.outcome != Outcome::ok) problem = evaluation.error;
  if (!ics || evaluation.outcome != Outcome::ok) {
    // What LINE WORKS said cannot be used: never guess, keep what was said last.
    read_failed(staff, "the answer cannot be used: " + problem);
    return;
  }
  Entry& entry = calendars_[staff];
  const bool was_failing = !entry.read_problem.empty();
  entry = Entry{};
  entry.polled = true;
  entry.ics = std::make_shared<const std::string>(std::move(*ics));
  entry.version = ++versions_;
  entry.timeline = std::move(evaluation.timeline);
  if (was_failing) log(LogLevel::info, "calendar", "calendar of " + staff + " read from LINE WORKS again");
  if (entry.timeline->truncated) {
    entry.warned_truncated = true;
    log(LogLevel::warning, "calendar",
        "calendar of " + staff + " is followed only partly: " + entry.timeline->truncated_at);
  }
  report_health();
  const model::TimePoint now = core_.now();
  submit(changes(now, &staff), nullptr);
  schedule(now);
}

void CalendarService::read_failed(const std::string& staff, std::string why) {
  if (stopped_) return;
  Entry& entry = calendars_[staff];
  entry.polled = true;
  if (entry.read_problem.empty()) {
    // Once per failing run of this person; the source's state says the rest.
    log(LogLevel::warning, "calendar",
        "calendar of " + staff + " could not be read from LINE WORKS (" + why +
            "); the last known state stays");
  }
  entry.read_problem = std::move(why);
  report_health();
}

}  // namespace bcp::daemon
