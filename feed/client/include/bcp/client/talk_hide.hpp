// Taking a post off the wall from the wall PC (its H key, issue 13): POST
// /v1/talk/{message_id}/hide with an operator token. Blocking with a deadline, on the
// caller's thread: bcp-wall runs it on a worker thread of its own, never on the UI thread.
// Asio stays inside the implementation, so display/ never sees it.
#pragma once

#include <chrono>
#include <string>

#include "bcp/model/events.hpp"

namespace bcp::client {

struct HideOutcome {
  bool ok = false;
  int status = 0;       // the daemon's answer; 0 when none came
  model::Seq seq = 0;   // the journaled talk.hidden, when ok
  std::string message;  // why not, in a line (the daemon's own error text when it refused)
};

HideOutcome hide_talk_message(const std::string& host, const std::string& port,
                              const std::string& operator_token, const std::string& message_id,
                              const std::string& reason,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace bcp::client
