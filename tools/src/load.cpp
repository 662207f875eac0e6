#include "bcp/tools/load.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bcp::tools {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::vector<const config::Group*> level_c_groups(const config::TownConfig& town) {
  std::vector<const config::Group*> out;
  for (const auto& g : town.groups)
    if (g.level == 'C') out.push_back(&g);
  return out;
}

std::size_t planned_posts(const LoadOptions& o) {
  const double n = std::floor(o.rate * o.duration + 1e-9);
  return static_cast<std::size_t>(std::clamp(n, 1.0, static_cast<double>(kMaxLoadPosts)));
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Tells this run's posts apart from earlier runs' in the same journal.
std::string run_id() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(ms));
  return buf;
}

class Worker {
 public:
  Worker(const LoadOptions& o, const config::TownConfig& town,
         const std::vector<const config::Group*>& groups, const std::string& run)
      : o_(o), town_(town), groups_(groups), run_(run) {}

  LoadPost post(std::size_t index) {
    LoadPost p;
    p.index = index;
    p.marker = "load " + run_ + "-" + std::to_string(index);
    const config::Staff& staff = town_.staff[index % o_.staff];
    std::string target;
    json body;
    if (o_.checkin_every > 0 && (index + 1) % o_.checkin_every == 0) {
      p.kind = "checkin";
      target = "/v1/rollcalls/current/checkins";
      body = {{"staff", staff.id}, {"safety", "safe"}, {"can_work", "yes"}, {"note", p.marker}};
    } else {
      p.kind = "talk";
      target = "/v1/talk";
      const config::Group& group = *groups_[index % o_.groups];
      body = {{"group", group.id},
              {"sender", {{"id", staff.id}, {"name", staff.name}, {"department", staff.department}}},
              {"text", "負荷試験 " + p.marker}};
    }
    if (!http_) http_ = std::make_unique<HttpClient>(o_.server, o_.timeout);
    const auto sent = Clock::now();
    try {
      HttpResponse res = http_->post_json(target, o_.token, body.dump());
      p.status = res.status;
      if (res.ok()) {
        json answer = json::parse(res.body, nullptr, false);
        if (answer.is_object() && answer.contains("seq") && answer["seq"].is_number_integer())
          p.seq = answer["seq"].get<std::int64_t>();
      }
    } catch (const std::exception&) {
      p.status = 0;
      http_.reset();  // a fresh connection for the next post
    }
    p.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    return p;
  }

 private:
  const LoadOptions& o_;
  const config::TownConfig& town_;
  const std::vector<const config::Group*>& groups_;
  const std::string& run_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace

void validate(const LoadOptions& o, const config::TownConfig& town) {
  if (!(o.rate > 0) || o.rate > 100'000) throw std::invalid_argument("--rate: posts per second from 0 to 100000");
  if (!(o.duration > 0) || o.duration > 24 * 3600)
    throw std::invalid_argument("--duration: seconds from 0 to 86400");
  if (o.staff == 0 || o.staff > town.staff.size())
    throw std::invalid_argument("--staff: 1 to " + std::to_string(town.staff.size()) +
                                " (the town's roster)");
  const std::size_t c_groups = level_c_groups(town).size();
  if (o.groups == 0 || o.groups > c_groups)
    throw std::invalid_argument("--groups: 1 to " + std::to_string(c_groups) +
                                " (the town's level-C groups)");
  if (o.connections == 0 || o.connections > kMaxLoadConnections)
    throw std::invalid_argument("--connections: 1 to " + std::to_string(kMaxLoadConnections));
}

LoadReport run_load(const LoadOptions& o, const config::TownConfig& town, std::ostream* progress) {
  validate(o, town);
  const auto groups = level_c_groups(town);
  const std::string run = run_id();
  LoadReport report;
  report.planned = planned_posts(o);
  report.posts.resize(report.planned);

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> acknowledged{0};
  std::mutex last_mutex;
  Clock::time_point last_answer{};
  const Clock::time_point start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  const Clock::time_point give_up =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration)) +
      std::chrono::seconds(1);

  auto work = [&] {
    Worker worker(o, town, groups, run);
    for (std::size_t i = next++; i < report.planned; i = next++) {
      std::this_thread::sleep_until(start +
                                    std::chrono::duration_cast<Clock::duration>(interval * i));
      if (Clock::now() > give_up) {  // far behind schedule: bounded time beats the count
        report.posts[i].index = i;
        ++done;
        continue;
      }
      LoadPost p = worker.post(i);
      p.sent = true;
      if (p.status >= 200 && p.status < 300) ++acknowledged;
      report.posts[i] = std::move(p);  // each index is written by one thread only
      {
        std::lock_guard lock(last_mutex);
        last_answer = std::max(last_answer, Clock::now());
      }
      ++done;
    }
  };
  std::vector<std::thread> threads;
  const std::size_t n_threads = std::min(o.connections, report.planned);
  for (std::size_t t = 0; t < n_threads; ++t) threads.emplace_back(work);

  // Progress while the workers run; joins happen after the last post is answered.
  for (auto tick = start + std::chrono::seconds(1); done.load() < report.planned;
       tick += std::chrono::seconds(1)) {
    while (done.load() < report.planned && Clock::now() < tick)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (progress && done.load() < report.planned) {
      *progress << "bcp-sim: load: " << done.load() << "/" << report.planned << " answered, "
                << acknowledged.load() << " acknowledged\n"
                << std::flush;
    }
  }
  for (auto& t : threads) t.join();

  std::vector<double> latencies;
  for (const LoadPost& p : report.posts) {
    if (!p.sent) continue;
    ++report.sent;
    if (p.status >= 200 && p.status < 300) {
      ++report.acknowledged;
      latencies.push_back(p.latency_ms);
    } else {
      ++report.errors;
      ++report.errors_by_status[p.status];
    }
  }
  std::sort(latencies.begin(), latencies.end());
  report.p50_ms = percentile(latencies, 50);
  report.p99_ms = percentile(latencies, 99);
  report.max_ms = latencies.empty() ? 0 : latencies.back();
  report.elapsed_s = std::chrono::duration<double>(last_answer - start).count();
  return report;
}

std::string LoadReport::summary() const {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << "planned " << planned << ", sent " << sent;
  if (sent < planned) s << " (" << planned - sent << " not sent: the daemon fell behind)";
  s << ", acknowledged " << acknowledged << ", errors " << errors;
  if (!errors_by_status.empty()) {
    s << " (";
    bool first = true;
    for (const auto& [status, n] : errors_by_status) {
      s << (first ? "" : ", ") << (status == 0 ? std::string("no answer") : "HTTP " + std::to_string(status))
        << " x" << n;
      first = false;
    }
    s << ")";
  }
  s << " in " << elapsed_s << " s (" << (elapsed_s > 0 ? acknowledged / elapsed_s : 0.0)
    << " acknowledged/s)\n";
  s.precision(2);
  s << "latency of acknowledged posts: p50 " << p50_ms << " ms, p99 " << p99_ms << " ms, max "
    << max_ms << " ms";
  return s.str();
}

}  // namespace bcp::tools
