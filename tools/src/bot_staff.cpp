// The staff answering the bot (bot_staff.hpp). Owns one thread, the sender: it waits for the
// earliest queued callback to fall due and posts it to the daemon. deliver() runs on the
// tenant's thread and only reads the message and queues; `mutex` guards the queue and logs.
#include "bcp/tools/bot_staff.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "bcp/lineworks/messages.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::tools {

namespace {

using model::CanWork;
using model::Safety;
using nlohmann::json;

const std::vector<std::string> kSafetyNames = {"safe", "minor_injury", "serious_injury",
                                               "needs_help"};
const std::vector<std::string> kWorkNames = {"yes", "later", "no", "unknown"};
// Who has been answered for which roll call and question: bounded, beyond it nothing more is
// answered (a daemon messaging 100,000 distinct questions is a bug worth seeing as silence).
constexpr std::size_t kMaxRemembered = 100'000;

// FNV-1a then splitmix64: the same numbers on every machine and standard library.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

struct PersonDice {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double within(std::pair<double, double> range) {
    return range.first + unit() * (range.second - range.first);
  }
};

// Index picked by `u` in [0, 1) over the weights (named in `weights`, others 0).
std::size_t weighted_pick(const json& weights, const std::vector<std::string>& names, double u) {
  std::vector<double> w;
  double sum = 0;
  for (const auto& n : names) {
    const auto it = weights.is_object() ? weights.find(n) : weights.end();
    const double v = it != weights.end() && it->is_number() ? std::max(0.0, it->get<double>()) : 0;
    w.push_back(v);
    sum += v;
  }
  if (sum <= 0) return 0;
  double acc = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    acc += w[i] / sum;
    if (u < acc && w[i] > 0) return i;
  }
  for (std::size_t i = w.size(); i-- > 0;)
    if (w[i] > 0) return i;
  return 0;
}

// ---- reading the section ------------------------------------------------------------------

double fraction(const json& section, const char* key, double fallback) {
  const auto it = section.find(key);
  if (it == section.end()) return fallback;
  if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
    throw ScenarioError(std::string("/bot_staff/") + key + ": a fraction from 0 to 1");
  return it->get<double>();
}

std::pair<double, double> seconds_range(const json& section, const char* key,
                                        std::pair<double, double> fallback) {
  const auto it = section.find(key);
  if (it == section.end()) return fallback;
  const std::string where = std::string("/bot_staff/") + key;
  if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number())
    throw ScenarioError(where + ": [from, to] in seconds");
  const double lo = (*it)[0].get<double>(), hi = (*it)[1].get<double>();
  if (lo < 0 || hi < lo || hi > 7 * 24 * 3600)
    throw ScenarioError(where + ": 0 <= from <= to <= 604800 seconds");
  return {lo, hi};
}

json answer_weights(const json& section, const char* key, const std::vector<std::string>& names,
                    const json& fallback) {
  const auto it = section.find(key);
  if (it == section.end()) return fallback;
  const std::string where = std::string("/bot_staff/") + key;
  if (!it->is_object()) throw ScenarioError(where + ": an object of answer weights");
  double sum = 0;
  for (const auto& [name, weight] : it->items()) {
    if (std::find(names.begin(), names.end(), name) == names.end())
      throw ScenarioError(where + ": unknown answer \"" + name + "\"");
    if (!weight.is_number() || weight.get<double>() < 0)
      throw ScenarioError(where + "/" + name + ": must be a non-negative number");
    sum += weight.get<double>();
  }
  if (sum <= 0) throw ScenarioError(where + ": weights must add up to more than 0");
  return *it;
}

// ---- what a delivered message asks ----------------------------------------------------------

struct AnswerButton {
  std::string type;  // the callback it makes: "message" or "postback"
  std::string text;  // message: what the person appears to type
  std::string data;
  lineworks::Answer answer;
};

const std::string* string_at(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// An action that answers the roll call, or nothing (a uri, data that is not an answer).
std::optional<AnswerButton> answer_button(const json& action) {
  const std::string* type = string_at(action, "type");
  if (!type) return std::nullopt;
  AnswerButton b;
  const std::string* data = nullptr;
  if (*type == "message") {
    data = string_at(action, "postback");
    const std::string* text = string_at(action, "text");
    if (!text) text = string_at(action, "label");
    if (!data || !text) return std::nullopt;
    b.type = "message";
    b.text = *text;
  } else if (*type == "postback") {
    data = string_at(action, "data");
    if (!data) return std::nullopt;
    b.type = "postback";
  } else {
    return std::nullopt;
  }
  auto answer = lineworks::parse_answer_data(*data);
  if (!answer) return std::nullopt;
  b.data = *data;
  b.answer = std::move(*answer);
  return b;
}

// The answer buttons of a message: a button_template's actions and any quick-reply items.
std::vector<AnswerButton> answer_buttons(const json& content) {
  std::vector<AnswerButton> out;
  if (!content.is_object()) return out;
  auto take = [&](const json& action) {
    if (auto b = answer_button(action)) out.push_back(std::move(*b));
  };
  if (const auto a = content.find("actions"); a != content.end() && a->is_array())
    for (const auto& action : *a) take(action);
  if (const auto q = content.find("quickReply"); q != content.end() && q->is_object())
    if (const auto items = q->find("items"); items != q->end() && items->is_array())
      for (const auto& item : *items)
        if (item.is_object())
          if (const auto action = item.find("action"); action != item.end()) take(*action);
  return out;
}

std::string issued_time_text(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::string question_kind(const json& content) {
  const std::vector<AnswerButton> buttons = answer_buttons(content);
  if (buttons.empty()) return "message without answer buttons";
  const bool work = std::any_of(buttons.begin(), buttons.end(),
                                [](const auto& b) { return b.answer.work.has_value(); });
  return work ? "work question" : "safety question";
}

BotStaffPlan parse_bot_staff(const json& section) {
  if (!section.is_object()) throw ScenarioError("/bot_staff: expected an object");
  for (const auto& [key, _] : section.items()) {
    static const std::vector<std::string> kKeys = {"_comment",    "seed",         "never",
                                                   "quick",       "quick_within", "late_within",
                                                   "work_within", "safety",       "can_work"};
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      throw ScenarioError("/bot_staff/" + key + ": unknown key");
  }
  BotStaffPlan plan;
  if (const auto seed = section.find("seed"); seed != section.end()) {
    if (!seed->is_number_integer() || seed->get<std::int64_t>() < 0 ||
        seed->get<std::int64_t>() > 0xffffffffll)
      throw ScenarioError("/bot_staff/seed: a whole number from 0 to 4294967295");
    plan.seed = static_cast<std::uint32_t>(seed->get<std::int64_t>());
  }
  plan.never = fraction(section, "never", plan.never);
  plan.quick = fraction(section, "quick", plan.quick);
  plan.quick_within = seconds_range(section, "quick_within", plan.quick_within);
  plan.late_within = seconds_range(section, "late_within", plan.late_within);
  plan.work_within = seconds_range(section, "work_within", plan.work_within);
  plan.safety = answer_weights(section, "safety", kSafetyNames, plan.safety);
  plan.can_work = answer_weights(section, "can_work", kWorkNames, plan.can_work);
  return plan;
}

BotStaffDecision decide(const BotStaffPlan& plan, std::string_view user_id) {
  PersonDice dice{fnv1a(user_id, fnv1a(std::to_string(plan.seed)))};
  BotStaffDecision d;
  // Always the same number of draws, in the same order, whatever the outcome: changing one
  // fraction never reshuffles the other choices of the same person.
  const double silent = dice.unit(), fast = dice.unit();
  const double quick_after = dice.within(plan.quick_within);
  const double late_after = dice.within(plan.late_within);
  d.work_after = dice.within(plan.work_within);
  d.safety = *model::enum_from_string<Safety>(
      kSafetyNames[weighted_pick(plan.safety, kSafetyNames, dice.unit())]);
  d.work = *model::enum_from_string<CanWork>(
      kWorkNames[weighted_pick(plan.can_work, kWorkNames, dice.unit())]);
  d.answers = silent >= plan.never;
  d.safety_after = fast < plan.quick ? quick_after : late_after;
  return d;
}

std::string one_to_one_channel(std::string_view bot_id, std::string_view user_id) {
  const std::uint64_t a = fnv1a(user_id, fnv1a(bot_id));
  const std::uint64_t b = PersonDice{a}.next();
  char buf[40];
  std::snprintf(
      buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
      static_cast<unsigned long long>(a >> 32), static_cast<unsigned long long>((a >> 16) & 0xffff),
      static_cast<unsigned long long>(a & 0xffff), static_cast<unsigned long long>(b >> 48),
      static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

struct BotStaff::Impl {
  struct Job {
    std::string user;
    std::string type;  // begin, message, postback
    std::string text;
    std::string data;
  };

  Impl(BotStaffPlan p, BotStaffOptions o)
      : plan(std::move(p)), options(std::move(o)), start(Clock::now()) {
    if (!(options.speed > 0)) throw std::invalid_argument("bot staff: speed must be > 0");
    thread = std::thread([this] { run(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    cv.notify_all();
    thread.join();
  }

  // "   75.2s  bot  …": scenario seconds, like the player's lines.
  void say(const std::string& what) const {
    if (!options.out) return;
    const double t = std::chrono::duration<double>(Clock::now() - start).count() * options.speed;
    char head[32];
    std::snprintf(head, sizeof head, "%8.1fs  bot  ", t);
    *options.out << (head + what + "\n") << std::flush;
  }

  Clock::time_point after(double scenario_seconds) const {
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(scenario_seconds / options.speed));
  }

  // Under the lock.
  void queue(Clock::time_point due, Job job) {
    if (jobs.size() >= options.max_pending) {
      ++dropped;
      return;
    }
    jobs.emplace(due, std::move(job));
    cv.notify_all();
  }

  void deliver(const LineWorksTenant::MessageRequest& m) {
    if (m.kind != "users") return;  // rooms are not a person's 1:1
    if (!options.users.empty() && !options.users.contains(m.to)) return;
    const std::vector<AnswerButton> buttons = answer_buttons(m.content);
    const bool work_question = std::any_of(buttons.begin(), buttons.end(),
                                           [](const auto& b) { return b.answer.work.has_value(); });
    const std::string rollcall =
        buttons.empty() ? std::string() : buttons.front().answer.rollcall.value_or("");
    const std::string what = question_kind(m.content);
    const BotStaffDecision d = decide(plan, m.to);
    say("to " + m.to + ": " + what + (rollcall.empty() ? "" : " rc=" + rollcall) +
        (!buttons.empty() && !d.answers ? " (will not answer)" : ""));

    std::lock_guard lock(mutex);
    if (!buttons.empty()) ++questions;
    if (options.send_begin && begun.size() < kMaxRemembered && begun.insert(m.to).second)
      queue(Clock::now(), {m.to, "begin", {}, {}});
    if (buttons.empty() || !d.answers) return;
    const std::string key = m.to + '\n' + rollcall + '\n' + (work_question ? "work" : "safety");
    // A reminder or a repeat of a question this person already has an answer for.
    if (answered.size() >= kMaxRemembered || !answered.insert(key).second) return;
    auto chosen = std::find_if(buttons.begin(), buttons.end(), [&](const AnswerButton& b) {
      return work_question ? b.answer.work == d.work : b.answer.safety == d.safety;
    });
    if (chosen == buttons.end()) chosen = buttons.begin();
    queue(after(work_question ? d.work_after : d.safety_after),
          {m.to, chosen->type, chosen->text, chosen->data});
  }

  std::string body_of(const Job& job) {
    auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (now <= last_issued) now = last_issued + std::chrono::milliseconds(1);
    last_issued = now;
    json source = {{"userId", job.user}, {"domainId", options.domain_id}};
    json body = {{"type", job.type}, {"source", nullptr}, {"issuedTime", issued_time_text(now)}};
    if (job.type == "message") {
      // A 1:1 room's message has no channelId (notes §3).
      body["content"] = {{"type", "text"}, {"text", job.text}, {"postback", job.data}};
    } else {
      source["channelId"] = one_to_one_channel(options.bot.id, job.user);
      if (job.type == "postback") body["data"] = job.data;
    }
    body["source"] = std::move(source);
    return body.dump();
  }

  Sent send(HttpClient& http, const Job& job) {
    Sent s{Clock::now(), job.user, job.type, job.data, body_of(job), 0};
    try {
      s.status =
          http.request("POST", "/callback/lineworks", s.body,
                       {{"Content-Type", "application/json; charset=UTF-8"},
                        {"X-WORKS-BotId", options.bot.id},
                        {"X-WORKS-Signature", lineworks_signature(options.bot.secret, s.body)}})
              .status;
    } catch (const std::exception&) {
      s.status = 0;  // the daemon is not there (yet, or any more): said on the line below
    }
    // A begin is no answer: said only when the daemon did not take it.
    if (job.type != "begin" || s.status != 200)
      say("from " + job.user + ": " + job.type + (job.data.empty() ? "" : " " + job.data) + " -> " +
          (s.status ? std::to_string(s.status) : "daemon not reached"));
    return s;
  }

  void run() {
    HttpClient http(options.daemon, std::chrono::seconds(5));
    std::unique_lock lock(mutex);
    while (!stopping) {
      if (jobs.empty()) {
        cv.wait(lock);
        continue;
      }
      const auto due = jobs.begin()->first;
      if (due > Clock::now()) {
        cv.wait_until(lock, due);
        continue;
      }
      Job job = std::move(jobs.begin()->second);
      jobs.erase(jobs.begin());
      in_flight = true;
      lock.unlock();
      Sent s = send(http, job);
      lock.lock();
      in_flight = false;
      log.push_back(std::move(s));
      cv.notify_all();
    }
  }

  const BotStaffPlan plan;
  const BotStaffOptions options;
  const Clock::time_point start;

  mutable std::mutex mutex;
  mutable std::condition_variable cv;  // new jobs, stop, and a job done (wait_idle)
  std::multimap<Clock::time_point, Job> jobs;
  bool in_flight = false;
  bool stopping = false;
  std::size_t dropped = 0;
  std::size_t questions = 0;
  std::set<std::string> begun;     // users whose 1:1 room has been opened
  std::set<std::string> answered;  // user \n rollcall \n question
  std::vector<Sent> log;
  std::chrono::sys_time<std::chrono::milliseconds> last_issued{};  // the sender's only

  std::thread thread;  // last: started once everything above exists
};

BotStaff::BotStaff(BotStaffPlan plan, BotStaffOptions options)
    : impl_(std::make_unique<Impl>(std::move(plan), std::move(options))) {}

BotStaff::~BotStaff() = default;

void BotStaff::deliver(const LineWorksTenant::MessageRequest& message) { impl_->deliver(message); }

std::vector<BotStaff::Sent> BotStaff::sent() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

std::size_t BotStaff::questions_received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->questions;
}

std::size_t BotStaff::pending() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->jobs.size() + (impl_->in_flight ? 1 : 0);
}

std::size_t BotStaff::dropped() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->dropped;
}

BotStaff::Clock::time_point BotStaff::last_due() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->jobs.empty() ? Clock::now() : impl_->jobs.rbegin()->first;
}

bool BotStaff::wait_idle(Clock::time_point deadline) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->cv.wait_until(lock, deadline,
                              [&] { return impl_->jobs.empty() && !impl_->in_flight; });
}

}  // namespace bcp::tools
