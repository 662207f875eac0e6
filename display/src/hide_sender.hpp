// The wall PC's own requests to take a post off every wall (the H key, issue 13). Owns a
// worker thread per request, so the UI thread never waits on the network; the thread is
// joined before the next request starts and when the sender goes away.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "bcp/client/talk_hide.hpp"

namespace bcp::display {

class HideSender {
 public:
  // `token`: an operator token, or "" when this PC has none (can_send() is then false and
  // the wall shows the bcpctl command line instead).
  HideSender(std::string host, std::string port, std::string token);
  ~HideSender();
  HideSender(const HideSender&) = delete;
  HideSender& operator=(const HideSender&) = delete;

  bool can_send() const { return !token_.empty(); }
  // Starts taking `message_id` off the wall; false while an earlier request is under way.
  bool send(const std::string& message_id, const std::string& reason);
  // The outcome of the finished request, once.
  std::optional<client::HideOutcome> take();

 private:
  std::string host_, port_, token_;
  std::thread worker_;
  std::atomic<bool> busy_{false};
  std::mutex mu_;
  std::optional<client::HideOutcome> done_;  // guarded by mu_
};

}  // namespace bcp::display
