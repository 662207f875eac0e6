// RegionService (see region_service.hpp).
#include "bridge/region_service.hpp"

#include <algorithm>
#include <sstream>

#include "bcp/daemon/log.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "bcp/model/strict_json.hpp"
#include "pipeline/core.hpp"

namespace bcp::daemon {

const char* link_name(LinkState s) {
  switch (s) {
    case LinkState::live:
      return "live";
    case LinkState::stale:
      return "stale";
    case LinkState::lost:
      return "lost";
  }
  return "lost";
}

namespace {

std::optional<model::TimePoint> latest(std::optional<model::TimePoint> a,
                                       std::optional<model::TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

nlohmann::json time_or_null(const std::optional<model::TimePoint>& t) {
  return t ? nlohmann::json(model::format_time(*t)) : nlohmann::json(nullptr);
}

// Up to when the region is sure it holds everything of the town: a heartbeat that says the
// town committed no more than we applied vouches for its moment; otherwise the last event.
std::optional<model::TimePoint> data_as_of(const RegionTownState& t) {
  const bool current =
      t.heartbeat_at && t.heartbeat_committed <= static_cast<std::uint64_t>(t.situation.last_seq);
  return current ? latest(t.heartbeat_at, t.last_event_at) : t.last_event_at;
}

double age_seconds(model::TimePoint from, model::TimePoint to) {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

nlohmann::json rollcall_summary(const model::Situation& s) {
  // The actual roll call first, then a drill; when none is open, the last one started.
  const model::RollcallState* rc = s.open_rollcall(false);
  if (!rc) rc = s.open_rollcall(true);
  if (!rc && !s.rollcall_order.empty()) {
    auto it = s.rollcalls.find(s.rollcall_order.back());
    if (it != s.rollcalls.end()) rc = &it->second;
  }
  if (!rc) return nullptr;
  const auto& by_safety = rc->total.by_safety;
  return {{"id", rc->started.rollcall},
          {"title", rc->started.title},
          {"drill", rc->started.drill},
          {"open", rc->open()},
          {"in_scope", rc->total.in_scope},
          {"answered", rc->total.answered},
          {"pending", rc->total.in_scope - std::min(rc->total.in_scope, rc->total.answered)},
          {"safe", by_safety[static_cast<std::size_t>(model::Safety::safe)]},
          {"injured", by_safety[static_cast<std::size_t>(model::Safety::minor_injury)] +
                          by_safety[static_cast<std::size_t>(model::Safety::serious_injury)]}};
}

}  // namespace

LinkState link_of(const RegionTownState& t, model::TimePoint now, const LinkThresholds& limits) {
  const auto heard = latest(t.last_event_at, t.heartbeat_at);
  if (!heard) return LinkState::lost;
  const auto age = now - *heard;
  if (age > limits.lost_after) return LinkState::lost;
  if (age > limits.stale_after) return LinkState::stale;
  // Heard, but the town says it holds more than has arrived, for a while: it cannot store
  // (no quorum) or the region is behind.
  if (t.behind_since && now - *t.behind_since > limits.stale_after) return LinkState::stale;
  return LinkState::live;
}

nlohmann::json town_summary(const RegionTownState& t, model::TimePoint now,
                            const LinkThresholds& limits) {
  const model::Situation& s = t.situation;
  nlohmann::json alerts = nlohmann::json::array();
  for (const model::AlertState* a : s.active_alerts(now)) {
    alerts.push_back({{"id", a->alert.alert},
                      {"title", a->alert.title},
                      {"kind", model::to_string(a->alert.kind)},
                      {"severity", model::to_string(a->alert.severity)},
                      {"drill", a->alert.drill}});
  }
  const model::AvailabilityOverview availability = s.availability_overview(now);
  const auto as_of = data_as_of(t);
  return {{"id", t.id},
          {"name", t.name},
          {"seq", s.last_seq},
          {"last_event_at", time_or_null(t.last_event_at)},
          {"link", link_name(link_of(t, now, limits))},
          {"heartbeat_at", time_or_null(t.heartbeat_at)},
          {"committed", t.heartbeat_committed},
          {"bridged", t.heartbeat_bridged},
          {"data_as_of", time_or_null(as_of)},
          {"data_age_seconds",
           as_of ? nlohmann::json(age_seconds(*as_of, now)) : nlohmann::json(nullptr)},
          {"rollcall", rollcall_summary(s)},
          {"alerts", std::move(alerts)},
          {"drill", s.shows_drill(now)},
          {"staff", availability.total.staff},
          {"available", availability.total.available.size()},
          {"en_route", availability.total.en_route.size()}};
}

config::TownConfig region_as_town(const config::RegionConfig& region) {
  config::TownConfig town;
  town.file = region.file;
  town.base_dir = region.base_dir;
  town.town_name = region.name;
  town.language = region.language;
  town.utc_offset_minutes = region.utc_offset_minutes;
  town.listen = region.listen;
  town.data_dir = region.data_dir;
  town.tokens = region.tokens;
  town.walls = region.walls;
  town.display = region.display;
  return town;
}

RegionService::RegionService(Daemon::Core& core, const config::RegionConfig& region)
    : core_(core), name_(region.name), servers_(region.servers) {
  limits_.stale_after = core.options.region_stale_after;
  limits_.lost_after = std::max(core.options.region_lost_after, limits_.stale_after);
  for (const config::RegionTown& rt : region.towns) {
    order_.push_back(rt.id);
    RegionTownState& t = towns_[rt.id];
    t.id = rt.id;
    t.name = rt.town.town_name;
    t.situation.directory = rt.town.directory();
    const auto dir = core.options.data_dir / "towns" / rt.id;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      throw std::runtime_error(dir.string() +
                               ": cannot create the town's directory: " + ec.message());
    auto journal = open_sqlite_journal(dir / "journal.sqlite3");
    for (model::Seq since = 0;;) {
      auto chunk = journal->read(since, 10'000);
      if (chunk.empty()) break;
      for (const model::Event& e : chunk) model::apply(t.situation, e);
      since = chunk.back().seq;
    }
    replayed_[rt.id] = {static_cast<std::uint64_t>(journal->last_seq()), 0};
    log(LogLevel::info, "region",
        "town " + rt.id + " (" + t.name + "): replayed its journal up to seq " +
            std::to_string(journal->last_seq()));
    journals_[rt.id] = std::move(journal);
  }
}

RegionService::~RegionService() { stop(); }

void RegionService::start() {
  store_thread_ = std::thread([this] { run_store(); });
  bridge::RegionConsumerOptions o;
  o.nats.servers = servers_;
  o.nats.name = "bcp-feedd region";
  o.towns = {order_.begin(), order_.end()};
  o.applied = replayed_;
  o.apply = [this](const bridge::TownEvent& e) { on_event(e); };
  o.heartbeat = [this](const bridge::TownHeartbeat& h) { on_heartbeat(h); };
  o.log = [](const std::string& line) { log(LogLevel::info, "region", line); };
  consumer_ = std::make_unique<bridge::RegionConsumer>(std::move(o));
}

void RegionService::stop() {
  if (consumer_) consumer_->stop();
  {
    std::lock_guard lock(store_mutex_);
    store_stop_ = true;
  }
  store_wake_.notify_all();
  if (store_thread_.joinable()) store_thread_.join();
}

// ---- consumer thread

void RegionService::on_event(const bridge::TownEvent& e) {
  model::Event event;
  try {
    // Anyone who can publish on the subject reaches this: the same strict parser as every
    // other entry point (duplicate keys, depth, number range).
    model::StrictJson parsed = model::parse_strict_json(e.json);
    if (!parsed.value) throw model::CodecError("", "malformed JSON: " + parsed.error);
    event = model::event_from_json(*parsed.value);
    if (event.seq != static_cast<model::Seq>(e.seq)) {
      throw model::CodecError("/seq", "is " + std::to_string(event.seq) + " but its Msg-Id says " +
                                          std::to_string(e.seq));
    }
  } catch (const std::exception& error) {
    // A town sent what the region cannot read: it is not retried for ever (it would stop
    // every town behind it); a notice takes its seq so the town's seqs stay aligned.
    ++undecodable_;
    log(LogLevel::error, "region",
        "town " + e.town + " seq " + std::to_string(e.seq) + ": unreadable event: " + error.what());
    event = {};
    event.seq = static_cast<model::Seq>(e.seq);
    event.at = core_.now();
    event.body =
        model::Notice{"地域: " + e.town + " seq " + std::to_string(e.seq) + " を読めませんでした",
                      model::NoticeLevel::warning};
  }
  {
    std::lock_guard lock(store_mutex_);
    store_queue_.push_back({e.town, event});
  }
  store_wake_.notify_one();
  net::post(core_.ioc, [this, town = e.town, event = std::move(event)] {
    auto it = towns_.find(town);
    if (it == towns_.end()) return;
    RegionTownState& t = it->second;
    if (!model::apply(t.situation, event)) return;
    t.last_event_at = core_.now();
    if (t.behind_since && static_cast<std::uint64_t>(t.situation.last_seq) >= t.heartbeat_committed)
      t.behind_since.reset();
    core_.hub->broadcast_town(town, event);
  });
}

void RegionService::on_heartbeat(const bridge::TownHeartbeat& h) {
  net::post(core_.ioc, [this, h] {
    auto it = towns_.find(h.town);
    if (it == towns_.end()) return;
    RegionTownState& t = it->second;
    t.heartbeat_at = core_.now();
    t.heartbeat_committed = h.committed;
    t.heartbeat_bridged = h.bridged;
    if (h.committed > static_cast<std::uint64_t>(t.situation.last_seq)) {
      if (!t.behind_since) t.behind_since = core_.now();
    } else {
      t.behind_since.reset();
    }
  });
}

// ---- store thread

void RegionService::run_store() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(store_mutex_);
      store_wake_.wait(lock, [&] { return store_stop_ || !store_queue_.empty(); });
      if (store_queue_.empty()) return;  // stopping, all committed
      batch.swap(store_queue_);
    }
    commit(batch);
  }
}

// One transaction per town per round: whatever arrived meanwhile is committed together.
void RegionService::commit(std::deque<Pending>& batch) {
  std::map<std::string, std::vector<model::Event>> by_town;
  for (Pending& p : batch) by_town[p.town].push_back(std::move(p.event));
  for (auto& [town, events] : by_town) {
    Journal& journal = *journals_.at(town);
    std::vector<model::Event> rows;
    model::Seq next = journal.last_seq() + 1;
    for (model::Event& e : events) {
      if (e.seq < next) continue;  // already stored (cannot happen with the consumer's marks)
      // Seqs the stream no longer held (retention): a notice keeps the journal's seqs equal
      // to the town's, so that the next start resumes at the right place.
      while (next < e.seq) {
        model::Event hole;
        hole.seq = next;
        hole.at = e.at;
        hole.body =
            model::Notice{"地域: " + town + " seq " + std::to_string(next) + " は届きませんでした",
                          model::NoticeLevel::warning};
        rows.push_back(std::move(hole));
        ++next;
      }
      rows.push_back(std::move(e));
      ++next;
    }
    if (rows.empty()) continue;
    try {
      journal.append(rows);  // assigns last_seq()+1..., which the loop above made equal
    } catch (const std::exception& error) {
      // The situation has them; the next start finds the journal behind and reads them again
      // from the stream.
      ++store_errors_;
      log(LogLevel::error, "region", "town " + town + ": journal commit failed: " + error.what());
    }
  }
}

// ---- I/O thread

nlohmann::json RegionService::region_json(model::TimePoint now) const {
  nlohmann::json towns = nlohmann::json::array();
  for (const std::string& id : order_) towns.push_back(town_summary(towns_.at(id), now, limits_));
  return {{"name", name_}, {"at", model::format_time(now)}, {"towns", std::move(towns)}};
}

nlohmann::json RegionService::snapshot_json(model::TimePoint now) const {
  nlohmann::json body = region_json(now);
  nlohmann::json situations = nlohmann::json::object();
  for (const std::string& id : order_)
    situations[id] = model::situation_to_json(towns_.at(id).situation);
  body["situations"] = std::move(situations);
  return body;
}

std::uint64_t RegionService::total_seq() const {
  std::uint64_t sum = 0;
  for (const auto& [id, t] : towns_) sum += static_cast<std::uint64_t>(t.situation.last_seq);
  return sum;
}

std::string RegionService::prometheus_text(model::TimePoint now) const {
  std::ostringstream out;
  out << "# HELP bcp_region_town_seq Last seq of each town the region applied.\n"
      << "# TYPE bcp_region_town_seq gauge\n";
  for (const std::string& id : order_)
    out << "bcp_region_town_seq{town=\"" << id << "\"} " << towns_.at(id).situation.last_seq
        << "\n";
  out << "# HELP bcp_region_town_link Link state of each town (1 for the current one).\n"
      << "# TYPE bcp_region_town_link gauge\n";
  for (const std::string& id : order_) {
    const LinkState state = link_of(towns_.at(id), now, limits_);
    for (LinkState s : {LinkState::live, LinkState::stale, LinkState::lost}) {
      out << "bcp_region_town_link{town=\"" << id << "\",state=\"" << link_name(s) << "\"} "
          << (state == s ? 1 : 0) << "\n";
    }
  }
  if (consumer_) {
    const bridge::ConsumerMetrics m = consumer_->metrics();
    auto counter = [&](const char* name, const char* help, std::uint64_t v) {
      out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
          << name << " " << v << "\n";
    };
    counter("bcp_region_delivered_total", "Messages fetched from the durable consumer.",
            m.delivered);
    counter("bcp_region_applied_total", "Town events applied.", m.applied_events);
    counter("bcp_region_duplicates_total", "Redeliveries skipped (already applied).", m.duplicates);
    counter("bcp_region_filled_total", "Events read from the stream to close a hole.", m.filled);
    counter("bcp_region_gaps_total", "Holes the stream could no longer fill (retention).", m.gaps);
    counter("bcp_region_rejected_total", "Messages without a valid town subject or Msg-Id.",
            m.rejected);
    counter("bcp_region_errors_total", "Failed NATS calls and applies (retried).", m.errors);
    counter("bcp_region_heartbeats_total", "Town heartbeats received.", m.heartbeats);
    counter("bcp_region_unreadable_total",
            "Town events the region could not decode (kept as a notice).", undecodable_.load());
    counter("bcp_region_store_errors_total", "Failed commits of a town's journal in the region.",
            store_errors_.load());
    out << "# HELP bcp_region_bound 1 while the durable consumer is bound.\n"
        << "# TYPE bcp_region_bound gauge\nbcp_region_bound " << (m.bound ? 1 : 0) << "\n";
  }
  return out.str();
}

}  // namespace bcp::daemon
