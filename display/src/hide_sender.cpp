#include "hide_sender.hpp"

namespace bcp::display {

HideSender::HideSender(std::string host, std::string port, std::string token)
    : host_(std::move(host)), port_(std::move(port)), token_(std::move(token)) {}

HideSender::~HideSender() {
  // A request in flight ends by its own deadline (hide_talk_message's timeout).
  if (worker_.joinable()) worker_.join();
}

bool HideSender::send(const std::string& message_id, const std::string& reason) {
  if (!can_send() || busy_.exchange(true)) return false;
  if (worker_.joinable()) worker_.join();  // the previous one has finished (busy_ was false)
  worker_ = std::thread([this, message_id, reason] {
    client::HideOutcome outcome;
    try {
      outcome = client::hide_talk_message(host_, port_, token_, message_id, reason);
    } catch (const std::exception& e) {
      outcome.message = e.what();
    } catch (...) {
      outcome.message = "unknown error";
    }
    {
      std::lock_guard lock(mu_);
      done_ = std::move(outcome);
    }
    busy_ = false;
  });
  return true;
}

std::optional<client::HideOutcome> HideSender::take() {
  std::lock_guard lock(mu_);
  auto out = std::move(done_);
  done_.reset();
  return out;
}

}  // namespace bcp::display
