// A BotReplies (bcp/daemon/outbox/bot_replies.hpp) that records what the daemon asked the bot
// to say, for tests to assert on. Called on the daemon's I/O thread, read on the test's: the
// route calls it before it answers the callback, so a test that got its 200 reads it at once.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "bcp/daemon/outbox/bot_replies.hpp"

namespace bcp::daemon::test {

struct NotCountedReply {
  std::string lineworks_user;
  std::string staff;
  std::string rollcall;
  AnswerProblem problem;
  bool operator==(const NotCountedReply&) const = default;
};

class RecordingBotReplies : public BotReplies {
 public:
  void answer_not_counted(const std::string& lineworks_user, const std::string& staff,
                          const std::string& rollcall, AnswerProblem problem) override {
    std::lock_guard lock(mu_);
    replies_.push_back({lineworks_user, staff, rollcall, problem});
  }
  std::vector<NotCountedReply> replies() const {
    std::lock_guard lock(mu_);
    return replies_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<NotCountedReply> replies_;
};

}  // namespace bcp::daemon::test
