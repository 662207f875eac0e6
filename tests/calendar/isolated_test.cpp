// Calendars evaluated in worker processes (bcp/calendar/isolated.hpp): the same answers as in
// the calling thread, a worker over its time or memory budget is stopped and named, the rest
// of the batch goes on, a cancel is prompt, and the worker keeps none of the caller's files.
#include <dirent.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <regex>
#include <thread>

#include "../../feed/calendar/src/evaluation_wire.hpp"
#include "bcp/calendar/isolated.hpp"
#include "calendar_helpers.hpp"

namespace bcp::calendar::test {
namespace {

using Outcome = Evaluation::Outcome;
using namespace std::chrono_literals;

EvaluationOptions options_at(const char* now) {
  EvaluationOptions o;
  o.from = utc(now);
  o.utc_offset_minutes = kJst;
  return o;
}

// Rules libical 3.0 spends about a second on in icalrecur_iterator_new (the fifth Monday of a
// February that is also its first day: never), and that the screens before it do not catch.
std::string slow_calendar(int events) {
  std::string out;
  for (int i = 0; i < events; ++i) {
    out += event_with("slow-" + std::to_string(i),
                      "RRULE:FREQ=MONTHLY;BYDAY=5MO;BYMONTH=2;BYMONTHDAY=1");
  }
  return calendar_with(out);
}

TEST(IsolatedEvaluation, GivesTheSameAnswersAsTheCallingThread) {
  const std::vector<std::string> texts = {fixture("weekly-standup.ics"),
                                          fixture("leave-and-trip.ics"), fixture("timezones.ics"),
                                          fixture("ignored.ics"), "not a calendar"};
  EvaluationOptions o = options_at("2026-11-20T00:00:00Z");
  std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<Evaluation> isolated = evaluate_isolated(views, o);
  ASSERT_EQ(isolated.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(i);
    Evaluation here = evaluate(texts[i], o);
    EXPECT_EQ(isolated[i].outcome, here.outcome);
    EXPECT_EQ(isolated[i].error, here.error);
    EXPECT_EQ(isolated[i].timeline, here.timeline);
    EXPECT_EQ(isolated[i].events, here.events);
    EXPECT_EQ(isolated[i].busy_events, here.busy_events);
  }
  EXPECT_EQ(isolated[0].outcome, Outcome::ok);
  EXPECT_GT(isolated[0].timeline.segments.size(), 4u);
  EXPECT_EQ(isolated[4].outcome, Outcome::invalid);
  EXPECT_EQ(isolated[4].error, "line 1: expected BEGIN:VCALENDAR, found \"not a calendar\"");
}

TEST(IsolatedEvaluation, AWorkerOverItsBudgetIsStoppedNamingTheLineAndTheBatchGoesOn) {
  EvaluationOptions o = options_at("2026-11-20T00:00:00Z");
  o.budget = 300ms;
  o.parse_limits.probe_budget = std::chrono::hours(1);  // only the worker's budget stops it
  const std::string slow = slow_calendar(40), good = fixture("weekly-standup.ics");
  std::vector<Evaluation> out = evaluate_isolated({good, slow, good}, o);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].outcome, Outcome::ok);
  EXPECT_EQ(out[1].outcome, Outcome::over_budget) << out[1].error;
  // Stopped while probing one of the RRULEs: lines 9, 16, 23, ... (7 lines an event).
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out[1].error, m,
                                std::regex("^line ([0-9]+): the calendar takes too long to "
                                           "evaluate \\(over 300 ms; stopped at this line\\)$")))
      << out[1].error;
  EXPECT_EQ((std::stoi(m[1]) - 9) % 7, 0) << out[1].error;
  EXPECT_EQ(out[2].outcome, Outcome::ok) << out[2].error;
  EXPECT_EQ(out[2].timeline, out[0].timeline);
}

TEST(IsolatedEvaluation, CancelStopsABatchPromptly) {
  EvaluationOptions o = options_at("2026-11-20T00:00:00Z");
  o.budget = std::chrono::minutes(10);
  o.parse_limits.probe_budget = std::chrono::hours(1);
  const std::string slow = slow_calendar(1000);
  std::atomic<bool> cancel{false};
  auto running = std::async(std::launch::async, [&] {
    return evaluate_isolated({slow, slow}, o, &cancel);
  });
  EXPECT_EQ(running.wait_for(300ms), std::future_status::timeout);  // it is at work
  cancel = true;
  ASSERT_EQ(running.wait_for(10s), std::future_status::ready) << "cancel did not stop the batch";
  std::vector<Evaluation> out = running.get();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].outcome, Outcome::unavailable);
  EXPECT_EQ(out[1].outcome, Outcome::unavailable);
}

// The ceiling counts address space beyond what the worker inherited, so heap that earlier
// tests of this binary freed would be room for the calendar: the test runs in a fresh process
// of its own (a "threadsafe" death test re-executes the binary for it).
void greedy_calendar_is_stopped_and_only_it() {
  EvaluationOptions o = options_at("2026-12-01T00:00:00Z");
  o.memory_bytes = std::size_t{1} << 20;  // far below libical's tree of this file (~30 MB)
  o.budget = std::chrono::minutes(2);     // memory is what is tried here, not time
  std::string events;
  const std::string filler = "DESCRIPTION:" + std::string(200, 'x') +
                             "\nLOCATION:" + std::string(200, 'y') +
                             "\nCOMMENT:" + std::string(200, 'z');
  for (int i = 0; i < 9000; ++i) events += event_with("m-" + std::to_string(i), filler);
  const std::string greedy = calendar_with(events), good = fixture("weekly-standup.ics");
  std::vector<Evaluation> out = evaluate_isolated({greedy, good}, o);
  const bool stopped =
      (out[0].outcome == Outcome::over_budget || out[0].outcome == Outcome::crashed) &&
      out[0].error.rfind("line ", 0) == 0;
  // The next calendar gets a fresh worker: judged on its own.
  const bool next_ok = out[1].outcome == Outcome::ok;
  // With room, the same calendar is fine.
  o.memory_bytes = std::size_t{512} << 20;
  const bool roomy_ok = evaluate_isolated({greedy}, o)[0].outcome == Outcome::ok;
  std::fprintf(stderr, "greedy: %d %s; next: %d; with room: %d\n", static_cast<int>(out[0].outcome),
               out[0].error.c_str(), next_ok, roomy_ok);
  std::fprintf(stderr, stopped && next_ok && roomy_ok ? "ceiling held\n" : "ceiling failed\n");
  std::_Exit(stopped && next_ok && roomy_ok ? 0 : 1);
}

TEST(IsolatedEvaluation, AMemoryCeilingStopsAGreedyCalendarAndOnlyIt) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(greedy_calendar_is_stopped_and_only_it(), ::testing::ExitedWithCode(0),
              "ceiling held");
}

// The calling process's children (the worker), from /proc.
bool has_child() {
  DIR* tasks = opendir("/proc/self/task");
  if (!tasks) return false;
  bool any = false;
  while (dirent* t = readdir(tasks)) {
    if (t->d_name[0] == '.') continue;
    std::ifstream in(std::string("/proc/self/task/") + t->d_name + "/children");
    std::string pids;
    if (std::getline(in, pids) && !pids.empty()) any = true;
  }
  closedir(tasks);
  return any;
}

TEST(IsolatedEvaluation, TheWorkerHoldsNoneOfTheCallersFiles) {
  // A socket or pipe the caller closes must close for its peer at once, not when a worker
  // (which got copies of every descriptor at the fork) ends.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EvaluationOptions o = options_at("2026-11-20T00:00:00Z");
  o.budget = 20s;
  o.parse_limits.probe_budget = std::chrono::hours(1);
  const std::string slow = slow_calendar(1000);
  std::atomic<bool> cancel{false};
  auto running =
      std::async(std::launch::async, [&] { return evaluate_isolated({slow}, o, &cancel); });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!has_child() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(has_child()) << "no worker process seen";
  close(fds[1]);
  pollfd p{fds[0], POLLIN, 0};
  const int ready = poll(&p, 1, 5000);
  char c;
  EXPECT_EQ(ready, 1) << "the read end saw no end of file: the worker holds the write end";
  if (ready == 1) {
    EXPECT_EQ(read(fds[0], &c, 1), 0);
  }
  cancel = true;
  running.wait();
  close(fds[0]);
}

TEST(IsolatedEvaluationWire, RecordsRoundTripAndGarbleIsRecognised) {
  Evaluation e = evaluate(fixture("leave-and-trip.ics"), options_at("2026-11-20T00:00:00Z"));
  ASSERT_EQ(e.outcome, Outcome::ok);
  e.timeline.truncated = true;
  e.timeline.truncated_at = "line 3: x";
  std::string record = wire::encode(e);
  ASSERT_EQ(wire::body_length(record), record.size() - wire::kHeaderBytes);
  std::string_view body = std::string_view(record).substr(wire::kHeaderBytes);
  std::optional<Evaluation> back = wire::decode(body);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->timeline, e.timeline);
  EXPECT_EQ(back->events, e.events);
  EXPECT_FALSE(wire::decode(body.substr(0, body.size() - 1)));  // cut short
  std::string extra(body);
  extra += 'x';
  EXPECT_FALSE(wire::decode(extra));  // trailing bytes
  std::string bad_status(body);
  bad_status.back() = static_cast<char>(0x42);  // the last segment's status: no such value
  EXPECT_FALSE(wire::decode(bad_status));
  std::string bad_outcome(body);
  bad_outcome[0] = 9;
  EXPECT_FALSE(wire::decode(bad_outcome));
}

}  // namespace
}  // namespace bcp::calendar::test
