// What the LINE WORKS callback route asks the bot to say back to one person (DESIGN.md "LINE
// WORKS both ways": an answer naming a closed or unknown roll call is never counted for
// another one, and the person is told). The route only calls this; the outbox implements it
// (outbox/outbox.hpp: journals the reply and sends it through the API client).
//
// Threads: any; an implementation queues and returns at once (never blocks the I/O thread).
#pragma once

#include <string>

namespace bcp::daemon {

// Why an answer was not counted.
enum class AnswerProblem {
  rollcall_closed,   // its postback data names a roll call that is closed
  rollcall_unknown,  // it names a roll call the journal has never seen
  no_open_rollcall,  // it names none (`anpi=…&work=…`) and no roll call is open
};

class BotReplies {
 public:
  virtual ~BotReplies() = default;
  // An answer from `lineworks_user` (a mapped staff member's LINE WORKS userId, staff id `staff`)
  // was not counted; the bot tells them why in their 1:1 room. `rollcall` is the id the answer
  // named (at most 300 bytes, as postback data is), empty for no_open_rollcall.
  virtual void answer_not_counted(const std::string& lineworks_user, const std::string& staff,
                                  const std::string& rollcall, AnswerProblem problem) = 0;
};

}  // namespace bcp::daemon
