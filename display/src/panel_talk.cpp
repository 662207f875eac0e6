#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>

#include "bcp/client/attachment_fetch.hpp"
#include "bcp/display/labels.hpp"
#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

constexpr std::size_t kMaxGroups = 16;
// Group label colours cycle through the palette so neighbouring groups differ.
constexpr ImU32 kGroupColors[] = {color::kSkyBlue, color::kOrange, color::kGreen,
                                  color::kPurple,  color::kYellow, color::kBlue};

struct GroupRef {
  const model::GroupTalk* talk = nullptr;
  std::string_view name;
  ImU32 color = color::kSkyBlue;
};

bool matches_keyword(const Frame& f, const std::string& text) {
  for (const auto& k : f.settings->keywords) {
    if (!k.empty() && text.find(k) != std::string::npos) return true;
  }
  return false;
}

struct Measured {
  float head = 0, body = 0, attach = 0, photos = 0;
  // The message text as drawn: cut to its share of the panel when it is longer.
  bool clipped = false;
  std::string clipped_text;
  float total() const { return head + body + attach + photos; }
  std::string_view text(const model::TalkMessage& m) const {
    return clipped ? std::string_view(clipped_text) : std::string_view(m.text);
  }
};

// One message shows at most this share of the panel's height (and at least two lines), so
// a very long one never pushes every other message out of the panel.
constexpr float kMaxMessageShare = 0.45f;

// A photo the daemon fetched (it has a ref): shown as a thumbnail instead of its marker.
bool has_photo(const model::Attachment& a) {
  return a.kind == model::AttachmentKind::image && a.ref && client::is_attachment_ref(*a.ref);
}

// Thumbnails are about 3.5 lines of the talk font high, 4:3 boxes.
float thumbnail_height(const Frame& f) { return std::round(f.fonts->body->FontSize * 1.25f * 3.5f); }

// The attachments line, e.g. "[写真] [位置 札幌市中央区…]", without the photos shown as
// thumbnails. Returns whether anything is on it.
bool attachments_line(const model::TalkMessage& m, char* buf, std::size_t n) {
  std::size_t used = 0;
  buf[0] = 0;
  for (const auto& a : m.attachments) {
    if (used >= n) break;
    if (has_photo(a)) continue;
    std::string_view mark = attachment_marker(a.kind);
    if (a.kind == model::AttachmentKind::location && a.address) {
      used += std::snprintf(buf + used, n - used, "[位置 %s] ", a.address->c_str());
    } else if (a.kind == model::AttachmentKind::file && a.name) {
      used += std::snprintf(buf + used, n - used, "[ファイル %s] ", a.name->c_str());
    } else {
      used +=
          std::snprintf(buf + used, n - used, "%.*s ", static_cast<int>(mark.size()), mark.data());
    }
  }
  return used > 0;
}

Measured measure(const Frame& f, const model::TalkEntry& e, float w, float panel_h) {
  Measured m;
  m.head = f.fonts->body->FontSize * 1.25f;
  ImFont* bf = f.fonts->body;
  const float max_body = std::max(bf->FontSize * 2.0f, panel_h * kMaxMessageShare);
  std::string_view shown = clip_wrapped(bf, e.message.text, w, max_body, m.clipped_text);
  m.clipped = shown.data() != e.message.text.data() || shown.size() != e.message.text.size();
  m.body = measure_wrapped(bf, m.text(e.message), w);
  bool marked = false, photo = false;
  for (const auto& a : e.message.attachments) (has_photo(a) ? photo : marked) = true;
  if (marked) m.attach = f.fonts->body->FontSize * 1.25f;
  // The thumbnails' row is there from the start, loaded or not: the talk does not jump.
  if (photo) m.photos = thumbnail_height(f) + f.unit * 0.3f;
  return m;
}

void draw_entry(const Frame& f, const model::TalkEntry& e, const GroupRef* group, float x, float y,
                float w, const Measured& m) {
  const auto& dir = f.situation->directory;
  const auto& msg = e.message;
  ImFont* bf = f.fonts->body;
  float indent = f.unit * 0.5f;
  if (matches_keyword(f, msg.text)) {
    f.dl->AddRectFilled({x, y}, {x + w, y + m.total()}, color::rgb(0x3A, 0x30, 0x10));
    f.dl->AddRectFilled({x, y}, {x + f.unit * 0.25f, y + m.total()}, color::kYellow);
  }
  float cx = x + indent;
  if (group) cx += chip(f, bf, {cx, y}, group->color, color::kBlack, group->name) + f.unit * 0.4f;
  // The roster's name wins over the name the chat app sent: it is what people know.
  const auto* person = dir.find_staff(msg.sender.id);
  std::string_view name = person ? std::string_view(person->name) : msg.sender.name;
  std::string_view dept;
  if (person) {
    if (const auto* d = dir.find_department(person->department)) dept = d->name;
  } else if (msg.sender.department) {
    if (const auto* d = dir.find_department(*msg.sender.department)) {
      dept = d->name;
    } else {
      dept = *msg.sender.department;
    }
  }
  char hm[16];
  format_hm(hm, sizeof hm, e.at, dir.utc_offset_minutes);
  float tw = text_width(bf, hm);
  text(f, bf, {x + w - tw, y}, color::kDim, hm);
  float room = x + w - tw - f.unit * 0.5f - cx;
  float nw = std::min(text_width(bf, name), room);
  text_fit(f, bf, {cx, y}, color::kSkyBlue, name, room);
  if (!dept.empty() && room - nw > f.unit * 2) {
    text_fit(f, bf, {cx + nw + f.unit * 0.4f, y}, color::kDim, dept, room - nw - f.unit * 0.4f);
  }
  float ty = y + m.head;
  text_wrapped(f, bf, {x + indent, ty}, color::kText, m.text(msg), w - indent);
  if (m.attach > 0) {
    char buf[256];
    attachments_line(msg, buf, sizeof buf);
    text_fit(f, bf, {x + indent, ty + m.body}, color::kOrange, buf, w - indent);
  }
  if (m.photos > 0) {
    const float th = thumbnail_height(f), tw = std::round(th * 4.0f / 3.0f);
    float px = x + indent;
    const float py = ty + m.body + m.attach;
    for (const auto& a : msg.attachments) {
      if (!has_photo(a)) continue;
      if (px + tw > x + w) break;  // the others would be cut: the marker line says enough
      px += draw_photo(f, *a.ref, {px, py, tw, th}, /*left=*/true) + f.unit * 0.4f;
    }
  }
}

// Newest at the bottom; walks back only as far as the rect reaches, so a long history
// costs nothing. Entries of several groups are merged by time without copying them.
void draw_timeline(const Frame& f, const Rect& r, const GroupRef* groups, std::size_t count,
                   bool label_groups) {
  std::array<std::size_t, kMaxGroups> next{};  // per group: entries not yet drawn (from end)
  for (std::size_t g = 0; g < count; ++g)
    next[g] = groups[g].talk ? groups[g].talk->recent.size() : 0;
  float gap = f.unit * 0.45f;
  float y = r.bottom();
  bool any = false;
  while (y > r.y) {
    std::size_t best = count;
    for (std::size_t g = 0; g < count; ++g) {
      if (next[g] == 0) continue;
      const auto& e = groups[g].talk->recent[next[g] - 1];
      if (best == count) {
        best = g;
        continue;
      }
      const auto& b = groups[best].talk->recent[next[best] - 1];
      if (e.at > b.at || (e.at == b.at && e.seq > b.seq)) best = g;
    }
    if (best == count) break;
    const auto& e = groups[best].talk->recent[--next[best]];
    Measured m = measure(f, e, r.w - f.unit * 0.5f, r.h);
    // Only whole messages: a half-cut one reads as a different message from across the room.
    if (y - m.total() < r.y && any) break;
    y -= m.total();
    draw_entry(f, e, label_groups ? &groups[best] : nullptr, r.x, y, r.w, m);
    y -= gap;
    f.dl->AddLine({r.x, y + gap * 0.5f}, {r.right(), y + gap * 0.5f}, color::kRule);
    any = true;
  }
  if (!any) text(f, f.fonts->body, tl(r), color::kDim, words::kNoTalk);
}

}  // namespace

void draw_talk(const Frame& f, const Rect& r, const PanelSpec& spec) {
  const auto& s = *f.situation;
  std::array<GroupRef, kMaxGroups> groups{};
  std::size_t count = 0;
  auto add = [&](const std::string& id) {
    if (count >= kMaxGroups) return;
    const auto* g = s.directory.find_group(id);
    auto it = s.talk.find(id);
    groups[count].talk = it == s.talk.end() ? nullptr : &it->second;
    groups[count].name = g ? std::string_view(g->name) : std::string_view(id);
    groups[count].color = kGroupColors[count % std::size(kGroupColors)];
    ++count;
  };
  const auto& opt = spec.options;
  if (opt.contains("groups") && opt["groups"].is_array()) {
    for (const auto& g : opt["groups"]) {
      if (g.is_string()) add(g.get_ref<const std::string&>());
    }
  } else {
    for (const auto& g : s.directory.groups) add(g.id);
    // Talk of groups missing from the directory would otherwise vanish silently.
    for (const auto& [id, t] : s.talk) {
      if (!s.directory.find_group(id)) add(id);
    }
  }
  bool columns = opt.value("mode", std::string("merged")) == "columns" && count > 1;
  if (!columns) {
    std::string_view title = words::kTalk;
    if (count == 1) title = groups[0].name;
    Rect body = panel_frame(f, r, title);
    f.dl->PushClipRect(tl(body), br(body), true);
    draw_timeline(f, body, groups.data(), count, count > 1);
    f.dl->PopClipRect();
    return;
  }
  float gap = f.unit * 0.4f;
  float w = (r.w - gap * static_cast<float>(count - 1)) / static_cast<float>(count);
  for (std::size_t g = 0; g < count; ++g) {
    Rect col{r.x + static_cast<float>(g) * (w + gap), r.y, w, r.h};
    Rect body = panel_frame(f, col, groups[g].name, groups[g].color);
    f.dl->PushClipRect(tl(body), br(body), true);
    draw_timeline(f, body, &groups[g], 1, false);
    f.dl->PopClipRect();
  }
}

}  // namespace bcp::display
