// See photo_fetcher.hpp. Threads: the worker (run) owns ready_, later_, in_flight_ and every
// journal write of photo_fetch; other threads only post to the mailbox.
#include "photos/photo_fetcher.hpp"

#include <boost/asio/post.hpp>

#include "bcp/daemon/log.hpp"
#include "bcp/lineworks/messages.hpp"
#include "bcp/photo/photo.hpp"
#include "pipeline/core.hpp"

namespace bcp::daemon {
namespace {

constexpr const char* kLog = "photos";
constexpr int kMaxInFlight = 2;  // the client queues GETs behind messages; two keep it busy

std::string describe(const PhotoJob& job) {
  return "photo " + std::to_string(job.attachment) + " of message " + job.message_id + " in " +
         job.group;
}

}  // namespace

void PhotoFetcher::Mailbox::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex);
    if (closed) return;
    tasks.push_back(std::move(task));
  }
  wake.notify_one();
}

PhotoFetcher::PhotoFetcher(Daemon::Core& core, Get get, std::string bot_id, Retry retry)
    : core_(core),
      get_(std::move(get)),
      bot_id_(std::move(bot_id)),
      retry_(std::move(retry)),
      store_(core.options.data_dir) {
  if (retry_.delays.empty()) retry_.delays.push_back(std::chrono::minutes(30));
}

PhotoFetcher::~PhotoFetcher() { stop(); }

void PhotoFetcher::start() {
  if (worker_.joinable()) return;
  std::vector<PhotoJob> pending;
  try {
    pending = core_.journal->pending_photo_jobs();
  } catch (const std::exception& e) {
    log(LogLevel::error, kLog, std::string("pending photos not read: ") + e.what());
  }
  if (!pending.empty())
    log(LogLevel::info, kLog, "resuming " + std::to_string(pending.size()) + " photos to fetch");
  stats_.pending = static_cast<std::int64_t>(pending.size());
  for (PhotoJob& job : pending) ready_.push_back(std::move(job));
  worker_ = std::thread([this] { run(); });
}

void PhotoFetcher::stop() {
  {
    std::lock_guard lock(mailbox_->mutex);
    mailbox_->closed = true;
  }
  mailbox_->wake.notify_all();
  if (worker_.joinable()) worker_.join();
}

void PhotoFetcher::take(PhotoJob job) {
  mailbox_->post([this, job = std::move(job)]() mutable { add(std::move(job)); });
}

void PhotoFetcher::run() {
  for (;;) {
    // Retries whose time has come join the queue in the order they were due; then as many
    // fetches start as may be in flight (jobs resumed from the journal start here).
    const auto now = Clock::now();
    while (!later_.empty() && later_.begin()->first <= now) {
      ready_.push_back(std::move(later_.begin()->second));
      later_.erase(later_.begin());
    }
    run_guarded(kLog, "starting photo fetches", [this] { pump(); });
    std::deque<std::function<void()>> tasks;
    {
      std::unique_lock lock(mailbox_->mutex);
      const auto has_work = [&] { return mailbox_->closed || !mailbox_->tasks.empty(); };
      if (later_.empty() || in_flight_ >= kMaxInFlight) {
        mailbox_->wake.wait(lock, has_work);
      } else {
        mailbox_->wake.wait_until(lock, later_.begin()->first, has_work);
      }
      if (mailbox_->closed) return;
      tasks.swap(mailbox_->tasks);
    }
    for (auto& task : tasks) run_guarded(kLog, "a photo task", task);
  }
}

void PhotoFetcher::add(PhotoJob job) {
  try {
    std::optional<PhotoJob> stored = core_.journal->add_photo_job(std::move(job));
    if (!stored) return;  // that attachment is already known (a replayed callback)
    job = std::move(*stored);
  } catch (const std::exception& e) {
    // Fetched all the same; only a restart before it is kept would forget it.
    log(LogLevel::error, kLog, describe(job) + ": not journaled: " + e.what());
    job.id = 0;
  }
  ++stats_.pending;
  ready_.push_back(std::move(job));
}

void PhotoFetcher::pump() {
  while (in_flight_ < kMaxInFlight && !ready_.empty()) {
    PhotoJob job = std::move(ready_.front());
    ready_.pop_front();
    fetch(std::move(job));
  }
}

void PhotoFetcher::fetch(PhotoJob job) {
  lineworks::GetRequest request;
  request.path = "/bots/" + lineworks::percent_encode(bot_id_) + "/attachments/" +
                 lineworks::percent_encode(job.file_id);
  request.max_bytes = photo::Limits{}.max_input_bytes;
  request.follow_redirect = true;
  ++in_flight_;
  std::weak_ptr<Mailbox> mailbox = mailbox_;
  const bool queued = get_(std::move(request), [this, mailbox, job](lineworks::GetResult r) {
    // The client's thread: hand the answer over (a fetcher gone meanwhile is not told).
    if (auto box = mailbox.lock())
      box->post([this, job, r = std::move(r)]() mutable { on_fetched(std::move(job), r); });
  });
  if (!queued) {
    --in_flight_;
    fail_once(std::move(job), "the API client's queue is full or stopping");
  }
}

void PhotoFetcher::on_fetched(PhotoJob job, const lineworks::GetResult& r) {
  --in_flight_;
  using Outcome = lineworks::SendResult::Outcome;
  if (r.outcome == Outcome::stopped) return;  // stays pending for the next start
  if (r.outcome == Outcome::sent) return keep(std::move(job), r.body);
  // The client already retried 5xx and timeouts; a 4xx other than 401/429 is final there too.
  const bool final = r.status >= 400 && r.status < 500 && r.status != 429 && r.status != 401;
  const std::string why = r.status ? "HTTP " + std::to_string(r.status) : r.error;
  if (final) return give_up(job, why);
  fail_once(std::move(job), why);
}

void PhotoFetcher::keep(PhotoJob job, const std::string& bytes) {
  std::string error;
  std::optional<photo::Reencoded> image = photo::reencode(bytes, photo::Limits{}, error);
  if (!image) return give_up(job, "not kept: " + error);
  std::string ref;
  try {
    ref = store_.keep(image->jpeg);
  } catch (const std::exception& e) {
    return fail_once(std::move(job), std::string("not stored: ") + e.what());
  }
  model::TalkPhoto photo;
  photo.group = job.group;
  photo.message_id = job.message_id;
  photo.attachment = job.attachment;
  photo.ref = ref;
  photo.width = image->width;
  photo.height = image->height;
  model::Event event;
  event.at = core_.now();
  event.body = std::move(photo);
  std::weak_ptr<Mailbox> mailbox = mailbox_;
  // Submitted on the I/O thread, like every event the daemon makes itself.
  boost::asio::post(core_.ioc, [this, mailbox, job, ref, event = std::move(event)]() mutable {
    if (core_.stopping || !core_.pipeline) return;  // pending: fetched again after a restart
    std::vector<model::Event> events;
    events.push_back(std::move(event));
    core_.submit(std::move(events), [this, mailbox, job, ref](std::vector<model::Event>,
                                                              std::exception_ptr error) {
      const std::string why = error ? submit_refusal(error).message : std::string();
      if (auto box = mailbox.lock())
        box->post([this, job, ref, ok = !error, why] { on_journaled(job, ref, ok, why); });
    });
  });
}

void PhotoFetcher::on_journaled(PhotoJob job, const std::string& ref, bool ok,
                                const std::string& why) {
  if (!ok) return fail_once(std::move(job), "talk.photo not journaled: " + why);
  mark(job, PhotoJobState::done, ref);
  --stats_.pending;
  ++stats_.fetched;
  log(LogLevel::info, kLog, describe(job) + " kept as " + ref);
}

void PhotoFetcher::fail_once(PhotoJob job, const std::string& why) {
  ++job.failures;
  if (job.failures >= retry_.max_failures) return give_up(job, why);
  const std::size_t step =
      std::min<std::size_t>(static_cast<std::size_t>(job.failures) - 1, retry_.delays.size() - 1);
  const auto delay = retry_.delays[step];
  log(LogLevel::warning, kLog,
      describe(job) + ": " + why + " (try " + std::to_string(job.failures + 1) + " in " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(delay).count()) + " s)");
  mark(job, PhotoJobState::pending, why);
  ++stats_.retries;
  later_.emplace(Clock::now() + delay, std::move(job));
}

void PhotoFetcher::give_up(const PhotoJob& job, const std::string& why) {
  log(LogLevel::warning, kLog, describe(job) + ": given up: " + why);
  mark(job, PhotoJobState::failed, why);
  --stats_.pending;
  ++stats_.failed;
}

void PhotoFetcher::mark(const PhotoJob& job, PhotoJobState state, const std::string& note) {
  if (job.id == 0) return;
  try {
    core_.journal->update_photo_job(job.id, state, job.failures, note);
  } catch (const std::exception& e) {
    log(LogLevel::error, kLog, describe(job) + ": state not journaled: " + e.what());
  }
}

}  // namespace bcp::daemon
