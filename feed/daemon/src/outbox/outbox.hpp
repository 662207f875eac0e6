// The LINE WORKS bot's outbox (DESIGN.md "LINE WORKS both ways"): at a roll call's start the
// question to every reachable person in scope, reminders to the silent at each
// reminders_after_seconds mark, a reply to each answer, the start and the close in the
// announce rooms, and a note to whoever pressed an answer that was not counted.
//
// Every message is journaled (Journal::add_to_outbox) before it is handed to the API client
// and marked when LINE WORKS answered 201 or it was given up; a restart resumes what is still
// queued, so nobody is messaged twice for one step except a send that was in flight at a crash.
// After each question or reminder it journals a rollcall.messaged event (the report, the wall's
// 配信 N/M).
//
// Threads: on_committed (an I/O sink), the reminder timers and answer_not_counted run on the
// I/O thread, where the situation is: they only PLAN rows and hand them over. The outbox's own
// worker thread journals rows and outcomes and feeds the API client, which has a thread of its
// own (feed/lineworks); outcomes come back from that thread through the worker's inbox.
// Nothing here blocks the I/O thread or the ingest path: a dead LINE WORKS only fills the outbox.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bcp/daemon/daemon.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/daemon/outbox/bot_replies.hpp"
#include "bcp/daemon/pipeline/event_sink.hpp"
#include "bcp/lineworks/api_client.hpp"

namespace bcp::daemon {

class Outbox final : public EventSink, public BotReplies {
 public:
  // Reads the queued rows and plans what the replayed situation still owes (questions of open
  // roll calls, the newest reminder mark already passed). Constructed on the I/O thread's
  // owner before run(); the worker starts at once.
  explicit Outbox(Daemon::Core& core);
  ~Outbox() override;  // stop()
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // I/O thread: arms the reminder timers of the open roll calls.
  void start();
  // Any thread but the worker's: cancels nothing durable. Queued rows stay queued for the
  // next start; a send in flight is abandoned (it may have reached the person).
  void stop();

  // I/O thread, at shutdown: the reminder timers would keep the I/O thread's run() going.
  void cancel_timers() { reminder_timers_.clear(); }

  void on_committed(const std::vector<model::Event>& batch) override;  // I/O thread
  void answer_not_counted(const std::string& lineworks_user, const std::string& staff,
                          const std::string& rollcall, AnswerProblem problem) override;

  const BotStats& stats() const { return stats_; }
  // The bot's API client, for the other readers that share its token and rate (calendars).
  lineworks::ApiClient& client() { return *client_; }

 private:
  struct Finished {
    OutboxRow row;
    lineworks::SendResult result;
  };
  struct Inbox {
    std::vector<OutboxRow> to_add;
    std::vector<std::pair<std::string, std::string>> answered;  // (roll call, staff)
    std::vector<std::string> closed;
    std::vector<Finished> finished;
  };

  // ---- I/O thread ----
  void plan(std::vector<OutboxRow> rows);
  void arm_reminder(const model::RollcallState& rollcall);
  void on_reminder(const std::string& rollcall, int number);
  void submit_messaged(std::vector<model::Event> events);
  void report_source(bool ok, std::string why);

  // ---- worker thread ----
  void run_worker();
  void take_in(Inbox& in);
  void add_rows(std::vector<OutboxRow> rows);
  void skip_owed(const Inbox& in, std::vector<OutboxOutcome>& outcomes);
  void finish(std::vector<Finished> finished, std::vector<OutboxOutcome>& outcomes,
              std::vector<model::Event>& messaged);
  void dispatch();
  void count_queue();

  Daemon::Core& core_;
  BotStats stats_;
  std::unique_ptr<lineworks::ApiClient> client_;
  std::chrono::milliseconds second_;  // one "second" of reminders_after_seconds (tests shorten it)

  // I/O thread only.
  std::map<std::string, std::unique_ptr<boost::asio::steady_timer>> reminder_timers_;
  std::uint64_t presses_ = 0;

  // Shared with the worker.
  std::mutex mu_;
  std::condition_variable wake_;
  Inbox inbox_;
  bool stopping_ = false;

  // Worker thread only. Queue order: priority, then id (the order they were planned).
  std::map<std::pair<int, std::int64_t>, OutboxRow> queue_;
  std::set<std::pair<std::string, std::string>> answered_;
  std::set<std::string> closed_;
  std::vector<OutboxRow> unjournaled_;  // add_to_outbox failed: tried again
  std::size_t in_flight_ = 0;
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace bcp::daemon
