// The API client's thread: a queue of messages and one of GETs, `lanes` coroutines that each
// take one (a message first), pace it, authorise it and send it on their own kept-alive
// connection, and the retry policy of api_client.hpp. Everything below runs on that one
// thread, except send(), get(), stop() and stats(), which only post to it or read the counters
// under their mutex.
#include "bcp/lineworks/api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "bcp/lineworks/rate_limit.hpp"
#include "connection.hpp"
#include "token_source.hpp"

namespace bcp::lineworks {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using detail::Connection;
using detail::Response;

bcp::http::HttpUrl checked_url(const std::string& url, const char* key) {
  std::string why;
  auto parsed = bcp::http::parse_http_url(url, &why);
  if (!parsed) throw std::invalid_argument(std::string("lineworks_api.") + key + ": " + why);
  return *parsed;
}

// LINE WORKS' error body {"code","description"}, short and on one line (no content in it).
std::string api_reason(const std::string& body) { return detail::error_reason(body, {"code", "description"}); }

std::string http_error(const Response& r) {
  const std::string why = api_reason(r.body);
  return "HTTP " + std::to_string(r.status) + (why.empty() ? "" : " " + why);
}

// rateLimit-reset: seconds until the window resets (DESIGN.md). A value that looks like a
// UNIX time is read as one, in case a server writes the moment instead.
std::optional<std::chrono::seconds> reset_wait(const std::string& header) {
  if (header.empty() || header.size() > 12 ||
      header.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const std::int64_t v = std::stoll(header);
  if (v > 1'000'000'000) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return std::chrono::seconds(std::max<std::int64_t>(v - now, 0));
  }
  return std::chrono::seconds(v);
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

struct ApiClient::Impl {
  struct Job {
    OutgoingMessage message;
    Done done;
    // A GET instead of a message (get()): `get_done` instead of `done`.
    std::optional<GetRequest> get;
    GetDone get_done;
    std::string key;  // the recipient's path: one message per recipient at a time, in order
    int attempts = 0;
    int failures = 0;
    int rate_limited = 0;
    bool renewed = false;
    std::string retried;  // why the last retry happened
  };

  Impl(const config::LineWorksApi& api_config, ClientOptions opts)
      : api(api_config),
        options(std::move(opts)),
        api_url(checked_url(api.api_url, "api_url")),
        tls(net::ssl::context::tls_client),
        limiter(api.messages_per_minute),
        queue_signal(ioc, Clock::time_point::max()),
        work(net::make_work_guard(ioc)) {
    std::string why;
    auto key = RsaKey::private_from_pem(api.private_key_pem, &why);
    if (!key) throw std::invalid_argument("lineworks_api.private_key_file: " + why);
    // The system's CA store (or the test CA) and the host name: a forged certificate is a
    // failed request, never a leaked secret.
    tls.set_verify_mode(net::ssl::verify_peer);
    if (options.ca_file) {
      tls.load_verify_file(options.ca_file->string());
    } else {
      tls.set_default_verify_paths();
    }
    while (api_url.target.size() > 1 && api_url.target.back() == '/') api_url.target.pop_back();
    if (api_url.target == "/") api_url.target.clear();
    tokens = std::make_unique<detail::TokenSource>(
        ioc, tls, api, checked_url(api.auth_url, "auth_url"), std::move(*key), options,
        [this](bool ok, const std::string& error) {
          std::lock_guard lock(mutex);
          ++stats.token_requests;
          if (!ok) {
            ++stats.token_failures;
            stats.last_error = error;
          }
        });
    const int lanes = std::max(options.lanes, 1);
    for (int i = 0; i < lanes; ++i) {
      connections.push_back(std::make_unique<Connection>(ioc, tls, api_url, options.timeout));
      timers.push_back(std::make_unique<net::steady_timer>(ioc));
    }
    for (int i = 0; i < lanes; ++i) {
      net::co_spawn(ioc, lane(static_cast<std::size_t>(i)), [](std::exception_ptr e) {
        // lane() catches everything; this is the last line of defence for the thread.
        (void)e;
      });
    }
    thread = std::thread([this] { ioc.run(); });
  }

  void say(LogLevel level, const std::string& text) {
    if (!options.log) return;
    try {
      options.log(level, text);
    } catch (...) {
    }
  }

  void finish(Job& job, SendResult::Outcome outcome, int status, std::string error,
              Response* answer = nullptr) {
    if (job.get) return finish_get(job, outcome, status, std::move(error), answer);
    SendResult r;
    r.outcome = outcome;
    r.attempts = job.attempts;
    r.status = status;
    r.error = outcome == SendResult::Outcome::sent ? job.retried : std::move(error);
    r.finished = std::chrono::system_clock::now();
    {
      std::lock_guard lock(mutex);
      if (outcome == SendResult::Outcome::sent) ++stats.sent;
      if (outcome == SendResult::Outcome::failed) {
        ++stats.failed;
        stats.last_error = r.error;
      }
    }
    if (outcome == SendResult::Outcome::failed)
      say(LogLevel::warning, "message to " + job.key + " failed: " + r.error);
    if (!job.done) return;
    try {
      job.done(r);
    } catch (const std::exception& e) {
      say(LogLevel::warning, std::string("a send's done callback threw: ") + e.what());
    } catch (...) {
      say(LogLevel::warning, "a send's done callback threw");
    }
    job.done = nullptr;
  }

  void finish_get(Job& job, SendResult::Outcome outcome, int status, std::string error,
                  Response* answer) {
    GetResult r;
    r.outcome = outcome;
    r.attempts = job.attempts;
    r.status = status;
    r.error = outcome == SendResult::Outcome::sent ? job.retried : std::move(error);
    if (answer) {
      r.content_type = std::move(answer->content_type);
      if (outcome == SendResult::Outcome::sent) r.body = std::move(answer->body);
    }
    {
      std::lock_guard lock(mutex);
      if (outcome == SendResult::Outcome::sent) ++stats.fetched;
      if (outcome == SendResult::Outcome::failed) {
        ++stats.fetch_failed;
        stats.last_error = r.error;
      }
    }
    // The path only up to its query: a calendar's window is no secret, but ids are enough.
    const std::string path = job.get->path.substr(0, job.get->path.find('?'));
    if (outcome == SendResult::Outcome::failed)
      say(LogLevel::warning, "GET " + path + " failed: " + r.error);
    if (!job.get_done) return;
    try {
      job.get_done(r);
    } catch (const std::exception& e) {
      say(LogLevel::warning, std::string("a GET's done callback threw: ") + e.what());
    } catch (...) {
      say(LogLevel::warning, "a GET's done callback threw");
    }
    job.get_done = nullptr;
  }

  // GETs never take the last lane (unless there is only one), so a message always finds one.
  std::size_t max_gets_in_flight() const {
    return std::max<std::size_t>(connections.size() > 1 ? connections.size() - 1 : 1, 1);
  }

  // The first queued message whose recipient has nothing in flight; failing that, the first
  // GET, when a lane may take one.
  std::optional<Job> take() {
    auto taken = [this](std::deque<Job>& from, std::deque<Job>::iterator it) {
      Job job = std::move(*it);
      from.erase(it);
      busy.insert(job.key);
      if (job.get) ++gets_in_flight;
      std::lock_guard lock(mutex);
      --stats.queued;
      ++stats.in_flight;
      return job;
    };
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (!busy.contains(it->key)) return taken(queue, it);
    }
    if (!get_queue.empty() && gets_in_flight < max_gets_in_flight())
      return taken(get_queue, get_queue.begin());
    return std::nullopt;
  }

  net::awaitable<void> sleep_until(std::size_t lane_index, Clock::time_point t) {
    auto& timer = *timers[lane_index];
    timer.expires_at(t);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }

  // Waits for this request's slot; a 429 that paused everyone meanwhile moves it back.
  net::awaitable<void> pace(std::size_t lane_index) {
    while (!stopped) {
      co_await sleep_until(lane_index, limiter.reserve(Clock::now()));
      if (Clock::now() >= limiter.paused_until()) co_return;
    }
  }

  http::request<http::string_body> build(const Job& job, const std::string& token) const {
    if (job.get) return build_get(api_url.target + job.get->path, token);
    http::request<http::string_body> req{http::verb::post,
                                         api_url.target + "/bots/" + percent_encode(api.bot_id) +
                                             "/" + job.message.to.path() + "/messages",
                                         11};
    req.set(http::field::user_agent, "bcp-feedd (BCP Wall LINE WORKS client)");
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.body() = nlohmann::json{{"content", job.message.content}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    return req;
  }

  static http::request<http::string_body> build_get(const std::string& target,
                                                    const std::string& token) {
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::user_agent, "bcp-feedd (BCP Wall LINE WORKS client)");
    req.set(http::field::authorization, "Bearer " + token);
    return req;
  }

  // Follows a GET's redirect once, on a one-off connection to the Location (any host, http or
  // https: the same TLS checks and timeouts), with the Bearer again. A Location without a
  // scheme is a path on api_url's host.
  net::awaitable<Response> follow(const Job& job, const Response& redirect,
                                  const std::string& token) {
    Response out;
    std::string location = redirect.location;
    if (location.empty()) {
      out.error = "HTTP " + std::to_string(redirect.status) + " without a Location";
      co_return out;
    }
    if (location.front() == '/') location = api_url.origin() + location;
    std::string why;
    auto target = bcp::http::parse_http_url(location, &why);
    if (!target) {
      out.error = "HTTP " + std::to_string(redirect.status) + " to an unusable Location: " + why;
      co_return out;
    }
    std::string path = target->target.empty() ? "/" : target->target;
    Connection once(ioc, tls, *target, options.timeout);
    redirects.insert(&once);  // stop() cuts it like the lanes' connections
    // Named first: g++ 12 destroys a temporary inside a co_await expression twice.
    http::request<http::string_body> req = build_get(path, token);
    out = co_await once.request(std::move(req), job.get->max_bytes);
    redirects.erase(&once);
    once.close();
    co_return out;
  }

  // A failure that may pass (no answer, 5xx, the token endpoint): true to try again after
  // the backoff, false when the job was failed for good.
  net::awaitable<bool> after_error(std::size_t lane_index, Job& job, int status,
                                   const std::string& error) {
    ++job.failures;
    if (job.failures >= options.max_attempts) {
      finish(job, SendResult::Outcome::failed, status,
             error + " (given up after " + std::to_string(job.failures) + " attempts)");
      co_return false;
    }
    job.retried = error;
    {
      std::lock_guard lock(mutex);
      ++stats.retries;
      stats.last_error = error;
    }
    co_await sleep_until(
        lane_index,
        Clock::now() + backoff_delay(job.failures, options.backoff_base, options.backoff_cap));
    co_return !stopped;
  }

  net::awaitable<void> run(std::size_t lane_index, Job& job) {
    Connection& connection = *connections[lane_index];
    while (!stopped) {
      co_await pace(lane_index);
      if (stopped) break;
      std::string error;
      const std::string token = co_await tokens->get(error);
      if (stopped) break;
      if (token.empty()) {
        if (!co_await after_error(lane_index, job, 0, error)) co_return;
        continue;
      }
      ++job.attempts;
      http::request<http::string_body> req = build(job, token);
      const std::size_t limit = job.get ? job.get->max_bytes : Connection::kMaxAnswerBytes;
      Response res = co_await connection.request(std::move(req), limit);
      if (stopped) break;
      if (job.get && job.get->follow_redirect && is_redirect(res.status)) {
        ++job.attempts;
        res = co_await follow(job, res, token);
        if (stopped) break;
      }
      if (res.too_large) {
        finish(job, SendResult::Outcome::failed, res.status, res.error);
        co_return;
      }
      if (res.status >= 200 && res.status < 300) {
        finish(job, SendResult::Outcome::sent, res.status, {}, &res);
        co_return;
      }
      if (res.status == 401 && !job.renewed) {
        // The token expired or was revoked early: a new one, and this message once more.
        job.renewed = true;
        job.retried = "HTTP 401: token renewed";
        tokens->drop(token);
        std::lock_guard lock(mutex);
        ++stats.retries;
        continue;
      }
      if (res.status == 429) {
        ++job.rate_limited;
        {
          std::lock_guard lock(mutex);
          ++stats.rate_limited;
          ++stats.retries;
        }
        if (job.rate_limited > options.max_rate_limited) {
          finish(job, SendResult::Outcome::failed, 429,
                 "HTTP 429 " + std::to_string(job.rate_limited) + " times in a row");
          co_return;
        }
        auto wait = reset_wait(res.rate_limit_reset);
        const auto pause = std::min<Clock::duration>(
            wait && *wait > std::chrono::seconds(0)
                ? Clock::duration(*wait)
                : Clock::duration(
                      backoff_delay(job.rate_limited, options.backoff_base, options.backoff_cap)),
            options.max_rate_limit_wait);
        // The limit is the tenant's, not this message's: every lane waits it out.
        limiter.pause_until(Clock::now() + pause);
        job.retried =
            "HTTP 429: waited " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(pause).count()) +
            " ms for rateLimit-reset";
        say(LogLevel::warning, "LINE WORKS rate limit reached: " + job.retried);
        continue;
      }
      if (res.status == 0 || res.status >= 500) {
        // Named first: g++ 12 destroys a temporary inside a co_await expression twice.
        const std::string why = res.status == 0 ? res.error : http_error(res);
        if (!co_await after_error(lane_index, job, res.status, why)) co_return;
        continue;
      }
      // Any other answer will not change by repeating the same request.
      finish(
          job, SendResult::Outcome::failed, res.status,
          http_error(res) + (job.renewed && res.status == 401 ? " after renewing the token" : ""),
          &res);
      co_return;
    }
    finish(job, SendResult::Outcome::stopped, 0, "stopped");
  }

  net::awaitable<void> lane(std::size_t lane_index) {
    while (!stopped) {
      std::optional<Job> job = take();
      if (!job) {
        boost::system::error_code ec;
        co_await queue_signal.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      try {
        co_await run(lane_index, *job);
      } catch (const std::exception& e) {
        // Nothing in one message may end the lane.
        finish(*job, SendResult::Outcome::failed, 0, std::string("client error: ") + e.what());
      }
      busy.erase(job->key);
      if (job->get) --gets_in_flight;
      {
        std::lock_guard lock(mutex);
        --stats.in_flight;
      }
      queue_signal.cancel();  // a recipient became free: a waiting lane may take its next
    }
  }

  void enqueue(Job job) {
    if (stopped) {
      finish(job, SendResult::Outcome::stopped, 0, "stopped");
      std::lock_guard lock(mutex);
      --stats.queued;
      return;
    }
    (job.get ? get_queue : queue).push_back(std::move(job));
    queue_signal.cancel();
  }

  void shut_down() {
    stopped = true;
    queue_signal.cancel();
    tokens->stop();
    for (auto& t : timers) t->cancel();
    for (auto& c : connections) c->shutdown();
    for (Connection* c : redirects) c->shutdown();
    for (Job& job : queue) finish(job, SendResult::Outcome::stopped, 0, "stopped");
    for (Job& job : get_queue) finish(job, SendResult::Outcome::stopped, 0, "stopped");
    {
      std::lock_guard lock(mutex);
      stats.queued -= queue.size() + get_queue.size();
    }
    queue.clear();
    get_queue.clear();
    work.reset();
  }

  config::LineWorksApi api;
  ClientOptions options;
  bcp::http::HttpUrl api_url;
  net::io_context ioc;
  net::ssl::context tls;
  RateLimiter limiter;
  std::unique_ptr<detail::TokenSource> tokens;
  std::vector<std::unique_ptr<Connection>> connections;    // one per lane
  std::vector<std::unique_ptr<net::steady_timer>> timers;  // one per lane
  net::steady_timer queue_signal;  // cancelled when a job arrives: wakes idle lanes
  net::executor_work_guard<net::io_context::executor_type> work;
  std::deque<Job> queue;      // messages
  std::deque<Job> get_queue;  // GETs: taken only when no message can be
  std::size_t gets_in_flight = 0;
  std::set<Connection*> redirects;  // one-off connections of redirects in flight
  std::uint64_t get_counter = 0;    // makes each GET's busy key unique
  std::set<std::string> busy;
  bool stopped = false;  // client thread only

  mutable std::mutex mutex;  // guards stats, accepting
  ClientStats stats;
  bool accepting = true;
  std::mutex stop_mutex;
  std::thread thread;  // last: started once everything above exists
};

ApiClient::ApiClient(const config::LineWorksApi& api, ClientOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

ApiClient::~ApiClient() { stop(); }

bool ApiClient::send(OutgoingMessage message, Done done) {
  Impl::Job job;
  job.key = message.to.path();
  job.message = std::move(message);
  job.done = std::move(done);
  std::lock_guard lock(impl_->mutex);
  // Checked and posted under the lock, so nothing is posted after stop()'s own post.
  if (!impl_->accepting || impl_->stats.queued + impl_->stats.in_flight >= impl_->options.max_queue)
    return false;
  ++impl_->stats.queued;
  net::post(impl_->ioc, [impl = impl_.get(), job = std::move(job)]() mutable {
    impl->enqueue(std::move(job));
  });
  return true;
}

bool ApiClient::get(GetRequest request, GetDone done) {
  Impl::Job job;
  job.get = std::move(request);
  job.get_done = std::move(done);
  std::lock_guard lock(impl_->mutex);
  if (!impl_->accepting || impl_->stats.queued + impl_->stats.in_flight >= impl_->options.max_queue)
    return false;
  // GETs have no order among themselves: each its own key (under the mutex, so unique).
  job.key = "GET " + std::to_string(++impl_->get_counter);
  ++impl_->stats.queued;
  net::post(impl_->ioc, [impl = impl_.get(), job = std::move(job)]() mutable {
    impl->enqueue(std::move(job));
  });
  return true;
}

void ApiClient::stop() {
  std::lock_guard stop_lock(impl_->stop_mutex);
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->accepting) return;
    impl_->accepting = false;
    net::post(impl_->ioc, [impl = impl_.get()] { impl->shut_down(); });
  }
  if (impl_->thread.joinable()) impl_->thread.join();
}

ClientStats ApiClient::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace bcp::lineworks
