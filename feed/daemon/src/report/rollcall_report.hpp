// The roll-call report (GET /v1/rollcalls/{id}/report): who is in scope, what each person
// answered last, and the summary figures. A pure function of the situation and `now`, so it
// can be tested without a daemon and gives the same answer for the same journal.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bcp/model/situation.hpp"

namespace bcp::daemon {

struct ReportPerson {
  std::string staff;
  std::string name;
  std::string department;       // id
  std::string department_name;  // from the directory; the id when the directory lacks it
  std::optional<model::CheckinRecord> answer;  // latest answer, if any
  std::optional<model::TimePoint> last_seen;   // any source
  // The bot's distribution (LINE WORKS): whether the town config gives the person a
  // `lineworks_user`, and the sends the roll call recorded for them (rollcall.messaged).
  bool reachable = false;
  model::StaffDelivery delivery;
};

// The distribution's totals over the people in scope.
struct ReportDistribution {
  std::size_t reachable = 0;               // with a lineworks_user
  std::size_t messaged = 0;                // question sent
  std::size_t reminded = 0;                // at least one reminder sent
  std::size_t failed = 0;                  // question given up and never sent
  std::vector<std::string> not_reachable;  // staff ids without a lineworks_user, scope order
};

struct ReportDepartment {
  std::string department;
  std::string name;
  model::RollcallCounts counts;
  std::vector<std::string> pending;  // staff ids not yet heard from, scope order
};

struct RollcallReport {
  const model::RollcallState* rollcall = nullptr;
  model::TimePoint generated_at{};
  int utc_offset_minutes = 540;
  std::chrono::seconds elapsed{0};            // start to close, or to `generated_at` while open
  std::vector<ReportPerson> people;           // scope order
  std::vector<ReportDepartment> departments;  // directory order
  ReportDistribution distribution;
};

// Whether the bot can reach a staff member: a `lineworks_user` in the town config (which the
// situation, level C, does not carry).
using ReachableByBot = std::function<bool(const std::string& staff)>;

// nullopt when the situation has no roll call of that id.
std::optional<RollcallReport> build_rollcall_report(const model::Situation& s,
                                                    std::string_view rollcall, model::TimePoint now,
                                                    const ReachableByBot& reachable);

nlohmann::json report_to_json(const RollcallReport& r);

// CSV parts (UTF-8 with BOM, CRLF, RFC 4180 quoting): one rectangular table each.
enum class ReportPart { people, departments, summary };
std::optional<ReportPart> report_part_from_string(std::string_view name);
std::string report_to_csv(const RollcallReport& r, ReportPart part);

// The distribution's parts of the report (rollcall_report_distribution.cpp): a person's
// `reachable`, `messaged_at`, `reminders` and `failures`; the summary's `distribution`; and
// the same as CSV cells after the people's columns and as 項目,値 rows of the summary.
void add_delivery_json(const ReportPerson& p, int utc_offset_minutes, nlohmann::json& row);
nlohmann::json distribution_json(const ReportDistribution& d);
std::vector<std::string> delivery_csv_header(const std::string& zone);  // zone: "(+09:00)"
std::vector<std::string> delivery_csv_cells(const ReportPerson& p, int utc_offset_minutes);
std::vector<std::vector<std::string>> distribution_csv_rows(const ReportDistribution& d);

// Japanese labels as the wall shows them, for the CSV and the JSON `*_label` fields.
std::string_view safety_label(model::Safety s);
std::string_view can_work_label(model::CanWork c);

// "2026-11-24T14:05:03+09:00" (JSON) or "2026-11-24 14:05:03" (CSV, offset in the header).
std::string format_local(model::TimePoint t, int utc_offset_minutes, bool for_csv);

}  // namespace bcp::daemon
