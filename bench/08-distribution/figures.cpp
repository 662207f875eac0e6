#include "figures.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace bcp::bench {
namespace {

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

SendFigures send_figures(const Requests& requests, Clock::time_point rollcall_started,
                         const std::set<std::string>& expected_users, int configured_per_minute) {
  SendFigures f;
  std::vector<Clock::time_point> sent_at;
  std::map<std::string, int> per_person;
  Clock::time_point last_question = rollcall_started;
  for (const auto& r : requests) {
    ++f.requests;
    if (r.status == 429) {
      ++f.too_many;
      continue;
    }
    if (r.status != 201) {
      ++f.other_status[r.status];
      continue;
    }
    ++f.accepted;
    sent_at.push_back(r.at);
    if (r.kind != "users") continue;
    ++f.questions;
    if (!expected_users.count(r.to)) {
      ++f.unexpected;
      continue;
    }
    if (per_person[r.to]++ > 0) {
      ++f.repeated;
      continue;
    }
    // The moment the last person had their question: their first 201.
    last_question = std::max(last_question, r.at);
  }
  f.people_reached = static_cast<int>(per_person.size());
  f.missing = static_cast<int>(expected_users.size()) - f.people_reached;
  f.last_question_s = seconds_between(rollcall_started, last_question);
  if (sent_at.empty()) return f;

  std::sort(sent_at.begin(), sent_at.end());
  f.first_send_s = seconds_between(rollcall_started, sent_at.front());
  f.last_send_s = seconds_between(rollcall_started, sent_at.back());
  const double span = seconds_between(sent_at.front(), sent_at.back());
  const double configured = static_cast<double>(std::max(configured_per_minute, 1));
  if (sent_at.size() > 1 && span > 0) {
    f.achieved_per_minute = static_cast<double>(sent_at.size() - 1) * 60.0 / span;
    f.rate_ratio = f.achieved_per_minute / configured;
  }
  f.ideal_s = static_cast<double>(sent_at.size() - 1) * 60.0 / configured;

  const auto tenth = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(6));
  std::size_t lo = 0;
  for (std::size_t hi = 0; hi < sent_at.size(); ++hi) {
    while (sent_at[hi] - sent_at[lo] >= tenth) ++lo;
    f.peak_tenth_minute = std::max(f.peak_tenth_minute, static_cast<int>(hi - lo + 1));
  }
  f.peak_ratio = f.peak_tenth_minute / (configured / 10.0);

  const double interval_ms = 60'000.0 / configured;
  std::vector<double> gaps;
  for (std::size_t i = 1; i < sent_at.size(); ++i) {
    const double gap = seconds_between(sent_at[i - 1], sent_at[i]) * 1000.0;
    gaps.push_back(gap);
    if (gap > 2 * interval_ms) {
      ++f.stalls;
      f.stalled_s += (gap - interval_ms) / 1000.0;
    }
  }
  std::sort(gaps.begin(), gaps.end());
  f.gap_p50_ms = percentile(gaps, 50);
  f.gap_p99_ms = percentile(gaps, 99);
  f.gap_max_ms = gaps.empty() ? 0 : gaps.back();
  return f;
}

nlohmann::json to_json(const SendFigures& f) {
  nlohmann::json other = nlohmann::json::object();
  for (const auto& [status, count] : f.other_status) other[std::to_string(status)] = count;
  return {{"requests", f.requests},
          {"accepted_201", f.accepted},
          {"status_429", f.too_many},
          {"other_status", other},
          {"questions_201", f.questions},
          {"people_reached", f.people_reached},
          {"missing", f.missing},
          {"repeated", f.repeated},
          {"unexpected", f.unexpected},
          {"first_send_s", f.first_send_s},
          {"last_send_s", f.last_send_s},
          {"last_person_s", f.last_question_s},
          {"achieved_per_minute", f.achieved_per_minute},
          {"rate_ratio", f.rate_ratio},
          {"ideal_s", f.ideal_s},
          {"peak_tenth_minute", f.peak_tenth_minute},
          {"peak_ratio", f.peak_ratio},
          {"gap_p50_ms", f.gap_p50_ms},
          {"gap_p99_ms", f.gap_p99_ms},
          {"gap_max_ms", f.gap_max_ms},
          {"stalls", f.stalls},
          {"stalled_s", f.stalled_s}};
}

std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos || space == 0) continue;
    try {
      out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
      // Not a number (NaN spelled otherwise, a truncated line): not a figure we use.
    }
  }
  return out;
}

std::optional<double> metric(const std::map<std::string, double>& metrics, const std::string& key) {
  const auto it = metrics.find(key);
  if (it == metrics.end()) return std::nullopt;
  return it->second;
}

std::optional<double> metric(const std::map<std::string, double>& metrics, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    if (auto v = metric(metrics, key)) return v;
  }
  return std::nullopt;
}

}  // namespace bcp::bench
