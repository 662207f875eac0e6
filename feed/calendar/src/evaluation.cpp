// evaluate(): the steps a worker process runs for one calendar, and the record it writes.
#include <cstring>
#include <new>

#include "bcp/calendar/isolated.hpp"
#include "calendar_data.hpp"
#include "evaluation_wire.hpp"

namespace bcp::calendar {

Evaluation evaluate(std::string_view ics, const EvaluationOptions& options) {
  Evaluation out;
  try {
    Calendar calendar = parse_ics(ics, options.parse_limits);
    out.timeline =
        expand(calendar, options.from, options.span, options.utc_offset_minutes, options.limits);
    out.events = calendar.total_events();
    out.busy_events = calendar.busy_events();
    out.outcome = Evaluation::Outcome::ok;
  } catch (const CalendarError& e) {
    out.outcome = Evaluation::Outcome::invalid;
    out.error = e.what();
  } catch (const std::bad_alloc&) {
    const std::atomic<std::uint32_t>* line = options.parse_limits.progress_line;
    out.outcome = Evaluation::Outcome::over_budget;
    out.error = at_line(line && line->load() ? line->load() : 1,
                        "evaluating the calendar needs more memory than allowed (stopped at "
                        "this line)");
  } catch (const std::exception& e) {
    out.outcome = Evaluation::Outcome::invalid;
    out.error = e.what();
  }
  return out;
}

namespace wire {
namespace {

constexpr std::uint8_t kNoStatus = 0xff;
constexpr std::uint8_t kStatuses = static_cast<std::uint8_t>(model::Availability::unknown) + 1;

void put(std::string& out, std::uint64_t v, int bytes = 8) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void put_text(std::string& out, std::string_view s) {
  put(out, s.size(), 4);
  out.append(s);
}

std::int64_t millis(model::TimePoint t) { return t.time_since_epoch().count(); }

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && in_.empty(); }

  std::uint64_t number(int bytes = 8) {
    if (!ok_ || in_.size() < static_cast<std::size_t>(bytes)) return fail();
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    }
    in_.remove_prefix(static_cast<std::size_t>(bytes));
    return v;
  }
  std::string text() {
    std::uint64_t n = number(4);
    if (!ok_ || in_.size() < n) return fail(), std::string();
    std::string out(in_.substr(0, n));
    in_.remove_prefix(n);
    return out;
  }
  model::TimePoint time() {
    return model::TimePoint{std::chrono::milliseconds{static_cast<std::int64_t>(number())}};
  }

 private:
  std::uint64_t fail() {
    ok_ = false;
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

std::string encode(const Evaluation& e) {
  std::string body;
  put(body, static_cast<std::uint64_t>(e.outcome), 1);
  put_text(body, e.error);
  put(body, e.events);
  put(body, e.busy_events);
  put(body, static_cast<std::uint64_t>(millis(e.timeline.from)));
  put(body, static_cast<std::uint64_t>(millis(e.timeline.to)));
  put(body, e.timeline.truncated ? 1 : 0, 1);
  put_text(body, e.timeline.truncated_at);
  put(body, e.timeline.segments.size(), 4);
  for (const Timeline::Segment& s : e.timeline.segments) {
    put(body, static_cast<std::uint64_t>(millis(s.start)));
    put(body, s.status ? static_cast<std::uint64_t>(*s.status) : kNoStatus, 1);
  }
  std::string out;
  put(out, body.size(), 4);
  return out + body;
}

std::size_t body_length(std::string_view header) {
  Reader r(header.substr(0, kHeaderBytes));
  return static_cast<std::size_t>(r.number(4));
}

std::optional<Evaluation> decode(std::string_view body) {
  Reader r(body);
  Evaluation e;
  const std::uint64_t outcome = r.number(1);
  if (outcome > static_cast<std::uint64_t>(Evaluation::Outcome::unavailable)) return std::nullopt;
  e.outcome = static_cast<Evaluation::Outcome>(outcome);
  e.error = r.text();
  e.events = static_cast<std::size_t>(r.number());
  e.busy_events = static_cast<std::size_t>(r.number());
  e.timeline.from = r.time();
  e.timeline.to = r.time();
  e.timeline.truncated = r.number(1) != 0;
  e.timeline.truncated_at = r.text();
  const std::uint64_t segments = r.number(4);
  if (!r.ok() || segments > body.size() / 9) return std::nullopt;
  for (std::uint64_t i = 0; i < segments; ++i) {
    Timeline::Segment s;
    s.start = r.time();
    const std::uint64_t status = r.number(1);
    if (status != kNoStatus) {
      if (status >= kStatuses) return std::nullopt;
      s.status = static_cast<model::Availability>(status);
    }
    if (!e.timeline.segments.empty() && s.start < e.timeline.segments.back().start) {
      return std::nullopt;
    }
    e.timeline.segments.push_back(s);
  }
  if (!r.done()) return std::nullopt;
  return e;
}

}  // namespace wire
}  // namespace bcp::calendar
