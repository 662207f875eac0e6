// What the journal adds to a roll-call report: the exact moments worth a picture, and the
// alerts raised while the roll call ran. The same reducer as the daemon and the walls.
#include <algorithm>
#include <map>

#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "bcp/tools/drill_report.hpp"

namespace bcp::tools {
namespace {

model::TimePoint arrival(const model::Event& e) { return e.received.value_or(e.at); }

}  // namespace

std::optional<DrillMoments> drill_moments(const model::Situation& initial,
                                          const std::vector<model::Event>& events,
                                          const std::string& rollcall) {
  model::Situation s = initial;
  std::optional<DrillMoments> m;
  model::TimePoint last{};
  for (const auto& e : events) {
    // A replay orders by arrival, made non-decreasing along seq: the same moments here.
    last = std::max(last, arrival(e));
    model::apply(s, e);
    auto rc = s.rollcalls.find(rollcall);
    if (rc == s.rollcalls.end()) continue;
    if (!m) {
      m = DrillMoments{};
      m->start = last;
    }
    if (!m->half && rc->second.reached[1]) m->half = last;
    if (!m->closed && rc->second.closed_at) {
      m->closed = true;
      m->end = last;
    }
  }
  if (m && !m->closed) m->end = last;
  return m;
}

std::vector<ReportAlert> alerts_during(const std::vector<model::Event>& events,
                                       const DrillMoments& m) {
  std::vector<ReportAlert> out;
  std::map<std::string, std::size_t> index;  // alert id -> position in `out`
  for (const auto& e : events) {
    const model::TimePoint t = arrival(e);
    if (const auto* a = std::get_if<model::AlertRaised>(&e.body)) {
      if (t < m.start || t > m.end || index.count(a->alert)) continue;
      ReportAlert r;
      r.alert = a->alert;
      r.kind = std::string(model::to_string(a->kind));
      r.severity = std::string(model::to_string(a->severity));
      r.title = a->title;
      r.area = a->area.value_or("");
      r.drill = a->drill;
      r.raised = t;
      index[a->alert] = out.size();
      out.push_back(std::move(r));
    } else if (const auto* u = std::get_if<model::AlertUpdated>(&e.body)) {
      auto it = index.find(u->alert);
      if (it == index.end()) continue;
      ReportAlert& r = out[it->second];
      if (u->title) r.title = *u->title;
      if (u->severity) r.severity = std::string(model::to_string(*u->severity));
      if (u->area) r.area = *u->area;
    } else if (const auto* k = std::get_if<model::AlertAcknowledged>(&e.body)) {
      auto it = index.find(k->alert);
      if (it != index.end() && !out[it->second].acknowledged) {
        out[it->second].acknowledged = t;
        out[it->second].acknowledged_by = k->by;
      }
    } else if (const auto* c = std::get_if<model::AlertCancelled>(&e.body)) {
      auto it = index.find(c->alert);
      if (it != index.end() && !out[it->second].cancelled) {
        out[it->second].cancelled = t;
        out[it->second].cancel_reason = c->reason.value_or("");
      }
    }
  }
  return out;
}

}  // namespace bcp::tools
