// CommitQueue: group commit over a real SqliteJournal. Every wait has a deadline; nothing
// sleeps and hopes.
#include "bcp/daemon/journal/commit_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bcp/daemon/gate/commit_rules.hpp"
#include "bcp/daemon/journal/journal.hpp"

namespace bcp::daemon {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
constexpr auto kDeadline = 60s;

model::Event notice(const std::string& text) {
  model::Event e;
  e.at = model::TimePoint(std::chrono::milliseconds(1795497120000LL));
  e.body = model::Notice{text, model::NoticeLevel::info};
  return e;
}

// Lets a test fail the next appends without touching the file.
class FlakyJournal : public Journal {
 public:
  explicit FlakyJournal(Journal& inner) : inner_(inner) {}
  void append(std::vector<model::Event>& events) override {
    if (fail) throw JournalError("disk on fire");
    inner_.append(events);
  }
  std::vector<model::Event> read(model::Seq since, std::size_t limit) const override {
    return inner_.read(since, limit);
  }
  model::Seq last_seq() const override { return inner_.last_seq(); }
  std::atomic<bool> fail{false};

 private:
  Journal& inner_;
};

// A small latch-like gate for holding the committer inside on_committed.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool open = false;
  void hold() {
    std::unique_lock lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
  }
  bool wait_entered() {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, kDeadline, [&] { return entered; });
  }
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

class CommitQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "bcp-commitq-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    journal_ = open_sqlite_journal(dir_ / "journal.sqlite3");
  }
  void TearDown() override {
    journal_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
  std::unique_ptr<Journal> journal_;

  // Results of done callbacks, collected from the committer thread.
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t answered_ = 0;
  std::size_t failed_ = 0;

  CommitQueue::Done record(std::vector<model::Seq>* seqs = nullptr) {
    return [this, seqs](const std::vector<model::Event>& committed, std::exception_ptr error) {
      std::lock_guard lock(mu_);
      if (seqs) {
        for (const auto& e : committed) seqs->push_back(e.seq);
      }
      if (error) failed_++;
      answered_++;
      cv_.notify_all();
    };
  }
  bool wait_answered(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kDeadline, [&] { return answered_ >= n; });
  }
};

TEST_F(CommitQueueTest, ConcurrentSubmittersGetDistinctConsecutiveSeqs) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  constexpr std::size_t kRequests = kThreads * kPerThread;

  std::vector<model::Seq> seen;  // on_committed, committer thread only
  std::size_t calls = 0;
  CommitQueue q(*journal_, [&](const std::vector<model::Event>& batch) {
    calls++;
    for (const auto& e : batch) seen.push_back(e.seq);
  });

  // Per request: its seqs (must be consecutive), filled by the committer.
  std::vector<std::vector<model::Seq>> per_request(kRequests);
  std::size_t total_events = 0;
  for (std::size_t r = 0; r < kRequests; ++r) total_events += 1 + r % 3;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::size_t r = std::size_t(t) * kPerThread + std::size_t(i);
        std::vector<model::Event> events;
        for (std::size_t k = 0; k < 1 + r % 3; ++k) {
          events.push_back(notice("r" + std::to_string(r) + "." + std::to_string(k)));
        }
        q.submit(std::move(events), record(&per_request[r]));
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(wait_answered(kRequests)) << "only " << answered_ << " answered";

  std::lock_guard lock(mu_);
  EXPECT_EQ(failed_, 0u);
  std::set<model::Seq> all;
  for (std::size_t r = 0; r < kRequests; ++r) {
    const auto& s = per_request[r];
    ASSERT_EQ(s.size(), 1 + r % 3) << "request " << r;
    for (std::size_t k = 1; k < s.size(); ++k) EXPECT_EQ(s[k], s[k - 1] + 1) << "request " << r;
    all.insert(s.begin(), s.end());
  }
  EXPECT_EQ(all.size(), total_events);
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), model::Seq(total_events));

  // on_committed ran before each batch's done callbacks, so it is complete by now.
  ASSERT_EQ(seen.size(), total_events);
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], model::Seq(i + 1));

  const auto& st = q.stats();
  EXPECT_EQ(st.events, total_events);
  EXPECT_EQ(st.requests, kRequests);
  EXPECT_EQ(st.batches, calls);
  EXPECT_LE(st.batches, kRequests);
  EXPECT_GE(st.batches, 1u);
  EXPECT_EQ(journal_->last_seq(), model::Seq(total_events));
  std::printf(
      "[ info     ] %zu requests (%zu events) from %d threads in %llu batches, largest "
      "%llu events\n",
      kRequests, total_events, kThreads, static_cast<unsigned long long>(st.batches.load()),
      static_cast<unsigned long long>(st.max_batch_events.load()));
}

TEST_F(CommitQueueTest, RequestsWaitingBehindACommitShareTheNextBatch) {
  Gate gate;
  std::mutex batches_mu;
  std::vector<std::size_t> batch_sizes;
  CommitQueue q(*journal_, [&](const std::vector<model::Event>& batch) {
    {
      std::lock_guard lock(batches_mu);
      batch_sizes.push_back(batch.size());
    }
    if (batch_sizes.size() == 1) gate.hold();  // committer thread: only it touches [0]
  });

  q.submit({notice("first")}, record());
  ASSERT_TRUE(gate.wait_entered());
  // The committer is busy with "first": these all queue up behind it.
  std::vector<model::Seq> seqs;
  for (int i = 0; i < 10; ++i) q.submit({notice("queued" + std::to_string(i))}, record(&seqs));
  gate.release();
  ASSERT_TRUE(wait_answered(11));

  std::lock_guard lock(batches_mu);
  ASSERT_EQ(batch_sizes.size(), 2u);
  EXPECT_EQ(batch_sizes[1], 10u);
  EXPECT_EQ(q.stats().batches, 2u);
  EXPECT_EQ(q.stats().max_batch_events, 10u);
  std::lock_guard lock2(mu_);
  // Done callbacks run in submission order, so their seqs are 2..11 in order.
  std::vector<model::Seq> expected;
  for (model::Seq s = 2; s <= 11; ++s) expected.push_back(s);
  EXPECT_EQ(seqs, expected);
}

TEST_F(CommitQueueTest, FailedAppendFailsEveryRequestOfTheBatchAndAppliesNothing) {
  FlakyJournal flaky(*journal_);
  Gate gate;
  std::vector<model::Seq> applied;  // committer thread only until answered
  CommitQueue q(flaky, [&](const std::vector<model::Event>& batch) {
    for (const auto& e : batch) applied.push_back(e.seq);
    if (applied.size() == 1) gate.hold();
  });

  q.submit({notice("ok")}, record());
  ASSERT_TRUE(gate.wait_entered());
  flaky.fail = true;
  std::vector<model::Seq> failed_seqs;
  for (int i = 0; i < 3; ++i) q.submit({notice("doomed")}, record(&failed_seqs));
  gate.release();
  ASSERT_TRUE(wait_answered(4));
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(failed_, 3u);
    EXPECT_TRUE(failed_seqs.empty());
  }
  EXPECT_EQ(applied, std::vector<model::Seq>{1});
  EXPECT_EQ(q.stats().failed_batches, 1u);

  flaky.fail = false;
  std::vector<model::Seq> later;
  q.submit({notice("recovered")}, record(&later));
  ASSERT_TRUE(wait_answered(5));
  std::lock_guard lock(mu_);
  EXPECT_EQ(later, std::vector<model::Seq>{2});  // the failed batch left no gap
  EXPECT_EQ(journal_->last_seq(), 2);
}

TEST_F(CommitQueueTest, StopDrainsEverythingSubmittedThenRefusesNewWork) {
  std::size_t applied = 0;
  CommitQueue q(*journal_,
                [&](const std::vector<model::Event>& batch) { applied += batch.size(); });
  constexpr std::size_t kRequests = 300;
  for (std::size_t i = 0; i < kRequests; ++i) q.submit({notice("x")}, record());
  q.stop();  // returns only after all 300 are committed and answered
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(answered_, kRequests);
    EXPECT_EQ(failed_, 0u);
  }
  EXPECT_EQ(applied, kRequests);
  EXPECT_EQ(journal_->last_seq(), model::Seq(kRequests));

  std::exception_ptr late;
  bool called = false;
  q.submit({notice("too late")},
           [&](const std::vector<model::Event>& committed, std::exception_ptr error) {
             called = true;
             late = error;
             EXPECT_TRUE(committed.empty());
           });
  EXPECT_TRUE(called);  // answered at once, on this thread
  ASSERT_TRUE(late);
  EXPECT_THROW(std::rethrow_exception(late), JournalError);
  EXPECT_EQ(journal_->last_seq(), model::Seq(kRequests));
  q.stop();  // idempotent
}

TEST_F(CommitQueueTest, ThrowingCallbacksDoNotStopTheCommitter) {
  CommitQueue q(*journal_,
                [](const std::vector<model::Event>&) { throw std::runtime_error("reducer bug"); });
  std::vector<model::Seq> seqs;
  q.submit({notice("a")}, record(&seqs));
  q.submit({notice("b")}, [](const std::vector<model::Event>&, std::exception_ptr) {
    throw std::runtime_error("handler bug");
  });
  q.submit({notice("c")}, record(&seqs));
  ASSERT_TRUE(wait_answered(2));
  q.stop();
  std::lock_guard lock(mu_);
  EXPECT_EQ(failed_, 0u);  // committed is committed, whatever the reducer did
  EXPECT_EQ(seqs, (std::vector<model::Seq>{1, 3}));
  EXPECT_GE(q.stats().callback_errors, 2u);
  EXPECT_GT(q.stats().latency_us_sum, 0u);
}

// ---- the admission: invariants decided in journal order --------------------------------

model::Event started(const std::string& id, bool drill) {
  model::Event e = notice("");
  model::RollcallStarted r;
  r.rollcall = id;
  r.title = "安否確認";
  r.drill = drill;
  e.body = r;
  return e;
}
model::Event checkin(const std::string& rollcall, const std::string& staff) {
  model::Event e = notice("");
  model::RollcallCheckin c;
  c.rollcall = rollcall;
  c.staff = staff;
  c.source = "api";
  e.body = c;
  return e;
}
model::Event closed(const std::string& rollcall) {
  model::Event e = notice("");
  e.body = model::RollcallClosed{rollcall};
  return e;
}
model::Event manual_alert(const std::string& id, model::AlertSourceKind kind) {
  model::Event e = notice("");
  model::AlertRaised a;
  a.alert = id;
  a.title = "クマ出没";
  a.source.kind = kind;
  e.body = a;
  return e;
}

// What each request came to: "ok", "conflict: <message>" or "error".
struct Outcomes {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> got;
  CommitQueue::Done slot(std::size_t i) {
    {
      std::lock_guard lock(mu);
      if (got.size() <= i) got.resize(i + 1);
    }
    return [this, i](const std::vector<model::Event>&, std::exception_ptr error) {
      std::string what = "ok";
      try {
        if (error) std::rethrow_exception(error);
      } catch (const CommitConflict& e) {
        what = std::string("conflict: ") + e.what();
      } catch (...) {
        what = "error";
      }
      std::lock_guard lock(mu);
      got[i] = what;
      cv.notify_all();
    };
  }
  bool wait(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, kDeadline, [&] {
      return got.size() >= n && std::all_of(got.begin(), got.begin() + static_cast<long>(n),
                                            [](const std::string& s) { return !s.empty(); });
    });
  }
};

TEST_F(CommitQueueTest, RequestsQueuedInOneBatchAreJudgedInJournalOrder) {
  Gate gate;
  CommitRules rules;
  bool first = true;
  CommitQueue q(*journal_, {}, &rules);
  q.set_before_commit([&] {
    if (std::exchange(first, false)) gate.hold();
  });
  Outcomes out;
  q.submit({notice("hold")}, out.slot(0));
  ASSERT_TRUE(gate.wait_entered());
  // All of these are in the committer's next batch; each sees the ones before it.
  q.submit({started("rc-a", false)}, out.slot(1));
  q.submit({started("rc-b", false)}, out.slot(2));  // an actual one is open: rc-a
  q.submit({started("rc-c", true)}, out.slot(3));   // drill: another kind, fine
  q.submit({started("rc-a", true)}, out.slot(4));   // id used
  q.submit({checkin("rc-a", "s001")}, out.slot(5));
  q.submit({closed("rc-a")}, out.slot(6));
  q.submit({checkin("rc-a", "s002")}, out.slot(7));  // behind the close
  q.submit({closed("rc-a")}, out.slot(8));
  q.submit({checkin("rc-nope", "s003")}, out.slot(9));
  q.submit({started("rc-d", false)}, out.slot(10));  // rc-a closed: a new one may start
  // A request is taken whole or not at all: the start in it does not stay behind.
  q.submit({closed("rc-c"), checkin("rc-x", "s004")}, out.slot(11));
  q.submit({started("rc-e", true)}, out.slot(12));  // so rc-c is still open
  q.submit({manual_alert("a-1", model::AlertSourceKind::manual)}, out.slot(13));
  q.submit({manual_alert("a-1", model::AlertSourceKind::manual)}, out.slot(14));
  q.submit({manual_alert("a-1", model::AlertSourceKind::cap)}, out.slot(15));  // a CAP update
  gate.release();
  ASSERT_TRUE(out.wait(16));
  q.stop();

  std::lock_guard lock(out.mu);
  const std::vector<std::string> want = {"ok",
                                         "ok",
                                         "conflict: an actual roll call is open already: \"rc-a\"",
                                         "ok",
                                         "conflict: roll call \"rc-a\" exists already",
                                         "ok",
                                         "ok",
                                         "conflict: roll call \"rc-a\" is closed",
                                         "conflict: roll call \"rc-a\" is closed",
                                         "conflict: unknown roll call \"rc-nope\"",
                                         "ok",
                                         "conflict: unknown roll call \"rc-x\"",
                                         "conflict: a drill roll call is open already: \"rc-c\"",
                                         "ok",
                                         "conflict: alert \"a-1\" exists already",
                                         "ok"};
  EXPECT_EQ(out.got, want);
  // Refused is never stored: 8 requests were taken, one event each.
  EXPECT_EQ(journal_->last_seq(), 8);
  EXPECT_EQ(q.stats().conflicts, 8u);
}

TEST_F(CommitQueueTest, AFailedCommitForgetsWhatItsBatchAdmitted) {
  FlakyJournal flaky(*journal_);
  CommitRules rules;
  CommitQueue q(flaky, {}, &rules);
  Outcomes out;
  flaky.fail = true;
  q.submit({started("rc-a", false)}, out.slot(0));
  ASSERT_TRUE(out.wait(1));
  flaky.fail = false;
  // The failed start is not open: the same id and another actual one may start now.
  q.submit({started("rc-a", false)}, out.slot(1));
  ASSERT_TRUE(out.wait(2));
  q.submit({closed("rc-a")}, out.slot(2));
  ASSERT_TRUE(out.wait(3));
  flaky.fail = true;
  q.submit({started("rc-b", false)}, out.slot(3));  // fails: rc-b is not open either
  ASSERT_TRUE(out.wait(4));
  flaky.fail = false;
  q.submit({checkin("rc-b", "s001")}, out.slot(4));
  q.submit({started("rc-c", false)}, out.slot(5));
  ASSERT_TRUE(out.wait(6));
  q.stop();
  std::lock_guard lock(out.mu);
  EXPECT_EQ(out.got, (std::vector<std::string>{"error", "ok", "ok", "error",
                                               "conflict: unknown roll call \"rc-b\"", "ok"}));
}

TEST_F(CommitQueueTest, TheJournalAtStartUpIsTakenAsItIs) {
  // Journals written before the admission existed may hold two open actual roll calls;
  // replaying them never refuses, and what follows is judged against them.
  CommitRules rules;
  rules.replay(started("rc-old-1", false));
  rules.replay(started("rc-old-2", false));
  rules.replay(checkin("rc-old-1", "s001"));
  rules.replay(closed("rc-old-2"));
  EXPECT_EQ(rules.admit({started("rc-new", false)}),
            std::optional<std::string>("an actual roll call is open already: \"rc-old-1\""));
  EXPECT_EQ(rules.admit({checkin("rc-old-2", "s002")}),
            std::optional<std::string>("roll call \"rc-old-2\" is closed"));
  EXPECT_EQ(rules.admit({closed("rc-old-1")}), std::nullopt);
  EXPECT_EQ(rules.admit({started("rc-new", false)}), std::nullopt);
  rules.failed();  // neither the close nor the start happened
  EXPECT_EQ(rules.admit({checkin("rc-old-1", "s003")}), std::nullopt);
  EXPECT_EQ(rules.admit({checkin("rc-new", "s003")}),
            std::optional<std::string>("unknown roll call \"rc-new\""));
}

}  // namespace
}  // namespace bcp::daemon
