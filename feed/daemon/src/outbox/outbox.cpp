#include "outbox/outbox.hpp"

#include <boost/asio/post.hpp>

#include "bcp/daemon/log.hpp"
#include "bcp/lineworks/messages.hpp"
#include "bcp/model/codec.hpp"
#include "outbox/plan.hpp"
#include "pipeline/core.hpp"
#include "sources/source_health.hpp"

namespace bcp::daemon {
namespace {

namespace net = boost::asio;

// Messages handed to the API client at once. The client paces them at messages_per_minute;
// keeping the rest here lets a reply to someone's press overtake the bulk of a distribution.
constexpr std::size_t kWindow = 4;
// How long the worker waits before trying again a journal write that failed.
constexpr auto kJournalRetry = std::chrono::seconds(1);

bool owed_to_the_silent(const OutboxRow& row) {
  return row.step == "question" || row.step == "reminder";
}

model::Event messaged_event(const OutboxRow& row, bool sent, const std::string& why,
                            model::TimePoint at) {
  model::RollcallMessaged m;
  m.rollcall = row.rollcall;
  m.staff = row.staff;
  m.step = row.step == "question" ? model::MessageStep::question : model::MessageStep::reminder;
  m.outcome = sent ? model::SendOutcome::sent : model::SendOutcome::failed;
  if (!sent)
    m.why = lineworks::first_chars(why.empty() ? "failed" : why,
                                   model::RollcallMessaged::kMaxWhyCharacters);
  model::Event e;
  e.at = at;
  e.body = std::move(m);
  return e;
}

// A send failure that says LINE WORKS (or the way to it) is unwell, rather than that this one
// person cannot be messaged (a wrong user id, no permission: a 4xx other than 401 and 429).
bool source_failure(const lineworks::SendResult& r) {
  return r.status == 0 || r.status >= 500 || r.status == 401 || r.status == 429;
}

model::TimePoint to_model_time(std::chrono::system_clock::time_point t) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
}

}  // namespace

Outbox::Outbox(Daemon::Core& core) : core_(core), second_(core.options.reminder_second) {
  lineworks::ClientOptions options =
      core.options.lineworks_client.value_or(lineworks::ClientOptions{});
  options.log = [](lineworks::LogLevel level, std::string_view what) {
    log(level == lineworks::LogLevel::info ? LogLevel::info : LogLevel::warning, "lineworks-api",
        std::string(what));
  };
  if (core.options.clock && !options.clock) options.clock = core.options.clock;
  if (core.town.calendars.source == config::Calendars::Source::lineworks) {
    options.scope = std::string(lineworks::kScope) + " " + std::string(lineworks::kCalendarScope);
  }
  client_ = std::make_unique<lineworks::ApiClient>(*core.town.lineworks_api, std::move(options));

  // What is still queued from before a restart, less what is no longer owed.
  std::vector<OutboxOutcome> skipped;
  for (OutboxRow& row : core.journal->queued_in_outbox()) {
    const auto rc = core.situation.rollcalls.find(row.rollcall);
    if (owed_to_the_silent(row) && rc != core.situation.rollcalls.end() &&
        (!rc->second.open() || rc->second.latest.count(row.staff) != 0)) {
      skipped.push_back({row.id, OutboxState::skipped, 0, "no longer owed", core.now()});
      continue;
    }
    const auto key = std::make_pair(row.priority, row.id);
    queue_.emplace(key, std::move(row));
  }
  if (!skipped.empty()) core.journal->finish_in_outbox(skipped);
  stats_.skipped += skipped.size();
  if (!queue_.empty()) {
    log(LogLevel::info, "outbox", "resuming " + std::to_string(queue_.size()) + " queued messages");
  }
  // What the replayed situation still owes: planned again, only the new keys are added.
  if (core.town.rollcall_distribution && core.town.rollcall_distribution->enabled) {
    const model::TimePoint now = core.now();
    const auto& marks = core.town.rollcall_distribution->reminders_after_seconds;
    for (const auto& [id, rollcall] : core.situation.rollcalls) {
      if (!rollcall.open()) continue;
      std::vector<OutboxRow> rows =
          outbox::plan_announcements(rollcall, outbox::Announcement::start, core.town, now);
      for (OutboxRow& r : outbox::plan_questions(rollcall, core.town, now))
        rows.push_back(std::move(r));
      // Only the newest mark already passed: two reminders at once would say nothing more.
      int passed = 0;
      for (std::size_t i = 0; i < marks.size(); ++i) {
        if (rollcall.started_at + marks[i] * second_ <= now) passed = static_cast<int>(i) + 1;
      }
      if (passed > 0) {
        for (OutboxRow& r : outbox::plan_reminders(rollcall, passed, core.town, now))
          rows.push_back(std::move(r));
      }
      for (OutboxRow& r : rows) inbox_.to_add.push_back(std::move(r));
    }
  }
  count_queue();
  worker_ = std::thread([this] { run_worker(); });
}

Outbox::~Outbox() { stop(); }

void Outbox::start() {
  for (const auto& [id, rollcall] : core_.situation.rollcalls) {
    if (rollcall.open()) arm_reminder(rollcall);
  }
}

void Outbox::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  // Sends in flight end as `stopped` (their rows stay queued); their done() finds the
  // worker gone and only leaves a note in the inbox.
  client_->stop();
  // The reminder timers belong to the I/O thread: Daemon::stop cancels them there.
}

// ---- I/O thread ------------------------------------------------------------------------

void Outbox::on_committed(const std::vector<model::Event>& batch) {
  const auto& distribution = core_.town.rollcall_distribution;
  const bool distributing = distribution && distribution->enabled;
  const model::TimePoint now = core_.now();
  std::vector<OutboxRow> rows;
  std::vector<std::pair<std::string, std::string>> answered;
  std::vector<std::string> closed;
  for (const model::Event& e : batch) {
    if (const auto* started = std::get_if<model::RollcallStarted>(&e.body)) {
      const auto rc = core_.situation.rollcalls.find(started->rollcall);
      if (!distributing || rc == core_.situation.rollcalls.end()) continue;
      for (OutboxRow& r :
           outbox::plan_announcements(rc->second, outbox::Announcement::start, core_.town, now))
        rows.push_back(std::move(r));
      for (OutboxRow& r : outbox::plan_questions(rc->second, core_.town, now))
        rows.push_back(std::move(r));
      arm_reminder(rc->second);
    } else if (const auto* checkin = std::get_if<model::RollcallCheckin>(&e.body)) {
      answered.emplace_back(checkin->rollcall, checkin->staff);
      const auto rc = core_.situation.rollcalls.find(checkin->rollcall);
      if (checkin->source != "lineworks" || rc == core_.situation.rollcalls.end()) continue;
      if (auto reply = outbox::plan_reply(rc->second, *checkin, e.seq, core_.town, now)) {
        rows.push_back(std::move(*reply));
      }
    } else if (const auto* close = std::get_if<model::RollcallClosed>(&e.body)) {
      closed.push_back(close->rollcall);
      reminder_timers_.erase(close->rollcall);  // the timer's destructor cancels it
      const auto rc = core_.situation.rollcalls.find(close->rollcall);
      if (!distributing || rc == core_.situation.rollcalls.end()) continue;
      for (OutboxRow& r :
           outbox::plan_announcements(rc->second, outbox::Announcement::close, core_.town, now))
        rows.push_back(std::move(r));
    }
  }
  if (rows.empty() && answered.empty() && closed.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (OutboxRow& r : rows) inbox_.to_add.push_back(std::move(r));
    for (auto& a : answered) inbox_.answered.push_back(std::move(a));
    for (auto& c : closed) inbox_.closed.push_back(std::move(c));
  }
  wake_.notify_one();
}

void Outbox::answer_not_counted(const std::string& lineworks_user, const std::string& staff,
                                const std::string& rollcall, AnswerProblem problem) {
  // Any thread: the situation is read on the I/O thread.
  net::post(core_.ioc, [this, lineworks_user, staff, rollcall, problem] {
    const auto rc = core_.situation.rollcalls.find(rollcall);
    const model::RollcallState* state =
        rc == core_.situation.rollcalls.end() ? nullptr : &rc->second;
    const model::TimePoint now = core_.now();
    // Two presses are two replies: the key tells them apart by time and count.
    const std::string unique = model::format_time(now) + "#" + std::to_string(++presses_);
    plan({outbox::plan_not_counted(lineworks_user, staff, rollcall, state, problem, unique,
                                   core_.town, now)});
  });
}

void Outbox::plan(std::vector<OutboxRow> rows) {
  if (rows.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (OutboxRow& r : rows) inbox_.to_add.push_back(std::move(r));
  }
  wake_.notify_one();
}

void Outbox::arm_reminder(const model::RollcallState& rollcall) {
  // A roll call whose commit lands while the daemon stops (its answer still in flight when
  // stop() cancelled the timers) must not arm one again: the pending timer would hold the
  // I/O thread's run() until the reminder is due, minutes after SIGTERM.
  if (core_.stopping) return;
  const auto& distribution = core_.town.rollcall_distribution;
  if (!distribution || !distribution->enabled) return;
  const auto& marks = distribution->reminders_after_seconds;
  const model::TimePoint now = core_.now();
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const model::TimePoint due = rollcall.started_at + marks[i] * second_;
    if (due <= now) continue;
    const std::string id = rollcall.started.rollcall;
    auto timer = std::make_unique<net::steady_timer>(core_.ioc, due - now);
    const int number = static_cast<int>(i) + 1;
    timer->async_wait([this, id, number](boost::system::error_code ec) {
      if (!ec) on_reminder(id, number);
    });
    reminder_timers_[id] = std::move(timer);
    return;
  }
  reminder_timers_.erase(rollcall.started.rollcall);
}

void Outbox::on_reminder(const std::string& rollcall, int number) {
  if (core_.stopping) return;
  const auto rc = core_.situation.rollcalls.find(rollcall);
  if (rc == core_.situation.rollcalls.end() || !rc->second.open()) return;
  std::vector<OutboxRow> rows = outbox::plan_reminders(rc->second, number, core_.town, core_.now());
  log(LogLevel::info, "outbox",
      "reminder " + std::to_string(number) + " of roll call " + rollcall + ": " +
          std::to_string(rows.size()) + " people have not answered");
  plan(std::move(rows));
  arm_reminder(rc->second);
}

void Outbox::submit_messaged(std::vector<model::Event> events) {
  net::post(core_.ioc, [this, events = std::move(events)]() mutable {
    if (core_.stopping || !core_.pipeline) return;
    core_.submit(std::move(events), [](std::vector<model::Event>, std::exception_ptr error) {
      if (error)
        log(LogLevel::warning, "outbox",
            "a delivery record could not be journaled: " + submit_refusal(error).message);
    });
  });
}

void Outbox::report_source(bool ok, std::string why) {
  net::post(core_.ioc, [this, ok, why = std::move(why)]() mutable {
    if (!core_.sources) return;
    if (ok) {
      core_.sources->succeeded("lineworks_api");
    } else {
      core_.sources->failed("lineworks_api", std::move(why));
    }
  });
}

// ---- worker thread ---------------------------------------------------------------------

void Outbox::run_worker() {
  for (;;) {
    Inbox in;
    {
      std::unique_lock lock(mu_);
      auto has_work = [&] {
        return stopping_ || !inbox_.to_add.empty() || !inbox_.answered.empty() ||
               !inbox_.closed.empty() || !inbox_.finished.empty();
      };
      if (unjournaled_.empty()) {
        wake_.wait(lock, has_work);
      } else {
        wake_.wait_for(lock, kJournalRetry, has_work);
      }
      if (stopping_) return;
      std::swap(in, inbox_);
    }
    try {
      take_in(in);
    } catch (const std::exception& e) {
      // Journal trouble: what was not journaled is tried again; nothing is sent unjournaled.
      log(LogLevel::warning, "outbox", std::string("outbox: ") + e.what());
    }
  }
}

void Outbox::take_in(Inbox& in) {
  std::vector<OutboxRow> rows = std::move(unjournaled_);
  unjournaled_.clear();
  for (OutboxRow& r : in.to_add) rows.push_back(std::move(r));
  add_rows(std::move(rows));
  std::vector<OutboxOutcome> outcomes;
  std::vector<model::Event> messaged;
  skip_owed(in, outcomes);
  finish(std::move(in.finished), outcomes, messaged);
  dispatch();
  try {
    core_.journal->finish_in_outbox(outcomes);
  } catch (const std::exception& e) {
    // The rows stay queued in the file: after a restart they are sent again (a repeat,
    // never a gap). This process knows they are done and does not send them again.
    log(LogLevel::warning, "outbox", std::string("cannot mark sent messages: ") + e.what());
  }
  if (!messaged.empty()) submit_messaged(std::move(messaged));
  count_queue();
}

void Outbox::add_rows(std::vector<OutboxRow> rows) {
  if (rows.empty()) return;
  std::vector<OutboxRow> added;
  try {
    added = core_.journal->add_to_outbox(rows);
  } catch (const std::exception& e) {
    // Nothing is sent that is not journaled: these wait, and are tried again in a second.
    log(LogLevel::warning, "outbox", std::string("cannot journal messages to send: ") + e.what());
    unjournaled_ = std::move(rows);
    return;
  }
  for (OutboxRow& row : added) {
    const auto key = std::make_pair(row.priority, row.id);
    queue_.emplace(key, std::move(row));
  }
}

void Outbox::skip_owed(const Inbox& in, std::vector<OutboxOutcome>& outcomes) {
  for (const auto& a : in.answered) answered_.insert(a);
  for (const std::string& c : in.closed) {
    closed_.insert(c);
    // Nothing more is owed to anyone of a closed roll call: forget who answered it.
    answered_.erase(answered_.lower_bound({c, std::string()}),
                    answered_.lower_bound({c + '\0', std::string()}));
  }
  if (in.answered.empty() && in.closed.empty()) return;
  const model::TimePoint now = to_model_time(std::chrono::system_clock::now());
  for (auto it = queue_.begin(); it != queue_.end();) {
    const OutboxRow& row = it->second;
    const bool answered = answered_.count({row.rollcall, row.staff}) != 0;
    if (owed_to_the_silent(row) && (answered || closed_.count(row.rollcall) != 0)) {
      outcomes.push_back({row.id, OutboxState::skipped, 0,
                          answered ? "answered before it was sent" : "roll call closed", now});
      stats_.skipped++;
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
}

void Outbox::finish(std::vector<Finished> finished, std::vector<OutboxOutcome>& outcomes,
                    std::vector<model::Event>& messaged) {
  for (Finished& f : finished) {
    in_flight_--;
    const lineworks::SendResult& r = f.result;
    if (r.outcome == lineworks::SendResult::Outcome::stopped) continue;  // stays queued
    const bool sent = r.outcome == lineworks::SendResult::Outcome::sent;
    const model::TimePoint at = to_model_time(r.finished);
    outcomes.push_back({f.row.id, sent ? OutboxState::sent : OutboxState::failed, r.attempts,
                        sent ? std::string() : r.error, at});
    (sent ? stats_.sent : stats_.failed)++;
    if (owed_to_the_silent(f.row)) messaged.push_back(messaged_event(f.row, sent, r.error, at));
    if (!sent) {
      log(LogLevel::warning, "outbox",
          f.row.step + " to " + (f.row.staff.empty() ? f.row.recipient : f.row.staff) +
              " failed after " + std::to_string(r.attempts) + " attempts: " + r.error);
    }
    if (sent || source_failure(r)) report_source(sent, sent ? std::string() : r.error);
  }
  const lineworks::ClientStats cs = client_->stats();
  stats_.rate_limited = cs.rate_limited;
  stats_.retries = cs.retries;
}

void Outbox::dispatch() {
  while (in_flight_ < kWindow && !queue_.empty()) {
    auto it = queue_.begin();
    OutboxRow row = it->second;
    lineworks::OutgoingMessage message;
    message.to = row.recipient_kind == "channel" ? lineworks::Recipient::channel(row.recipient)
                                                 : lineworks::Recipient::user(row.recipient);
    try {
      message.content = nlohmann::json::parse(row.content);
    } catch (const std::exception&) {
      // Only this process writes the outbox; a row it cannot read is a bug, not input.
      log(LogLevel::warning, "outbox",
          "outbox row " + std::to_string(row.id) + " has unreadable content");
      queue_.erase(it);
      continue;
    }
    const bool taken =
        client_->send(std::move(message), [this, row](const lineworks::SendResult& r) {
          {
            std::lock_guard lock(mu_);
            inbox_.finished.push_back({row, r});
          }
          wake_.notify_one();
        });
    if (!taken) break;  // the client is full or stopping: offered again on the next wake
    queue_.erase(it);
    in_flight_++;
  }
}

void Outbox::count_queue() {
  stats_.queued = static_cast<std::int64_t>(queue_.size() + unjournaled_.size());
  stats_.in_flight = static_cast<std::int64_t>(in_flight_);
}

}  // namespace bcp::daemon
