// The photo workers. Threads: see photo_loader.hpp (the workers, and the UI thread's calls).
#include "photo_loader.hpp"

#include <exception>

namespace bcp::display {

PhotoLoader::PhotoLoader(PhotoFetch fetch, int workers, std::size_t max_queued)
    : fetch_(std::move(fetch)), max_queued_(max_queued) {
  for (int i = 0; i < std::max(1, workers); ++i) threads_.emplace_back([this] { work(); });
}

PhotoLoader::~PhotoLoader() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

bool PhotoLoader::submit(PhotoRequest request) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() + busy_ >= max_queued_) return false;
    queue_.push_back(std::move(request));
  }
  wake_.notify_one();
  return true;
}

void PhotoLoader::take(std::vector<PhotoResult>& out) {
  std::lock_guard lock(mu_);
  for (auto& r : done_) out.push_back(std::move(r));
  done_.clear();
}

std::size_t PhotoLoader::outstanding() const {
  std::lock_guard lock(mu_);
  return queue_.size() + busy_ + done_.size();
}

void PhotoLoader::work() {
  for (;;) {
    PhotoRequest request;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      request = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    PhotoResult result;
    // Nothing thrown by a fetch or a decode may end the wall.
    try {
      result = fetch_(request);
    } catch (const std::exception& e) {
      result = PhotoResult{};
      result.error = e.what();
    } catch (...) {
      result = PhotoResult{};
      result.error = "unknown error";
    }
    result.ref = request.ref;
    result.long_side = request.long_side;
    if (result.error.empty() &&
        (result.width <= 0 || result.height <= 0 ||
         result.rgba.size() != static_cast<std::size_t>(result.width) * result.height * 4)) {
      result.error = "decoded pixels do not match their size";
    }
    std::lock_guard lock(mu_);
    --busy_;
    done_.push_back(std::move(result));
  }
}

}  // namespace bcp::display
