#include "replay_source.hpp"

#include <cstdio>
#include <fstream>

#include "bcp/client/journal_fetch.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::display {
namespace {

struct Loaded {
  std::vector<model::Event> events;
  std::optional<JournalStop> stop;
  std::optional<model::TimePoint> from;  // ?since=N: where playing starts
};

bool is_url(const std::string& s) { return s.find("://") != std::string::npos; }

std::string operator_token(const Options& o, const config::TownConfig& town) {
  if (o.token) return *o.token;
  for (const auto& t : town.tokens) {
    if (t.has(config::Role::operator_) && t.secret) return *t.secret;
  }
  return {};
}

std::optional<Loaded> load_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  JournalFile f = read_journal(in);
  if (!f.error.empty()) {
    error = path + ": " + f.error;
    return std::nullopt;
  }
  return Loaded{std::move(f.events), std::move(f.stop), std::nullopt};
}

std::optional<Loaded> load_daemon(const Options& o, const config::TownConfig& town,
                                  std::string& error) {
  auto url = client::parse_events_url(o.replay, error);
  if (!url) return std::nullopt;
  client::FetchOptions fo;
  fo.token = operator_token(o, town);
  if (fo.token.empty()) {
    error = "the config has no operator token with a plain secret; pass --token";
    return std::nullopt;
  }
  fo.progress = [](std::size_t n, model::Seq seq) {
    std::fprintf(stderr, "bcp-wall: read %zu events (seq %lld)\n", n, static_cast<long long>(seq));
  };
  // The whole journal, always: a situation folded from the middle would be wrong. `since`
  // only says where playing starts.
  JournalReader reader;
  std::size_t number = 0;
  if (!client::fetch_journal(
          *url, 0, fo, [&](const nlohmann::json& e) { return reader.add_event(e, ++number); },
          error)) {
    return std::nullopt;
  }
  Loaded out{reader.take_events(), reader.stop(), std::nullopt};
  for (const auto& e : out.events) {
    if (e.seq > url->since) {
      out.from = arrival_time(e);
      break;
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<ReplaySession> open_replay(const Options& o, const config::TownConfig& town,
                                           std::string& error) {
  const std::string& name = o.replay;
  auto loaded = is_url(name) ? load_daemon(o, town, error) : load_file(name, error);
  if (!loaded) return nullptr;
  const char* what = is_url(name) ? "event" : "line";
  if (loaded->stop) {
    std::fprintf(stderr, "bcp-wall: %s: %s %zu: %s — the replay stops before it\n", name.c_str(),
                 what, loaded->stop->line, loaded->stop->why.c_str());
  }
  if (loaded->events.empty()) {
    error = name + (loaded->stop ? ": nothing to replay before " + std::string(what) + " " +
                                       std::to_string(loaded->stop->line)
                                 : ": no events to replay");
    return nullptr;
  }
  model::Situation initial;
  initial.directory = town.directory();
  ReplayTimeline timeline(std::move(initial), std::move(loaded->events));
  if (loaded->stop && o.at && *o.at > *timeline.last_time()) {
    error = "--at " + model::format_time(*o.at) + " is after " + what + " " +
            std::to_string(loaded->stop->line) + " of " + name +
            ", where the journal is malformed: the wall would show a wrong state";
    return nullptr;
  }
  std::fprintf(stderr, "bcp-wall: replaying %zu events, %s to %s, from %s\n", timeline.size(),
               model::format_time(*timeline.first_time()).c_str(),
               model::format_time(*timeline.last_time()).c_str(), name.c_str());
  ReplayStart start;
  start.at = o.at;
  start.from = loaded->from;
  start.speed = o.speed;
  start.at_end = !o.at && !o.capture.empty() && o.every <= 0;
  return std::make_unique<ReplaySession>(std::move(timeline), std::move(loaded->stop), start,
                                         std::chrono::steady_clock::now());
}

}  // namespace bcp::display
