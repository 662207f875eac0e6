#include "outbox/plan.hpp"

#include <algorithm>
#include <array>

#include "bcp/lineworks/messages.hpp"
#include "bcp/model/codec.hpp"

namespace bcp::daemon::outbox {
namespace {

OutboxRow person_row(std::string key, const model::RollcallState& rollcall,
                     const config::Staff& staff, std::string step, const nlohmann::json& content,
                     int priority, model::TimePoint now) {
  OutboxRow row;
  row.key = std::move(key);
  row.rollcall = rollcall.started.rollcall;
  row.staff = staff.id;
  row.step = std::move(step);
  row.recipient_kind = "user";
  row.recipient = *staff.lineworks_user;
  row.content = content.dump();
  row.created = now;
  row.priority = priority;
  return row;
}

bool answered(const model::RollcallState& rollcall, const std::string& staff) {
  return rollcall.latest.count(staff) != 0;
}

std::string mark(const model::RollcallState& rollcall, const config::TownConfig& town) {
  return rollcall.started.drill ? town.drill_prefix : std::string();
}

std::string question_text(const model::RollcallState& rollcall) {
  return "安否確認: " + rollcall.started.title + "\nご自身の状況を下のボタンで答えてください。";
}

// "無事 12・軽傷 1・重傷 0・要救助 0"
std::string safety_counts(const model::RollcallCounts& counts) {
  constexpr std::array<model::Safety, 4> kAll = {model::Safety::safe, model::Safety::minor_injury,
                                                 model::Safety::serious_injury,
                                                 model::Safety::needs_help};
  std::string out;
  for (model::Safety s : kAll) {
    if (!out.empty()) out += "・";
    out += std::string(lineworks::safety_label(s)) + " " +
           std::to_string(counts.by_safety[static_cast<std::size_t>(s)]);
  }
  return out;
}

}  // namespace

Reach reach(const model::RollcallState& rollcall, const config::TownConfig& town) {
  Reach out;
  for (const std::string& id : rollcall.scope) {
    const config::Staff* staff = town.find_staff(id);
    if (staff && staff->lineworks_user && !staff->lineworks_user->empty()) {
      out.reachable.push_back(staff);
    } else {
      out.not_reachable.push_back(id);
    }
  }
  return out;
}

std::vector<OutboxRow> plan_questions(const model::RollcallState& rollcall,
                                      const config::TownConfig& town, model::TimePoint now) {
  std::vector<OutboxRow> rows;
  if (!rollcall.open()) return rows;
  const nlohmann::json content =
      lineworks::safety_question(rollcall.started.rollcall, question_text(rollcall),
                                 rollcall.started.drill, town.drill_prefix);
  for (const config::Staff* staff : reach(rollcall, town).reachable) {
    if (answered(rollcall, staff->id)) continue;
    rows.push_back(person_row("q:" + rollcall.started.rollcall + ":" + staff->id, rollcall, *staff,
                              "question", content, kBulkPriority, now));
  }
  return rows;
}

std::vector<OutboxRow> plan_reminders(const model::RollcallState& rollcall, int number,
                                      const config::TownConfig& town, model::TimePoint now) {
  std::vector<OutboxRow> rows;
  if (!rollcall.open()) return rows;
  const std::string text =
      "【再送 " + std::to_string(number) + "】まだ回答がありません。\n" + question_text(rollcall);
  const nlohmann::json content = lineworks::safety_question(
      rollcall.started.rollcall, text, rollcall.started.drill, town.drill_prefix);
  const std::string prefix = "r" + std::to_string(number) + ":" + rollcall.started.rollcall + ":";
  for (const config::Staff* staff : reach(rollcall, town).reachable) {
    if (answered(rollcall, staff->id)) continue;
    rows.push_back(
        person_row(prefix + staff->id, rollcall, *staff, "reminder", content, kBulkPriority, now));
  }
  return rows;
}

std::optional<OutboxRow> plan_reply(const model::RollcallState& rollcall,
                                    const model::RollcallCheckin& checkin, model::Seq seq,
                                    const config::TownConfig& town, model::TimePoint now) {
  const config::Staff* staff = town.find_staff(checkin.staff);
  if (!staff || !staff->lineworks_user || staff->lineworks_user->empty()) return std::nullopt;
  const std::string recorded = "記録しました: " + rollcall.started.title + " — " +
                               std::string(lineworks::safety_label(checkin.safety));
  nlohmann::json content;
  if (checkin.can_work == model::CanWork::unknown && rollcall.open()) {
    content = lineworks::work_question(rollcall.started.rollcall, checkin.safety,
                                       recorded + "\n出勤できますか？", rollcall.started.drill,
                                       town.drill_prefix);
  } else {
    content = lineworks::text_content(mark(rollcall, town) + recorded + "・" +
                                      std::string(lineworks::work_label(checkin.can_work)) +
                                      "\nありがとうございます。");
  }
  return person_row("a:" + std::to_string(seq), rollcall, *staff, "reply", content, kReplyPriority,
                    now);
}

OutboxRow plan_not_counted(const std::string& lineworks_user, const std::string& staff,
                           const std::string& rollcall_id, const model::RollcallState* rollcall,
                           AnswerProblem problem, const std::string& unique,
                           const config::TownConfig& town, model::TimePoint now) {
  std::string text;
  switch (problem) {
    case AnswerProblem::rollcall_closed:
      text = (rollcall ? mark(*rollcall, town) + "「" + rollcall->started.title + "」の"
                       : std::string("この")) +
             "安否確認は締め切られています。この回答は記録していません。";
      break;
    case AnswerProblem::rollcall_unknown:
      text = "この安否確認は見つかりません。回答は記録していません。";
      break;
    case AnswerProblem::no_open_rollcall:
      text = "受付中の安否確認はありません。回答は記録していません。";
      break;
  }
  OutboxRow row;
  row.key = "n:" + lineworks_user + ":" + rollcall_id + ":" + unique;
  row.rollcall = rollcall_id;
  row.staff = staff;
  row.step = "reply";
  row.recipient_kind = "user";
  row.recipient = lineworks_user;
  row.content = lineworks::text_content(text).dump();
  row.created = now;
  row.priority = kReplyPriority;
  return row;
}

std::vector<OutboxRow> plan_announcements(const model::RollcallState& rollcall, Announcement which,
                                          const config::TownConfig& town, model::TimePoint now) {
  std::vector<OutboxRow> rows;
  if (!town.rollcall_distribution) return rows;
  const Reach r = reach(rollcall, town);
  std::string text = mark(rollcall, town);
  if (which == Announcement::start) {
    text += "安否確認を開始しました: " + rollcall.started.title + "\n対象 " +
            std::to_string(rollcall.scope.size()) + " 人（ボットから送信 " +
            std::to_string(r.reachable.size()) + " 人、LINE WORKS なし " +
            std::to_string(r.not_reachable.size()) + " 人）";
  } else {
    text += "安否確認を締め切りました: " + rollcall.started.title + "\n回答 " +
            std::to_string(rollcall.total.answered) + "/" + std::to_string(rollcall.scope.size()) +
            " 人（" + safety_counts(rollcall.total) + "）";
  }
  const nlohmann::json content = lineworks::text_content(text);
  const char* tag = which == Announcement::start ? "s:" : "c:";
  for (const std::string& group_id : town.rollcall_distribution->announce_groups) {
    const auto group = std::find_if(town.groups.begin(), town.groups.end(),
                                    [&](const config::Group& g) { return g.id == group_id; });
    if (group == town.groups.end() || group->lineworks_channel.empty()) continue;
    OutboxRow row;
    row.key = tag + rollcall.started.rollcall + ":" + group_id;
    row.rollcall = rollcall.started.rollcall;
    row.step = "announce";
    row.recipient_kind = "channel";
    row.recipient = group->lineworks_channel;
    row.content = content.dump();
    row.created = now;
    row.priority = kAnnouncePriority;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace bcp::daemon::outbox
