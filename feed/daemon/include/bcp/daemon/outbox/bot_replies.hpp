// What the LINE WORKS callback route asks the bot to tell a person (the outbox answers it).
#pragma once

#include <string>

namespace bcp::daemon {

// Threads: any; an implementation queues and returns at once (never blocks the I/O thread).
enum class AnswerProblem { rollcall_closed, rollcall_unknown, no_open_rollcall };
class BotReplies {
 public:
  virtual ~BotReplies() = default;
  // An answer from `lineworks_user` (a mapped staff member's LINE WORKS userId, staff id `staff`)
  // was not counted; the bot tells them why in their 1:1 room.
  virtual void answer_not_counted(const std::string& lineworks_user, const std::string& staff,
                                  const std::string& rollcall, AnswerProblem problem) = 0;
};

}  // namespace bcp::daemon
