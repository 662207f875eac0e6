// Busy intervals -> Timeline (a sweep over their starts and ends), and the status at a moment
// from a Timeline (a binary search). No libical here: this is what runs on every tick.
#include <algorithm>
#include <array>

#include "calendar_data.hpp"

namespace bcp::calendar {
namespace {

using Counts = std::array<int, kKinds>;

std::optional<model::Availability> strongest(const Counts& counts,
                                             const std::array<model::Availability, kKinds>& of) {
  for (int k = kKinds - 1; k >= 0; --k) {
    if (counts[static_cast<std::size_t>(k)] > 0) return of[static_cast<std::size_t>(k)];
  }
  return std::nullopt;
}

}  // namespace

Timeline make_timeline(const std::vector<BusyInterval>& busy, model::TimePoint from,
                       model::TimePoint to) {
  // The status each priority stands for (leave, trip, meeting, remote).
  std::array<model::Availability, kKinds> of{};
  of[static_cast<std::size_t>(Kind::remote)] = model::Availability::remote;
  of[static_cast<std::size_t>(Kind::meeting)] = model::Availability::meeting;
  of[static_cast<std::size_t>(Kind::trip)] = model::Availability::trip;
  of[static_cast<std::size_t>(Kind::leave)] = model::Availability::leave;

  // What holds at `from`, then each boundary inside the window (an end exactly at `to` is
  // still seen, so `until` can be the window's last moment).
  Counts counts{};
  struct Edge {
    model::TimePoint at;
    int delta;
    std::size_t kind;
  };
  std::vector<Edge> edges;
  edges.reserve(busy.size() * 2);
  for (const BusyInterval& i : busy) {
    if (i.end <= from || i.start >= to || i.end <= i.start) continue;
    const auto k = static_cast<std::size_t>(priority(i.status));
    if (i.start <= from) {
      ++counts[k];
    } else {
      edges.push_back({i.start, +1, k});
    }
    if (i.end <= to) edges.push_back({i.end, -1, k});
  }
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.at < b.at; });

  Timeline out;
  out.from = from;
  out.to = to;
  out.segments.push_back({from, strongest(counts, of)});
  for (std::size_t i = 0; i < edges.size();) {
    const model::TimePoint at = edges[i].at;
    for (; i < edges.size() && edges[i].at == at; ++i) counts[edges[i].kind] += edges[i].delta;
    std::optional<model::Availability> now = strongest(counts, of);
    if (now != out.segments.back().status) out.segments.push_back({at, now});
  }
  return out;
}

CalendarStatus status_at(const Timeline& timeline, model::TimePoint now,
                         std::chrono::seconds lookahead) {
  CalendarStatus out;
  out.truncated = timeline.truncated;
  if (!timeline.covers(now) || timeline.segments.empty()) return out;
  auto after =
      std::upper_bound(timeline.segments.begin(), timeline.segments.end(), now,
                       [](model::TimePoint t, const Timeline::Segment& s) { return t < s.start; });
  const Timeline::Segment& current = *std::prev(after);
  out.status = current.status;
  if (after != timeline.segments.end() && after->start <= now + lookahead) out.until = after->start;
  if (out.status) {
    // Event titles may be classified above level C ("人事面談: 山田", a medical appointment)
    // and the wall is seen by visitors, so the note is generic: it says where the status
    // came from, never what the event is.
    out.note = "予定表より";
  }
  return out;
}

Calendar::Calendar(std::shared_ptr<const Data> data) : data_(std::move(data)) {}
std::size_t Calendar::busy_events() const { return data_->events.size(); }
std::size_t Calendar::total_events() const { return data_->total; }

CalendarStatus status_at(const Calendar& calendar, model::TimePoint now, int utc_offset_minutes,
                         const Limits& limits) {
  const std::chrono::seconds lookahead = limits.lookahead;
  return status_at(expand(calendar, now, lookahead, utc_offset_minutes, limits), now, lookahead);
}

}  // namespace bcp::calendar
