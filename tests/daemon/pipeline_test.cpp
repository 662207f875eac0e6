// The pipeline below the daemon, without HTTP: a real SQLite journal in a temp dir, a real
// committer thread, an io_context run by the test. Sinks see each committed batch once, in
// seq order, committer sinks before the batch reaches the I/O thread, I/O sinks after the
// reducer applied it, and a source's `done` only after every sink.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bcp/daemon/gate/commit_rules.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/daemon/metrics.hpp"
#include "bcp/daemon/pipeline/pipeline.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {
namespace {

model::Event notice(std::string text) {
  model::Event e;
  e.at = model::parse_time("2026-11-24T05:12:00.000Z");
  e.body = model::Notice{std::move(text), model::NoticeLevel::info};
  return e;
}

// Records what it saw, on which thread, and what the situation held at that moment.
class RecordingSink : public EventSink {
 public:
  RecordingSink(const model::Situation* situation, std::vector<std::string>* order,
                std::mutex* order_mu, std::string name)
      : situation_(situation), order_(order), order_mu_(order_mu), name_(std::move(name)) {}
  void on_committed(const std::vector<model::Event>& batch) override {
    threads.push_back(std::this_thread::get_id());
    for (const model::Event& e : batch) seqs.push_back(e.seq);
    batch_last.push_back(batch.back().seq);
    if (situation_) situation_seq_at_call.push_back(situation_->last_seq);
    std::lock_guard lock(*order_mu_);
    order_->push_back(name_);
  }
  std::vector<model::Seq> seqs;
  std::vector<model::Seq> situation_seq_at_call;
  std::vector<model::Seq> batch_last;
  std::vector<std::thread::id> threads;

 private:
  const model::Situation* situation_;
  std::vector<std::string>* order_;
  std::mutex* order_mu_;
  std::string name_;
};

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("bcp-pipeline-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    journal_ = open_sqlite_journal(dir_ / "journal.sqlite3");
  }
  ~PipelineTest() override { std::filesystem::remove_all(dir_); }

  // Runs the I/O context until `done` or a deadline.
  bool run_until(const bool& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc_.restart();
      ioc_.run_for(std::chrono::milliseconds(20));
    }
    return done;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Journal> journal_;
  boost::asio::io_context ioc_;
  CommitRules rules_;
  model::Situation situation_;
  Metrics metrics_;
  std::vector<std::string> order_;
  std::mutex order_mu_;
};

TEST_F(PipelineTest, SinksSeeEachBatchInSeqOrderOnTheirThreadBeforeTheSourceIsAnswered) {
  Pipeline pipeline(ioc_, *journal_, rules_, situation_, metrics_);
  RecordingSink committer(nullptr, &order_, &order_mu_, "committer");
  RecordingSink io(&situation_, &order_, &order_mu_, "io");
  pipeline.add_sink(committer, SinkThread::committer);
  pipeline.add_sink(io, SinkThread::io);

  constexpr int kRequests = 20;
  int answered = 0;
  bool all_answered = false;
  std::vector<model::Seq> answered_seqs;
  for (int i = 0; i < kRequests; ++i) {
    std::vector<model::Event> events;
    events.push_back(notice("n" + std::to_string(i)));
    pipeline.submit(std::move(events),
                    [&](std::vector<model::Event> committed, std::exception_ptr error) {
                      ASSERT_FALSE(error);
                      ASSERT_EQ(committed.size(), 1u);
                      // The answer leaves after the reducer and every sink have seen the event.
                      EXPECT_GE(situation_.last_seq, committed.front().seq);
                      EXPECT_GE(io.seqs.size(), static_cast<std::size_t>(committed.front().seq));
                      answered_seqs.push_back(committed.front().seq);
                      if (++answered == kRequests) all_answered = true;
                    });
  }
  ASSERT_TRUE(run_until(all_answered));
  pipeline.stop();

  std::vector<model::Seq> expected;
  for (int i = 1; i <= kRequests; ++i) expected.push_back(i);
  EXPECT_EQ(io.seqs, expected);         // each event once, in seq order
  EXPECT_EQ(committer.seqs, expected);  // the same for the committer's sink
  EXPECT_EQ(answered_seqs, expected);
  EXPECT_EQ(journal_->last_seq(), kRequests);
  EXPECT_EQ(metrics_.accepted.load(), static_cast<std::uint64_t>(kRequests));

  // I/O sinks run where the situation lives, after the reducer took the batch.
  for (std::thread::id t : io.threads) EXPECT_EQ(t, std::this_thread::get_id());
  for (std::thread::id t : committer.threads) EXPECT_NE(t, std::this_thread::get_id());
  ASSERT_EQ(io.situation_seq_at_call.size(), io.threads.size());
  // Each call found its own batch, and nothing later, folded into the situation.
  EXPECT_EQ(io.situation_seq_at_call, io.batch_last);
  // A batch reaches the committer's sink before the I/O thread's.
  ASSERT_FALSE(order_.empty());
  EXPECT_EQ(order_.front(), "committer");
}

TEST_F(PipelineTest, AnEventTheJournalCouldNotReadBackIsRefusedAndNeverStored) {
  Pipeline pipeline(ioc_, *journal_, rules_, situation_, metrics_);
  RecordingSink io(&situation_, &order_, &order_mu_, "io");
  pipeline.add_sink(io, SinkThread::io);
  model::Event bad = notice("beyond the year 9999");
  bad.at = model::parse_time("9999-12-31T23:59:59.000Z") + std::chrono::hours(1);
  bool answered = false;
  std::exception_ptr refusal;
  std::vector<model::Event> events;
  events.push_back(std::move(bad));
  pipeline.submit(std::move(events), [&](std::vector<model::Event>, std::exception_ptr error) {
    refusal = error;
    answered = true;
  });
  ASSERT_TRUE(run_until(answered));
  pipeline.stop();
  ASSERT_TRUE(refusal);
  EXPECT_THROW(std::rethrow_exception(refusal), UnreadableEvent);
  EXPECT_EQ(journal_->last_seq(), 0);
  EXPECT_TRUE(io.seqs.empty());
}

}  // namespace
}  // namespace bcp::daemon
