// The roll-call report's distribution parts (rollcall_report.hpp): what the bot sent each
// person in scope and the totals, for the JSON report and the CSV's people and summary parts.
#include <string>

#include "bcp/model/codec.hpp"
#include "report/rollcall_report.hpp"

namespace bcp::daemon {

namespace {

using nlohmann::json;

std::string_view step_label(model::MessageStep step) {
  return step == model::MessageStep::question ? "質問" : "リマインド";
}

}  // namespace

void add_delivery_json(const ReportPerson& p, int utc_offset_minutes, json& row) {
  auto local = [&](const std::optional<model::TimePoint>& t) {
    return t ? json(format_local(*t, utc_offset_minutes, false)) : json(nullptr);
  };
  json failures = json::array();
  for (const model::DeliveryFailure& f : p.delivery.failures) {
    failures.push_back({{"at", local(f.at)}, {"step", model::to_string(f.step)}, {"why", f.why}});
  }
  row["reachable"] = p.reachable;
  row["messaged_at"] = local(p.delivery.messaged_at);
  row["reminders"] = p.delivery.reminders;
  row["reminded_at"] = local(p.delivery.reminded_at);
  row["failures"] = std::move(failures);
}

json distribution_json(const ReportDistribution& d) {
  return {{"reachable", d.reachable},
          {"messaged", d.messaged},
          {"reminded", d.reminded},
          {"failed", d.failed},
          {"not_reachable", d.not_reachable}};
}

std::vector<std::string> delivery_csv_header(const std::string& zone) {
  return {"LINE WORKS", "質問送信" + zone, "リマインド(回)", "送信失敗(回)", "送信失敗の理由"};
}

std::vector<std::string> delivery_csv_cells(const ReportPerson& p, int utc_offset_minutes) {
  const model::StaffDelivery& d = p.delivery;
  std::string why;
  if (!d.failures.empty()) {
    // The latest reason (the JSON report has all those kept), after its step's label, so
    // that no reason can start a spreadsheet formula.
    const model::DeliveryFailure& last = d.failures.back();
    why = std::string(step_label(last.step)) + ": " + last.why;
  }
  return {p.reachable ? "あり" : "なし",
          d.messaged_at ? format_local(*d.messaged_at, utc_offset_minutes, true) : "",
          std::to_string(d.reminders), std::to_string(d.failures.size()), why};
}

std::vector<std::vector<std::string>> distribution_csv_rows(const ReportDistribution& d) {
  std::string ids;
  for (const std::string& id : d.not_reachable) {
    if (!ids.empty()) ids += ' ';
    ids += id;
  }
  return {{"配信:LINE WORKSあり", std::to_string(d.reachable)},
          {"配信:質問送信済", std::to_string(d.messaged)},
          {"配信:リマインド送信済", std::to_string(d.reminded)},
          {"配信:送信失敗", std::to_string(d.failed)},
          {"配信:ボット未到達(LINE WORKSなし)", std::to_string(d.not_reachable.size())},
          {"配信:ボット未到達の職員ID", ids}};
}

}  // namespace bcp::daemon
