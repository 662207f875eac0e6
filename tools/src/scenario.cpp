#include <cctype>
#include "bcp/tools/scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "bcp/tools/bot_staff.hpp"
#include "bcp/tools/sim_calendars.hpp"
#include "scenario_internal.hpp"

namespace bcp::tools {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::vector<std::string> kKnownSteps = {"talk",     "lineworks",       "availability", "rollcall.start",
                                              "checkin",  "checkins.spread", "alert",        "alert.ack",
                                              "alert.cancel", "rollcall.close", "jma"};

// A step failed for a reason of its own (unresolved reference, unreadable file).
struct StepError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string rfc3339_now_ms(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string str(const json& step, const char* field, const std::string& fallback = {}) {
  if (!step.contains(field)) {
    if (fallback.empty()) throw StepError(std::string("/") + field + ": missing");
    return fallback;
  }
  if (!step[field].is_string()) throw StepError(std::string("/") + field + ": must be a string");
  return step[field].get<std::string>();
}

class Player {
 public:
  Player(const config::TownConfig& town, const PlayOptions& o) : town_(town), o_(o), http_(o.server) {
    if (town.bots.empty()) throw ScenarioError("the town config has no LINE WORKS bot");
    bot_ = town.bots.front();
  }

  // Returns the response; `what` gets a short description for the step's line.
  HttpResponse run(const json& step, std::string& what) {
    const std::string d = step["do"].get<std::string>();
    if (d == "talk") return talk(step, what);
    if (d == "lineworks") return lineworks(step, what);
    if (d == "availability") {
      json body = {{"staff", str(step, "staff")}, {"status", str(step, "status")}};
      if (step.contains("note")) body["note"] = step["note"];
      if (step.contains("until")) body["until"] = step["until"];
      if (step.contains("for_minutes")) {
        body["until"] = rfc3339_now_ms(std::chrono::system_clock::now() +
                                       std::chrono::minutes(step["for_minutes"].get<int>()));
      }
      what = body["staff"].get<std::string>() + " " + body["status"].get<std::string>();
      return http_.post_json("/v1/availability", o_.ingest_token, body.dump());
    }
    if (d == "rollcall.start") {
      json body = {{"title", str(step, "title")},
                   {"drill", step.value("drill", false)},
                   {"departments", step.value("departments", json::array())}};
      what = body["title"].get<std::string>() + (body["drill"].get<bool>() ? " (drill)" : "");
      return http_.post_json("/v1/rollcalls", o_.operator_token, body.dump());
    }
    if (d == "checkin") return checkin(step, what);
    if (d == "alert") {
      json body = {{"kind", str(step, "kind")},         {"severity", str(step, "severity")},
                   {"drill", step.value("drill", false)}, {"title", str(step, "title")},
                   {"body", str(step, "body", " ")}};
      for (const char* f : {"area", "expires"})
        if (step.contains(f)) body[f] = step[f];
      what = body["severity"].get<std::string>() + " " + body["title"].get<std::string>();
      return http_.post_json("/v1/alerts", o_.operator_token, body.dump());
    }
    if (d == "alert.ack" || d == "alert.cancel") {
      const std::string id = ref(step, "alert", "alert");
      json body = json::object();
      if (step.contains("by")) body["by"] = step["by"];
      if (step.contains("reason")) body["reason"] = step["reason"];
      what = id;
      const std::string verb = d == "alert.ack" ? "/ack" : "/cancel";
      return http_.post_json("/v1/alerts/" + id + verb, o_.operator_token, body.dump());
    }
    if (d == "rollcall.close") {
      const std::string id = ref(step, "rollcall", "rollcall");
      what = id;
      return http_.post_json("/v1/rollcalls/" + id + "/close", o_.operator_token, "{}");
    }
    if (d == "jma") {
      const std::string file = str(step, "file");
      std::ifstream in(o_.base_dir / file, std::ios::binary);
      if (!in) throw StepError("cannot read " + (o_.base_dir / file).string());
      std::ostringstream xml;
      xml << in.rdbuf();
      what = file;
      return http_.post_json("/v1/jma", o_.ingest_token, xml.str(), "application/xml");
    }
    throw StepError("unknown step \"" + d + "\"");
  }

  void remember(const json& step, const HttpResponse& res) {
    if (!step.contains("name")) return;
    auto parsed = json::parse(res.body, nullptr, false);
    names_[step["name"].get<std::string>()] = parsed.is_object() ? parsed : json::object();
  }

 private:
  // "$drill" → the `field` of the answer remembered under "drill"; anything else as is.
  std::string ref(const json& step, const char* field, const char* answer_field, const std::string& fallback = {}) {
    std::string v = str(step, field, fallback);
    if (v.empty() || v[0] != '$') return v;
    auto it = names_.find(v.substr(1));
    if (it == names_.end()) throw StepError("/" + std::string(field) + ": no earlier step named \"" + v.substr(1) + "\"");
    if (!it->second.contains(answer_field) || !it->second[answer_field].is_string()) {
      throw StepError("/" + std::string(field) + ": step \"" + v.substr(1) + "\" returned no " + answer_field);
    }
    return it->second[answer_field].get<std::string>();
  }

  const config::Staff& staff(const std::string& id) {
    const config::Staff* s = town_.find_staff(id);
    if (!s) throw StepError("unknown staff \"" + id + "\"");
    return *s;
  }

  HttpResponse talk(const json& step, std::string& what) {
    const config::Staff& s = staff(str(step, "staff"));
    json body = {{"group", str(step, "group")},
                 {"sender", {{"id", s.id}, {"name", s.name}, {"department", s.department}}},
                 {"text", str(step, "text")},
                 {"attachments", step.value("attachments", json::array())}};
    what = body["group"].get<std::string>() + " " + s.id + " " + body["text"].get<std::string>();
    return http_.post_json("/v1/talk", o_.ingest_token, body.dump());
  }

  // LINE WORKS never resends, and the daemon drops a repeated body: every callback gets
  // its own issuedTime.
  std::string issued_time() {
    auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (now <= last_issued_) now = last_issued_ + std::chrono::milliseconds(1);
    last_issued_ = now;
    return rfc3339_now_ms(now);
  }

  std::string lineworks_user(const json& step) {
    if (step.contains("user")) return str(step, "user");
    const config::Staff& s = staff(str(step, "staff"));
    if (!s.lineworks_user) throw StepError("staff \"" + s.id + "\" has no LINE WORKS user");
    return *s.lineworks_user;
  }

  std::string channel(const json& step) {
    if (step.contains("channel")) return str(step, "channel");
    if (!step.contains("group")) return {};
    const config::Group* g = town_.find_group(str(step, "group"));
    if (!g) throw StepError("unknown group \"" + str(step, "group") + "\"");
    return g->lineworks_channel;
  }

  HttpResponse send_callback(json body) {
    body["issuedTime"] = issued_time();
    const std::string raw = body.dump();
    return http_.request("POST", "/callback/lineworks", raw,
                         {{"Content-Type", "application/json"},
                          {"X-WORKS-BotId", bot_.id},
                          {"X-WORKS-Signature", lineworks_signature(bot_.secret, raw)}});
  }

  HttpResponse lineworks(const json& step, std::string& what) {
    std::string what_image;
    json source = {{"userId", lineworks_user(step)}, {"domainId", 1}};
    if (auto ch = channel(step); !ch.empty()) source["channelId"] = ch;
    json body = {{"source", source}};
    if (step.contains("postback")) {
      body["type"] = "postback";
      body["data"] = str(step, "postback");
      what = "postback " + body["data"].get<std::string>();
    } else {
      body["type"] = "message";
      if (step.contains("content")) {
        body["content"] = step["content"];
      } else if (step.contains("image")) {
        // As LINE WORKS sends it: the file is fetched with its fileId (the tenant serves it).
        const std::string image = str(step, "image");
        if (!std::filesystem::is_regular_file(o_.base_dir / image))
          throw StepError("cannot read " + (o_.base_dir / image).string());
        body["content"] = {{"type", "image"}, {"fileId", scenario_image_file_id(image)}};
        what_image = image;
      } else {
        body["content"] = {{"type", "text"}, {"text", str(step, "text")}};
      }
      what = source.value("channelId", "") + " " + body["content"]["type"].get<std::string>() + " " +
             body["content"].value("text", what_image);
    }
    what = source["userId"].get<std::string>() + " " + what;
    return send_callback(std::move(body));
  }

  HttpResponse checkin(const json& step, std::string& what) {
    const std::string rc = ref(step, "rollcall", "rollcall", "current");
    const config::Staff& s = staff(str(step, "staff"));
    const std::string safety = str(step, "safety"), work = str(step, "can_work", "unknown");
    what = s.id + " " + safety + "/" + work;
    if (step.value("via", std::string("api")) == "lineworks") {
      if (!s.lineworks_user) throw StepError("staff \"" + s.id + "\" has no LINE WORKS user");
      std::string data = "anpi=" + safety + "&work=" + work;
      if (rc != "current") data += "&rollcall=" + rc;
      what += " via LINE WORKS";
      return send_callback({{"type", "postback"}, {"source", {{"userId", *s.lineworks_user}, {"domainId", 1}}},
                            {"data", data}});
    }
    json body = {{"staff", s.id}, {"safety", safety}, {"can_work", work}};
    for (const char* f : {"location", "note"})
      if (step.contains(f)) body[f] = step[f];
    return http_.post_json("/v1/rollcalls/" + rc + "/checkins", o_.ingest_token, body.dump());
  }

  const config::TownConfig& town_;
  const PlayOptions& o_;
  HttpClient http_;
  config::Bot bot_;
  std::map<std::string, json> names_;
  std::chrono::sys_time<std::chrono::milliseconds> last_issued_{};
};

std::string answer_summary(const HttpResponse& res) {
  auto j = json::parse(res.body, nullptr, false);
  if (!j.is_object()) return {};
  std::string out;
  for (const char* f : {"rollcall", "alert", "seq"}) {
    if (!j.contains(f)) continue;
    out += std::string(" ") + f + "=" + (j[f].is_string() ? j[f].get<std::string>() : j[f].dump());
  }
  return out;
}

}  // namespace

json load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file.string() + ": cannot read");
  auto j = json::parse(in, nullptr, false);
  if (j.is_discarded()) throw ScenarioError(file.string() + ": not valid JSON");
  return j;
}

std::vector<PlannedStep> plan_scenario(const json& scenario, const config::TownConfig& town) {
  if (!scenario.is_object() || !scenario.contains("steps") || !scenario["steps"].is_array()) {
    throw ScenarioError("/steps: missing or not an array");
  }
  if (scenario.contains("bot_staff")) parse_bot_staff(scenario["bot_staff"]);
  // Judged here too, so a bad section is named whether or not a tenant plays.
  scenario_calendars(scenario, town, std::chrono::system_clock::now());
  std::vector<PlannedStep> plan;
  std::size_t index = 0;
  for (const auto& step : scenario["steps"]) {
    ++index;
    const std::string where = "step " + std::to_string(index);
    if (!step.is_object() || !step.contains("do") || !step["do"].is_string()) {
      throw ScenarioError(where + ": /do: missing");
    }
    const std::string d = step["do"].get<std::string>();
    if (std::find(kKnownSteps.begin(), kKnownSteps.end(), d) == kKnownSteps.end()) {
      throw ScenarioError(where + ": /do: unknown step \"" + d + "\"");
    }
    if (!step.contains("at") || !step["at"].is_number() || step["at"].get<double>() < 0) {
      throw ScenarioError(where + ": /at: seconds from the start, >= 0");
    }
    const double at = step["at"].get<double>();
    if (d == "checkins.spread") {
      const auto skip = step.find("skip_with_bot_staff");
      if (skip != step.end() && !skip->is_boolean()) {
        throw ScenarioError(where + ": /skip_with_bot_staff: true or false");
      }
      auto more = detail::expand_spread(step, at, index, town);
      for (auto& p : more) p.skip_with_bot_staff = skip != step.end() && skip->get<bool>();
      plan.insert(plan.end(), more.begin(), more.end());
    } else {
      plan.push_back({at, index, step});
    }
  }
  std::stable_sort(plan.begin(), plan.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  return plan;
}

PlayResult play_scenario(const json& scenario, const config::TownConfig& town, const PlayOptions& options) {
  if (!(options.speed > 0)) throw ScenarioError("speed must be > 0");
  const auto plan = plan_scenario(scenario, town);
  Player player(town, options);
  PlayResult result;
  const auto start = Clock::now();
  for (const auto& p : plan) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(p.at / options.speed)));
    const std::string d = p.step["do"].get<std::string>();
    // Asked at each such check-in: until the daemon's bot has sent the bot staff a question
    // (a daemon that does not distribute), they are posted as before.
    if (p.skip_with_bot_staff && options.bot_staff_answering && options.bot_staff_answering()) {
      if (result.left_to_bot_staff++ == 0 && options.out) {
        *options.out << "          #" << p.index << " checkins.spread left out: the bot staff answer the bot's questions\n";
        options.out->flush();
      }
      continue;
    }
    const std::string label = "step " + std::to_string(p.index) + " (" + d + ")";
    std::string what;
    HttpResponse res;
    try {
      res = player.run(p.step, what);
    } catch (const StepError& e) {
      result.ok = false;
      result.failed_step = label + ": " + e.what();
    } catch (const ConnectError& e) {
      result.ok = false;
      result.failed_step = label + ": " + e.what();
    }
    if (result.ok && !res.ok()) {
      result.ok = false;
      result.failed_step = label + ": " + std::to_string(res.status) + " " + res.error_message();
    }
    ++result.steps;
    if (options.out) {
      char head[64];
      std::snprintf(head, sizeof head, "%8.1fs  #%-3zu %-15s ", p.at, p.index, d.c_str());
      *options.out << head << what << " -> " << (res.status ? std::to_string(res.status) : "—")
                   << answer_summary(res) << "\n";
      options.out->flush();
    }
    if (!result.ok) return result;
    player.remember(p.step, res);
  }
  return result;
}

std::string scenario_image_file_id(const std::string& image) {
  std::string id = "sim-file-";
  for (char c : image) id += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ? c : '_';
  return id;
}

std::vector<std::string> scenario_images(const json& scenario) {
  std::vector<std::string> out;
  if (!scenario.is_object() || !scenario.contains("steps") || !scenario["steps"].is_array()) return out;
  for (const json& step : scenario["steps"]) {
    if (!step.is_object() || step.value("do", "") != "lineworks") continue;
    auto image = step.find("image");
    if (image == step.end() || !image->is_string()) continue;
    const std::string name = image->get<std::string>();
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace bcp::tools
