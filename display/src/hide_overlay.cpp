// The H key's overlay (issue 13, "Taking a post off the wall"): the last messages numbered
// 1-9, the chosen one asking for Y, and afterwards a line saying whether it came off.
#include "bcp/display/controls.hpp"
#include "bcp/display/labels.hpp"
#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

const model::TalkEntry* find_entry(const model::Situation& s, const std::string& id) {
  for (const auto& [group, talk] : s.talk) {
    for (const auto& e : talk.recent) {
      if (e.message.message_id == id) return &e;
    }
  }
  return nullptr;
}

// "14:05  災害対策本部  佐藤 翔太  本部を設置しました [写真]"
void describe(const Frame& f, const model::TalkEntry& e, char* buf, std::size_t n) {
  const auto& dir = f.situation->directory;
  char hm[16];
  format_hm(hm, sizeof hm, e.at, dir.utc_offset_minutes);
  const auto* group = dir.find_group(e.message.group);
  const auto* person = dir.find_staff(e.message.sender.id);
  int used = std::snprintf(
      buf, n, "%s  %s  %s  %s", hm, group ? group->name.c_str() : e.message.group.c_str(),
      person ? person->name.c_str() : e.message.sender.name.c_str(), e.message.text.c_str());
  for (const auto& a : e.message.attachments) {
    if (used < 0 || static_cast<std::size_t>(used) >= n) break;
    std::string_view mark = attachment_marker(a.kind);
    used +=
        std::snprintf(buf + used, n - used, " %.*s", static_cast<int>(mark.size()), mark.data());
  }
}

}  // namespace

void draw_hide_overlay(const Frame& f, const Rect& screen) {
  const HidePick* pick = f.view->hide_pick;
  ImFont* hf = f.fonts->heading;
  ImFont* bf = f.fonts->body;
  if (!pick) {
    if (f.view->hide_status.empty()) return;
    // The outcome, in a strip above the bottom edge, for a few seconds.
    float h = hf->FontSize * 1.6f;
    Rect r{screen.x + screen.w * 0.2f, screen.bottom() - h - f.unit * 4, screen.w * 0.6f, h};
    f.dl->AddRectFilled(tl(r), br(r), color::kBlack, f.unit * 0.2f);
    f.dl->AddRect(tl(r), br(r), color::kOrange, f.unit * 0.2f, 0, f.unit * 0.12f);
    text_centered(f, hf, r, color::kText, f.view->hide_status);
    return;
  }
  const float line = hf->FontSize * 1.5f;
  const float pad = f.unit;
  const std::size_t rows = std::max<std::size_t>(pick->ids.size(), 1);
  Rect box{screen.x + screen.w * 0.12f, 0, screen.w * 0.76f,
           line * (static_cast<float>(rows) + 1.2f) + bf->FontSize * 3.6f + 2 * pad};
  box.y = screen.y + (screen.h - box.h) * 0.5f;
  f.dl->AddRectFilled(tl(box), br(box), color::kBlack, f.unit * 0.3f);
  f.dl->AddRect(tl(box), br(box), color::kOrange, f.unit * 0.3f, 0, f.unit * 0.2f);
  float x = box.x + pad;
  float y = box.y + pad;
  const float right = box.right() - pad;
  text(f, hf, {x, y}, color::kOrange, words::kHideTitle);
  y += line * 1.2f;
  if (pick->ids.empty()) {
    text(f, hf, {x, y}, color::kDim, words::kHideNone);
    y += line;
  }
  char buf[512];
  for (std::size_t i = 0; i < pick->ids.size(); ++i) {
    const std::string& id = pick->ids[i];
    const bool chosen = pick->chosen && *pick->chosen == id;
    if (chosen) {
      f.dl->AddRectFilled({x - pad * 0.4f, y - line * 0.12f},
                          {right + pad * 0.4f, y + line * 0.88f}, color::kVermillion,
                          f.unit * 0.15f);
    }
    char number[24];
    std::snprintf(number, sizeof number, "%zu", i + 1);
    float nw = chip(f, hf, {x, y}, chosen ? color::kText : color::kOrange, color::kBlack, number);
    const model::TalkEntry* e = find_entry(*f.situation, id);
    const float tx = x + nw + f.unit * 0.6f;
    if (e) {
      describe(f, *e, buf, sizeof buf);
      text_fit(f, hf, {tx, y + hf->FontSize * 0.1f}, color::kText, buf, right - tx);
    } else {
      text_fit(f, hf, {tx, y + hf->FontSize * 0.1f}, color::kDim, words::kHideGone, right - tx);
    }
    y += line;
  }
  y += f.unit * 0.4f;
  if (!pick->chosen) {
    text(f, bf, {x, y}, color::kDim, words::kHidePick);
  } else if (f.view->hide_can_send) {
    text_fit(f, hf, {x, y}, color::kText, words::kHideConfirm, right - x);
  } else {
    text_fit(f, bf, {x, y}, color::kText, words::kHideNoToken, right - x);
    std::snprintf(buf, sizeof buf, "bcpctl talk hide %s --reason \"…\"", pick->chosen->c_str());
    text_fit(f, hf, {x, y + bf->FontSize * 1.4f}, color::kOrange, buf, right - x);
  }
}

}  // namespace bcp::display
