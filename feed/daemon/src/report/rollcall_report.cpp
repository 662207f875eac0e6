#include "report/rollcall_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "bcp/lineworks/messages.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon {

namespace {

using model::CanWork;
using model::Safety;
using nlohmann::json;

constexpr std::array<Safety, 4> kSafeties{Safety::safe, Safety::minor_injury,
                                          Safety::serious_injury, Safety::needs_help};
constexpr std::array<CanWork, 4> kCanWorks{CanWork::yes, CanWork::later, CanWork::no,
                                           CanWork::unknown};
constexpr std::array<const char*, 4> kMilestones{"25", "50", "75", "90"};
constexpr std::string_view kUnanswered = "未回答";

std::string offset_text(int minutes) {
  char buf[16];  // room for any int, so the compiler can prove no truncation
  const int a = std::abs(minutes);
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

double rate(const model::RollcallCounts& c) {
  return c.in_scope == 0 ? 0.0 : static_cast<double>(c.answered) / static_cast<double>(c.in_scope);
}

std::string percent_text(const model::RollcallCounts& c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", rate(c) * 100.0);
  return buf;
}

std::int64_t seconds_between(model::TimePoint from, model::TimePoint to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

json tally_json(const model::RollcallCounts& c) {
  json safety = json::object(), work = json::object();
  for (Safety s : kSafeties) safety[std::string(model::to_string(s))] = c.by_safety[std::size_t(s)];
  for (CanWork w : kCanWorks)
    work[std::string(model::to_string(w))] = c.by_can_work[std::size_t(w)];
  return {{"in_scope", c.in_scope},
          {"answered", c.answered},
          {"unanswered", c.in_scope - c.answered},
          {"response_rate", rate(c)},
          {"by_safety", std::move(safety)},
          {"by_can_work", std::move(work)}};
}

json optional_text(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled.
void append_cell(std::string& out, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += cell;
    return;
  }
  out += '"';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// Free text typed by staff (names, notes, places) must not become a spreadsheet formula
// when the town hall opens the file: a leading = + - @ (or tab/CR) gets an apostrophe.
std::string as_text(std::string_view s) {
  if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos) {
    return "'" + std::string(s);
  }
  return std::string(s);
}

class CsvWriter {
 public:
  CsvWriter() { out_ = "\xEF\xBB\xBF"; }  // BOM: spreadsheet software then reads UTF-8
  void row(const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out_ += ',';
      append_cell(out_, cells[i]);
    }
    out_ += "\r\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::vector<std::string> count_header() {
  std::vector<std::string> h = {"対象", "回答", "未回答", "回答率(%)"};
  for (Safety s : kSafeties) h.emplace_back(safety_label(s));
  for (CanWork w : kCanWorks) h.push_back("出勤:" + std::string(can_work_label(w)));
  return h;
}

std::vector<std::string> count_cells(const model::RollcallCounts& c) {
  std::vector<std::string> v = {std::to_string(c.in_scope), std::to_string(c.answered),
                                std::to_string(c.in_scope - c.answered), percent_text(c)};
  for (Safety s : kSafeties) v.push_back(std::to_string(c.by_safety[std::size_t(s)]));
  for (CanWork w : kCanWorks) v.push_back(std::to_string(c.by_can_work[std::size_t(w)]));
  return v;
}

}  // namespace

// The same words as the bot's buttons, so a report reads as staff answered.
std::string_view safety_label(Safety s) { return lineworks::safety_label(s); }

std::string_view can_work_label(CanWork c) {
  switch (c) {
    case CanWork::yes:
      return "出勤可";
    case CanWork::later:
      return "遅れて可";
    case CanWork::no:
      return "出勤不可";
    case CanWork::unknown:
      return "不明";
  }
  return "";
}

std::string format_local(model::TimePoint t, int utc_offset_minutes, bool for_csv) {
  using namespace std::chrono;
  const auto local = floor<seconds>(t) + minutes(utc_offset_minutes);
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{local - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%c%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                for_csv ? ' ' : 'T', static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return for_csv ? std::string(buf) : std::string(buf) + offset_text(utc_offset_minutes);
}

std::optional<RollcallReport> build_rollcall_report(const model::Situation& s,
                                                    std::string_view rollcall, model::TimePoint now,
                                                    const ReachableByBot& reachable) {
  auto it = s.rollcalls.find(std::string(rollcall));
  if (it == s.rollcalls.end()) return std::nullopt;
  const model::RollcallState& rc = it->second;
  const model::Directory& dir = s.directory;
  RollcallReport r;
  r.rollcall = &rc;
  r.generated_at = now;
  r.utc_offset_minutes = dir.utc_offset_minutes;
  const model::TimePoint end = rc.closed_at ? *rc.closed_at : now;
  r.elapsed = std::max(std::chrono::seconds(0),
                       std::chrono::duration_cast<std::chrono::seconds>(end - rc.started_at));

  auto department_name = [&](const std::string& id) {
    const model::DirectoryDepartment* d = dir.find_department(id);
    return d ? d->name : id;
  };
  // Directory order first, then any department the roll call counts that the directory
  // no longer names (a roster changed after the start).
  for (const auto& d : dir.departments) {
    auto counts = rc.by_department.find(d.id);
    if (counts != rc.by_department.end())
      r.departments.push_back({d.id, d.name, counts->second, {}});
  }
  for (const auto& [id, counts] : rc.by_department) {
    if (!dir.find_department(id)) r.departments.push_back({id, id, counts, {}});
  }

  for (const std::string& id : rc.scope) {
    ReportPerson p;
    p.staff = id;
    if (const model::DirectoryStaff* who = dir.find_staff(id)) {
      p.name = who->name;
      p.department = who->department;
    }
    p.department_name = department_name(p.department);
    if (auto a = rc.latest.find(id); a != rc.latest.end()) p.answer = a->second;
    if (auto st = s.staff.find(id); st != s.staff.end()) p.last_seen = st->second.last_seen;
    p.reachable = reachable && reachable(id);
    if (auto d = rc.delivery.find(id); d != rc.delivery.end()) p.delivery = d->second;
    ReportDistribution& dist = r.distribution;
    if (p.reachable) {
      ++dist.reachable;
    } else {
      dist.not_reachable.push_back(id);
    }
    dist.messaged += p.delivery.messaged_at ? 1 : 0;
    dist.reminded += p.delivery.reminders > 0 ? 1 : 0;
    dist.failed += !p.delivery.messaged_at && !p.delivery.failures.empty() ? 1 : 0;
    if (!p.answer) {
      auto d =
          std::find_if(r.departments.begin(), r.departments.end(),
                       [&](const ReportDepartment& x) { return x.department == p.department; });
      if (d != r.departments.end()) d->pending.push_back(id);
    }
    r.people.push_back(std::move(p));
  }
  return r;
}

json report_to_json(const RollcallReport& r) {
  const model::RollcallState& rc = *r.rollcall;
  const int off = r.utc_offset_minutes;
  auto local = [&](model::TimePoint t) { return format_local(t, off, false); };

  json milestones = json::object();
  for (std::size_t i = 0; i < kMilestones.size(); ++i) {
    milestones[kMilestones[i]] =
        rc.reached[i] ? json{{"at", local(*rc.reached[i])},
                             {"after_seconds", seconds_between(rc.started_at, *rc.reached[i])}}
                      : json(nullptr);
  }
  json departments = json::array();
  for (const ReportDepartment& d : r.departments) {
    json item = tally_json(d.counts);
    item["department"] = d.department;
    item["name"] = d.name;
    item["pending"] = d.pending;
    departments.push_back(std::move(item));
  }
  json curve = json::array();
  for (const auto& p : rc.curve) {
    curve.push_back({{"at", local(p.at)},
                     {"after_seconds", seconds_between(rc.started_at, p.at)},
                     {"answered", p.answered}});
  }
  json summary = tally_json(rc.total);
  summary["elapsed_seconds"] = r.elapsed.count();
  summary["milestones"] = std::move(milestones);
  summary["by_department"] = std::move(departments);
  summary["curve"] = std::move(curve);
  summary["distribution"] = distribution_json(r.distribution);

  json people = json::array();
  for (const ReportPerson& p : r.people) {
    json row = {
        {"staff", p.staff},
        {"name", p.name},
        {"department", p.department},
        {"department_name", p.department_name},
        {"answered", p.answer.has_value()},
        {"safety", nullptr},
        {"safety_label", kUnanswered},
        {"can_work", nullptr},
        {"can_work_label", kUnanswered},
        {"answered_at", nullptr},
        {"source", nullptr},
        {"location", nullptr},
        {"note", nullptr},
        {"last_seen", p.last_seen ? json(local(*p.last_seen)) : json(nullptr)},
        {"last_seen_seconds_ago",
         p.last_seen ? json(seconds_between(*p.last_seen, r.generated_at)) : json(nullptr)}};
    add_delivery_json(p, off, row);
    if (p.answer) {
      const model::RollcallCheckin& a = p.answer->answer;
      row["safety"] = model::to_string(a.safety);
      row["safety_label"] = safety_label(a.safety);
      row["can_work"] = model::to_string(a.can_work);
      row["can_work_label"] = can_work_label(a.can_work);
      row["answered_at"] = local(p.answer->at);
      row["source"] = a.source;
      row["location"] = optional_text(a.location);
      row["note"] = optional_text(a.note);
    }
    people.push_back(std::move(row));
  }
  return {{"rollcall", rc.started.rollcall},
          {"title", rc.started.title},
          {"drill", rc.started.drill},
          {"trigger", model::to_string(rc.started.trigger)},
          {"departments", rc.started.departments},
          {"open", rc.open()},
          {"started_at", local(rc.started_at)},
          {"closed_at", rc.closed_at ? json(local(*rc.closed_at)) : json(nullptr)},
          {"generated_at", local(r.generated_at)},
          {"utc_offset", offset_text(off)},
          {"summary", std::move(summary)},
          {"people", std::move(people)}};
}

std::optional<ReportPart> report_part_from_string(std::string_view name) {
  if (name == "people") return ReportPart::people;
  if (name == "departments") return ReportPart::departments;
  if (name == "summary") return ReportPart::summary;
  return std::nullopt;
}

std::string report_to_csv(const RollcallReport& r, ReportPart part) {
  const model::RollcallState& rc = *r.rollcall;
  const int off = r.utc_offset_minutes;
  const std::string zone = "(" + offset_text(off) + ")";
  auto local = [&](model::TimePoint t) { return format_local(t, off, true); };
  CsvWriter csv;
  switch (part) {
    case ReportPart::people: {
      std::vector<std::string> header = {"職員ID",
                                         "氏名",
                                         "部署ID",
                                         "部署",
                                         "安否",
                                         "安否(値)",
                                         "出勤可否",
                                         "出勤可否(値)",
                                         "回答時刻" + zone,
                                         "回答経路",
                                         "所在",
                                         "備考",
                                         "最終確認" + zone,
                                         "最終確認から(分)"};
      for (auto& h : delivery_csv_header(zone)) header.push_back(std::move(h));
      csv.row(header);
      for (const ReportPerson& p : r.people) {
        std::vector<std::string> cells = {p.staff, as_text(p.name), p.department,
                                          as_text(p.department_name)};
        if (p.answer) {
          const model::RollcallCheckin& a = p.answer->answer;
          cells.insert(
              cells.end(),
              {std::string(safety_label(a.safety)), std::string(model::to_string(a.safety)),
               std::string(can_work_label(a.can_work)), std::string(model::to_string(a.can_work)),
               local(p.answer->at), a.source, as_text(a.location.value_or("")),
               as_text(a.note.value_or(""))});
        } else {
          cells.insert(cells.end(), {std::string(kUnanswered), "", std::string(kUnanswered), "", "",
                                     "", "", ""});
        }
        cells.push_back(p.last_seen ? local(*p.last_seen) : "");
        cells.push_back(
            p.last_seen ? std::to_string(seconds_between(*p.last_seen, r.generated_at) / 60) : "");
        for (auto& cell : delivery_csv_cells(p, off)) cells.push_back(std::move(cell));
        csv.row(cells);
      }
      break;
    }
    case ReportPart::departments: {
      std::vector<std::string> header = {"部署ID", "部署"};
      for (auto& h : count_header()) header.push_back(std::move(h));
      csv.row(header);
      auto add = [&](const std::string& id, const std::string& name,
                     const model::RollcallCounts& c) {
        std::vector<std::string> cells = {id, as_text(name)};
        for (auto& v : count_cells(c)) cells.push_back(std::move(v));
        csv.row(cells);
      };
      for (const ReportDepartment& d : r.departments) add(d.department, d.name, d.counts);
      add("", "合計", rc.total);
      break;
    }
    case ReportPart::summary: {
      csv.row({"項目", "値"});
      csv.row({"点呼ID", rc.started.rollcall});
      csv.row({"件名", as_text(rc.started.title)});
      csv.row({"種別", rc.started.drill ? "訓練" : "実災害"});
      csv.row({"状態", rc.open() ? "実施中" : "終了"});
      csv.row({"開始" + zone, local(rc.started_at)});
      csv.row({"終了" + zone, rc.closed_at ? local(*rc.closed_at) : ""});
      csv.row({"経過(秒)", std::to_string(r.elapsed.count())});
      csv.row({"出力" + zone, local(r.generated_at)});
      const std::vector<std::string> names = count_header();
      const std::vector<std::string> values = count_cells(rc.total);
      for (std::size_t i = 0; i < names.size(); ++i) csv.row({names[i], values[i]});
      for (std::size_t i = 0; i < kMilestones.size(); ++i) {
        const std::string what = std::string(kMilestones[i]) + "%到達";
        csv.row({what + zone, rc.reached[i] ? local(*rc.reached[i]) : ""});
        csv.row(
            {what + "(開始から秒)",
             rc.reached[i] ? std::to_string(seconds_between(rc.started_at, *rc.reached[i])) : ""});
      }
      for (const auto& row : distribution_csv_rows(r.distribution)) csv.row(row);
      break;
    }
  }
  return csv.take();
}

}  // namespace bcp::daemon
