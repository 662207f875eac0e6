// The photos panel: the latest photos of the talk (every group the wall shows is a level-C
// room: the daemon admits no other talk), the newest large, each with its group and time under
// it, so a bear on the riverbank reads from the back of the room. Layout option "count"
// (1–12, default 5) and "groups" (as the talk panel's).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "bcp/client/attachment_fetch.hpp"
#include "bcp/display/labels.hpp"
#include "bcp/display/photo_cache.hpp"
#include "panels.hpp"
#include "ui_words.hpp"

namespace bcp::display {
namespace {

constexpr std::size_t kMaxPhotos = 12;
constexpr std::size_t kMaxPhotoGroups = 16;

struct PhotoItem {
  const model::TalkEntry* entry = nullptr;
  std::string_view ref;
  std::size_t index = 0;  // the attachment's place in its message
  std::string_view group;
};

bool photo_newer(const PhotoItem& a, const PhotoItem& b) {
  if (a.entry->at != b.entry->at) return a.entry->at > b.entry->at;
  if (a.entry->seq != b.entry->seq) return a.entry->seq > b.entry->seq;
  return a.index > b.index;
}

// The newest `limit` photos, newest first, in `out` (a fixed array: nothing allocates).
class NewestPhotos {
 public:
  explicit NewestPhotos(std::size_t limit) : limit_(std::min(limit, kMaxPhotos)) {}
  // Walks one group from its newest message back until it cannot add anything newer.
  void add_group(const model::GroupTalk& talk, std::string_view group) {
    std::size_t taken = 0;
    for (auto it = talk.recent.rbegin(); it != talk.recent.rend() && taken < limit_; ++it) {
      const auto& atts = it->message.attachments;
      for (std::size_t i = atts.size(); i-- > 0;) {
        const auto& a = atts[i];
        if (a.kind != model::AttachmentKind::image || !a.ref || !client::is_attachment_ref(*a.ref))
          continue;
        insert({&*it, *a.ref, i, group});
        ++taken;
      }
    }
  }
  std::size_t size() const { return size_; }
  const PhotoItem& operator[](std::size_t i) const { return items_[i]; }

 private:
  void insert(const PhotoItem& p) {
    std::size_t at = size_;
    while (at > 0 && photo_newer(p, items_[at - 1])) --at;
    if (at >= limit_) return;
    if (size_ < limit_) ++size_;
    for (std::size_t k = size_ - 1; k > at; --k) items_[k] = items_[k - 1];
    items_[at] = p;
  }
  std::size_t limit_;
  std::array<PhotoItem, kMaxPhotos> items_{};
  std::size_t size_ = 0;
};

// Where a photo of w x h pixels goes in `box`: as large as fits, its aspect kept, centred (or
// at the box's left), on whole pixels.
Rect fit_photo(int w, int h, const Rect& box, bool left) {
  const float scale = std::min(box.w / static_cast<float>(w), box.h / static_cast<float>(h));
  const float fw = std::round(static_cast<float>(w) * scale);
  const float fh = std::round(static_cast<float>(h) * scale);
  return {std::round(left ? box.x : box.x + (box.w - fw) * 0.5f),
          std::round(box.y + (box.h - fh) * 0.5f), fw, fh};
}

std::optional<PhotoCache::Shown> shown_photo(const Frame& f, std::string_view ref,
                                             const Rect& box) {
  if (!f.view->photos) return std::nullopt;
  auto shown = f.view->photos->show(ref, box.w, box.h);
  if (shown && (shown->width <= 0 || shown->height <= 0)) return std::nullopt;
  return shown;
}

void draw_marker(const Frame& f, const Rect& box) {
  f.dl->AddRectFilled(tl(box), br(box), color::kBackground);
  text_centered(f, f.fonts->body, box, color::kOrange,
                attachment_marker(model::AttachmentKind::image));
}

// One photo and the line under it: group name at the left, time at the right. The photo and
// its line are one block centred in the slot, so the line is always right under the photo (a
// wide photo in a tall slot would otherwise leave its label at the slot's foot, far from it).
void draw_photo_cell(const Frame& f, const PhotoItem& p, const Rect& slot, float label_h) {
  const Rect box{slot.x, slot.y, slot.w, std::max(1.0f, slot.h - label_h)};
  Rect under = box;  // what the label line belongs to
  if (auto shown = shown_photo(f, p.ref, box)) {
    under = fit_photo(shown->width, shown->height, box, false);
    under.y = std::round(slot.y + (slot.h - under.h - label_h) * 0.5f);
    f.dl->AddImage(shown->texture, tl(under), br(under));
  } else {
    draw_marker(f, box);
  }
  ImFont* bf = f.fonts->body;
  char hm[16];
  format_hm(hm, sizeof hm, p.entry->at, f.situation->directory.utc_offset_minutes);
  const float tw = text_width(bf, hm);
  // The line spans the photo, but is never narrower than the name and the time need (a
  // portrait or small photo), and never leaves the slot.
  const float needed = text_width(bf, p.group) + f.unit * 0.5f + tw;
  const float line_w = std::min(slot.w, std::max(under.w, needed));
  const float line_x =
      std::clamp(under.x + (under.w - line_w) * 0.5f, slot.x, slot.right() - line_w);
  const float y = under.bottom() + (label_h - bf->FontSize) * 0.5f;
  text(f, bf, {line_x + line_w - tw, y}, color::kDim, hm);
  text_fit(f, bf, {line_x, y}, color::kSkyBlue, p.group, line_w - tw - f.unit * 0.5f);
}

// The cells the older photos share beside or under the newest: as many of them as can be shown
// at least `min_w` wide (a 4:3 photo), in the number of columns that shows them largest.
struct PhotoGrid {
  std::size_t shown = 0;
  int cols = 1;
  float cell_w = 0, cell_h = 0;
};
PhotoGrid choose_grid(const Rect& area, std::size_t photos, float gap, float label_h, float min_w) {
  for (std::size_t m = photos; m > 0; --m) {
    PhotoGrid best;
    float best_w = 0;  // the width a 4:3 photo gets in a cell
    for (int cols = 1; cols <= 4 && static_cast<std::size_t>(cols) <= m; ++cols) {
      const int rows = static_cast<int>((m + static_cast<std::size_t>(cols) - 1) /
                                        static_cast<std::size_t>(cols));
      const float cw = (area.w - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
      const float ch = (area.h - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows);
      const float photo_w = std::min(cw, (ch - label_h) * 4.0f / 3.0f);
      if (photo_w > best_w) best_w = photo_w, best = {m, cols, std::floor(cw), std::floor(ch)};
    }
    if (best_w >= min_w) return best;
  }
  return {};
}

}  // namespace

float draw_photo(const Frame& f, std::string_view ref, const Rect& box, bool left) {
  auto shown = shown_photo(f, ref, box);
  if (!shown) {
    // Loading, failed, or nothing loads photos: the marker, where the photo will be.
    draw_marker(f, box);
    return box.w;
  }
  const Rect at = fit_photo(shown->width, shown->height, box, left);
  f.dl->AddImage(shown->texture, tl(at), br(at));
  return at.w;
}

void draw_photos(const Frame& f, const Rect& r, const PanelSpec& spec) {
  const auto& s = *f.situation;
  const auto& opt = spec.options;
  std::size_t count = 5;
  if (opt.contains("count") && opt["count"].is_number_integer()) {
    count = static_cast<std::size_t>(std::clamp<long long>(opt["count"].get<long long>(), 1,
                                                           static_cast<long long>(kMaxPhotos)));
  }
  NewestPhotos newest(count);
  auto add = [&](const std::string& id) {
    auto it = s.talk.find(id);
    if (it == s.talk.end()) return;
    const auto* g = s.directory.find_group(id);
    newest.add_group(it->second, g ? std::string_view(g->name) : std::string_view(id));
  };
  if (opt.contains("groups") && opt["groups"].is_array()) {
    std::size_t n = 0;
    for (const auto& g : opt["groups"]) {
      if (g.is_string() && n++ < kMaxPhotoGroups) add(g.get_ref<const std::string&>());
    }
  } else {
    for (const auto& [id, talk] : s.talk) {
      const auto* g = s.directory.find_group(id);
      newest.add_group(talk, g ? std::string_view(g->name) : std::string_view(id));
    }
  }
  Rect body = panel_frame(f, r, words::kPhotos);
  f.dl->PushClipRect(tl(body), br(body), true);
  if (newest.size() == 0) {
    text(f, f.fonts->body, tl(body), color::kDim, words::kNoPhotos);
    f.dl->PopClipRect();
    return;
  }
  const float label_h = std::round(f.fonts->body->FontSize * 1.4f);
  const float gap = std::round(f.unit * 0.5f);
  const std::size_t n = newest.size();
  const bool wide = body.w >= body.h * 1.25f;
  // The newest takes the larger part; the others share the rest, whole photos only.
  Rect big = body, rest{};
  if (n > 1 && wide) {
    big.w = std::round(body.w * 0.62f);
    rest = {big.right() + gap, body.y, body.right() - big.right() - gap, body.h};
  } else if (n > 1) {
    big.h = std::round(std::min(body.w * 0.75f + label_h, body.h * 0.6f));
    rest = {body.x, big.bottom() + gap, body.w, body.bottom() - big.bottom() - gap};
  }
  draw_photo_cell(f, newest[0], big, label_h);
  if (n > 1 && rest.w > 0 && rest.h > 0) {
    const PhotoGrid grid = choose_grid(rest, n - 1, gap, label_h, f.unit * 5.0f);
    for (std::size_t i = 0; i < grid.shown; ++i) {
      const int row = static_cast<int>(i) / grid.cols, col = static_cast<int>(i) % grid.cols;
      const Rect cell{rest.x + static_cast<float>(col) * (grid.cell_w + gap),
                      rest.y + static_cast<float>(row) * (grid.cell_h + gap), grid.cell_w,
                      grid.cell_h};
      draw_photo_cell(f, newest[i + 1], cell, label_h);
    }
  }
  f.dl->PopClipRect();
}

}  // namespace bcp::display
