#include "bcp/daemon/pipeline/pipeline.hpp"

#include <boost/asio/post.hpp>
#include <string>

#include "bcp/daemon/gate/gate.hpp"
#include "bcp/daemon/log.hpp"
#include "bcp/model/reducer.hpp"

namespace bcp::daemon {

Pipeline::Pipeline(boost::asio::io_context& ioc, Journal& journal, CommitRules& rules,
                   model::Situation& situation, Metrics& metrics)
    : ioc_(ioc), situation_(situation), metrics_(metrics) {
  commits_ = std::make_unique<CommitQueue>(
      journal, [this](const std::vector<model::Event>& batch) { on_committed(batch); }, &rules);
  metrics_.commits = &commits_->stats();
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::add_sink(EventSink& sink, SinkThread thread) {
  (thread == SinkThread::io ? io_sinks_ : committer_sinks_).push_back(&sink);
}

void Pipeline::stop() { commits_->stop(); }

void Pipeline::submit(std::vector<model::Event> events, Committed done) {
  // Nothing over a field's limit is stored: what the API did not refuse already comes from a
  // source that never resends (LINE WORKS) or an alert that must not be lost (CAP, JMA,
  // keyword rules), so it is kept, cut at the limit.
  for (model::Event& event : events) {
    for (const std::string& field : cut_to_field_sizes(event)) {
      log(LogLevel::warning, "gate",
          "cut " + field + " of " + std::string(model::type_name(event.body)) + " to its limit");
    }
  }
  // Refused before anything is stored: see check_readable.
  for (const model::Event& event : events) {
    if (auto refusal = check_readable(event)) {
      log(LogLevel::error, "gate",
          "refused an event the codec cannot read back: " + refusal->message);
      auto error = std::make_exception_ptr(UnreadableEvent(refusal->message));
      boost::asio::post(ioc_, [done = std::move(done), error] { done({}, error); });
      return;
    }
  }
  submit_admitted(std::move(events), std::move(done));
}

void Pipeline::submit_admitted(std::vector<model::Event> events, Committed done) {
  commits_->submit(std::move(events),
                   [this, done = std::move(done)](const std::vector<model::Event>& committed,
                                                  std::exception_ptr error) {
                     // Posted after on_committed's post, so the answer leaves after the reducer and
                     // the sinks.
                     boost::asio::post(ioc_, [done, committed, error] { done(committed, error); });
                   });
}

void Pipeline::on_committed(const std::vector<model::Event>& batch) {
  for (EventSink* sink : committer_sinks_) sink->on_committed(batch);
  boost::asio::post(ioc_, [this, batch] { reduce(batch); });
}

void Pipeline::reduce(const std::vector<model::Event>& batch) {
  for (const model::Event& e : batch) model::apply(situation_, e);
  metrics_.accepted += batch.size();
  metrics_.journal_seq = situation_.last_seq;
  for (EventSink* sink : io_sinks_) sink->on_committed(batch);
}

}  // namespace bcp::daemon
