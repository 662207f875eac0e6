// The roll-call report (GET /v1/rollcalls/{id}/report): who is in scope, what each person
// answered last, and the summary figures. A pure function of the situation and `now`, so it
// can be tested without a daemon and gives the same answer for the same journal.
#pragma once

#include <array>
#include <cstddef>
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
};

// nullopt when the situation has no roll call of that id.
std::optional<RollcallReport> build_rollcall_report(const model::Situation& s,
                                                    std::string_view rollcall,
                                                    model::TimePoint now);

nlohmann::json report_to_json(const RollcallReport& r);

// CSV parts (UTF-8 with BOM, CRLF, RFC 4180 quoting): one rectangular table each.
enum class ReportPart { people, departments, summary };
std::optional<ReportPart> report_part_from_string(std::string_view name);
std::string report_to_csv(const RollcallReport& r, ReportPart part);

// Japanese labels as the wall shows them, for the CSV and the JSON `*_label` fields.
std::string_view safety_label(model::Safety s);
std::string_view can_work_label(model::CanWork c);

// "2026-11-24T14:05:03+09:00" (JSON) or "2026-11-24 14:05:03" (CSV, offset in the header).
std::string format_local(model::TimePoint t, int utc_offset_minutes, bool for_csv);

}  // namespace bcp::daemon
