// The regional wall's picture (see region_wall.hpp). Drawn straight into a draw list, like the
// town wall's panels: each frame is a pure function of the region view, the feed and the clock.
#include "bcp/display/region_wall.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bcp/model/codec.hpp"
#include "draw.hpp"
#include "region_words.hpp"

namespace bcp::display {

namespace w = region_words;

namespace {

std::string string_or(const nlohmann::json& j, const char* key, std::string fallback = {}) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}
long long count_or(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return 0;
  return std::max<long long>(0, it->get<long long>());
}
bool bool_or(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

TownLink link_from(const std::string& s) {
  if (s == "live") return TownLink::live;
  if (s == "stale") return TownLink::stale;
  return TownLink::lost;  // anything unknown is treated as the worst case
}

std::string_view link_word(TownLink l) {
  switch (l) {
    case TownLink::live:
      return w::kLive;
    case TownLink::stale:
      return w::kStale;
    case TownLink::lost:
      return w::kLost;
  }
  return w::kLost;
}
ImU32 link_color(TownLink l) {
  switch (l) {
    case TownLink::live:
      return color::kGreen;
    case TownLink::stale:
      return color::kOrange;
    case TownLink::lost:
      return color::kVermillion;
  }
  return color::kVermillion;
}

// "12秒前", "5分前", "2時間前".
void format_age_s(char* buf, std::size_t n, double seconds) {
  const long long s = static_cast<long long>(std::max(0.0, seconds));
  if (s < 60) {
    std::snprintf(buf, n, "%lld%.*s%.*s", s, int(w::kSecond.size()), w::kSecond.data(),
                  int(w::kAgo.size()), w::kAgo.data());
  } else if (s < 3600) {
    std::snprintf(buf, n, "%lld%.*s%.*s", s / 60, int(w::kMinute.size()), w::kMinute.data(),
                  int(w::kAgo.size()), w::kAgo.data());
  } else {
    std::snprintf(buf, n, "%lld%.*s%.*s", s / 3600, int(w::kHour.size()), w::kHour.data(),
                  int(w::kAgo.size()), w::kAgo.data());
  }
}

// A filled pill with its label centred; returns its width.
float pill(const Frame& f, ImFont* font, ImVec2 at, ImU32 bg, ImU32 fg, std::string_view label) {
  const float h = font->FontSize * 1.3f;
  const float wdt = text_width(font, label) + font->FontSize * 0.8f;
  f.dl->AddRectFilled(at, {at.x + wdt, at.y + h}, bg, h * 0.3f);
  text(f, font, {at.x + font->FontSize * 0.4f, at.y + font->FontSize * 0.15f}, fg, label);
  return wdt;
}

struct CardFonts {
  ImFont* name;   // town name, link
  ImFont* big;    // the roll-call figures
  ImFont* label;  // section labels, alert titles
  ImFont* small;  // details
};

// One town's card. `dense`: one line per fact (30 towns on a screen).
void draw_card(const Frame& f, const CardFonts& cf, const Rect& r, const TownCard& t, bool dense) {
  const float u = f.unit;
  const float pad = dense ? u * 0.45f : u * 0.8f;
  const bool lost = t.link == TownLink::lost;
  f.dl->AddRectFilled(tl(r), br(r), color::kPanel, u * 0.3f);
  // The link is the card's frame colour too, so a lost town stands out from across the room.
  f.dl->AddRect(tl(r), br(r), link_color(t.link), u * 0.3f, 0, dense ? 3.0f : 6.0f);
  const ImU32 data_col = lost ? color::kDim : color::kText;

  float x = r.x + pad, y = r.y + pad * 0.8f;
  const float inner_w = r.w - 2 * pad;
  // Name and link.
  const ImU32 link_fg = t.link == TownLink::lost ? color::kText : color::kBlack;
  const float link_w = text_width(cf.name, link_word(t.link)) + cf.name->FontSize * 0.8f;
  text_fit(f, cf.name, {x, y}, color::kText, t.name, inner_w - link_w - pad);
  pill(f, cf.name, {r.right() - pad - link_w, y - cf.name->FontSize * 0.15f}, link_color(t.link),
       link_fg, link_word(t.link));
  y += cf.name->FontSize * 1.35f;

  // Data age.
  char age[64];
  if (t.data_age_seconds) {
    char a[32];
    format_age_s(a, sizeof a, *t.data_age_seconds);
    std::snprintf(age, sizeof age, "%.*s %s", int(w::kData.size()), w::kData.data(), a);
  } else {
    std::snprintf(age, sizeof age, "%.*s", int(w::kNoData.size()), w::kNoData.data());
  }
  text(f, cf.small, {x, y}, t.link == TownLink::live ? color::kDim : link_color(t.link), age);
  if (dense && !t.alerts.empty()) {
    // A dense card has no room for titles: the count, in the most severe one's colour.
    char count[48];
    std::snprintf(count, sizeof count, "%.*s %zu", int(w::kAlertCount.size()),
                  w::kAlertCount.data(), t.alerts.size());
    const float cw = text_width(cf.small, count);
    text(f, cf.small, {r.right() - pad - cw, y}, severity_color(t.alerts.front().severity), count);
  }
  y += cf.small->FontSize * (dense ? 1.2f : 1.6f);
  f.dl->AddLine({x, y}, {r.right() - pad, y}, color::kRule, 1.0f);
  y += dense ? u * 0.2f : u * 0.5f;

  // Roll call.
  if (t.rollcall) {
    const RegionRollcall& rc = *t.rollcall;
    float lx = x;
    if (rc.drill) {
      lx += pill(f, cf.small, {lx, y}, color::kDrillBand, color::kBlack, w::kDrill) + u * 0.3f;
    }
    if (!dense) {
      lx += text(f, cf.label, {lx, y}, color::kDim, w::kRollcall) + u * 0.3f;
      if (!rc.open) text(f, cf.label, {lx, y}, color::kDim, w::kClosed);
      y += cf.label->FontSize * 1.3f;
      char figures[48];
      std::snprintf(figures, sizeof figures, "%lld/%lld", rc.answered, rc.in_scope);
      text(f, cf.big, {x, y}, data_col, figures);
      y += cf.big->FontSize * 1.05f;
      char pending[64];
      std::snprintf(pending, sizeof pending, "%.*s %lld%.*s", int(w::kPending.size()),
                    w::kPending.data(), rc.pending, int(w::kPeople.size()), w::kPeople.data());
      text(f, cf.name, {x, y}, rc.pending > 0 && !lost ? color::kOrange : data_col, pending);
      y += cf.name->FontSize * 1.4f;
    } else {
      char line[96];
      std::snprintf(line, sizeof line, "%.*s %lld/%lld  %.*s %lld", int(w::kAnswered.size()),
                    w::kAnswered.data(), rc.answered, rc.in_scope, int(w::kPending.size()),
                    w::kPending.data(), rc.pending);
      text_fit(f, cf.small, {lx, y}, rc.pending > 0 && !lost ? color::kOrange : data_col, line,
               r.right() - pad - lx);
      y += cf.small->FontSize * 1.3f;
    }
  } else {
    text(f, dense ? cf.small : cf.label, {x, y}, color::kDim, w::kNoRollcall);
    y += (dense ? cf.small : cf.label)->FontSize * (dense ? 1.3f : 1.5f);
  }

  // Staff.
  char staff[96];
  std::snprintf(staff, sizeof staff, "%.*s %lld/%lld%.*s", int(w::kAvailable.size()),
                w::kAvailable.data(), t.available, t.staff, int(w::kPeople.size()),
                w::kPeople.data());
  ImFont* staff_font = dense ? cf.small : cf.label;
  float sx = x + text(f, staff_font, {x, y}, data_col, staff);
  if (t.en_route > 0) {
    char route[48];
    std::snprintf(route, sizeof route, "  %.*s %lld", int(w::kEnRoute.size()), w::kEnRoute.data(),
                  t.en_route);
    text(f, staff_font, {sx, y}, color::kSkyBlue, route);
  }
  y += staff_font->FontSize * (dense ? 1.3f : 1.6f);

  // Alerts: the most severe first, as many as fit.
  ImFont* none_font = dense ? cf.small : cf.label;
  if (t.alerts.empty()) {
    if (y + none_font->FontSize <= r.bottom() - pad * 0.4f)
      text(f, none_font, {x, y}, color::kDim, w::kNoAlerts);
  } else {
    ImFont* af = dense ? cf.small : cf.label;
    const float line_h = af->FontSize * 1.35f;
    const float bottom = r.bottom() - pad * 0.6f;
    std::size_t shown = 0;
    for (const RegionAlert& a : t.alerts) {
      const bool last_line = y + 2 * line_h > bottom;
      if (y + line_h > bottom) break;
      if (last_line && shown + 1 < t.alerts.size()) {
        char more[48];
        std::snprintf(more, sizeof more, "%.*s %zu", int(w::kMore.size()), w::kMore.data(),
                      t.alerts.size() - shown);
        text(f, af, {x, y}, color::kDim, more);
        shown = t.alerts.size();
        break;
      }
      f.dl->AddRectFilled({x, y + af->FontSize * 0.1f}, {x + u * 0.35f, y + af->FontSize * 1.1f},
                          severity_color(a.severity));
      float ax = x + u * 0.6f;
      if (a.drill)
        ax += pill(f, af, {ax, y - af->FontSize * 0.1f}, color::kDrillBand, color::kBlack,
                   w::kDrill) +
              u * 0.25f;
      text_fit(f, af, {ax, y}, data_col, a.title, r.right() - pad - ax);
      y += line_h;
      ++shown;
    }
  }
  if (lost && !dense) {
    // Over the card's foot: what is shown is old.
    const float h = cf.label->FontSize * 1.6f;
    Rect band{r.x + 3, r.bottom() - h - 3, r.w - 6, h};
    f.dl->AddRectFilled(tl(band), br(band), color::kVermillion, u * 0.2f);
    text_centered(f, cf.label, band, color::kText, w::kCutOff);
  }
}

}  // namespace

std::optional<RegionView> region_from_json(const nlohmann::json& doc, std::string& error) {
  if (!doc.is_object() || !doc.contains("towns") || !doc["towns"].is_array()) {
    error = "not a region: expected an object with a \"towns\" array (GET /v1/region)";
    return std::nullopt;
  }
  RegionView v;
  v.name = string_or(doc, "name");
  for (const nlohmann::json& t : doc["towns"]) {
    if (!t.is_object()) continue;
    TownCard c;
    c.id = string_or(t, "id");
    c.name = string_or(t, "name", c.id);
    c.seq = count_or(t, "seq");
    c.link = link_from(string_or(t, "link"));
    if (auto it = t.find("data_age_seconds"); it != t.end() && it->is_number())
      c.data_age_seconds = std::max(0.0, it->get<double>());
    if (auto it = t.find("rollcall"); it != t.end() && it->is_object()) {
      RegionRollcall rc;
      rc.title = string_or(*it, "title");
      rc.drill = bool_or(*it, "drill");
      rc.open = !it->contains("open") || bool_or(*it, "open");
      rc.in_scope = count_or(*it, "in_scope");
      rc.answered = count_or(*it, "answered");
      rc.pending = count_or(*it, "pending");
      c.rollcall = rc;
    }
    if (auto it = t.find("alerts"); it != t.end() && it->is_array()) {
      for (const nlohmann::json& a : *it) {
        if (!a.is_object()) continue;
        RegionAlert alert;
        alert.title = string_or(a, "title");
        alert.drill = bool_or(a, "drill");
        alert.severity = model::enum_from_string<model::Severity>(string_or(a, "severity"))
                             .value_or(model::Severity::advisory);
        c.alerts.push_back(std::move(alert));
        if (c.alerts.size() >= 50) break;  // more never fit a card
      }
    }
    c.staff = count_or(t, "staff");
    c.available = count_or(t, "available");
    c.en_route = count_or(t, "en_route");
    v.towns.push_back(std::move(c));
    if (v.towns.size() >= 500) break;  // bounded: a region of prefectures is still far below
  }
  return v;
}

void add_region_text(GlyphAtlas& atlas, const RegionView& v) {
  for (std::string_view s :
       {w::kLive,      w::kStale,    w::kLost,      w::kDrill,  w::kRollcall, w::kNoRollcall,
        w::kClosed,    w::kPending,  w::kAnswered,  w::kAlerts, w::kNoAlerts, w::kMore,
        w::kAvailable, w::kEnRoute,  w::kPeople,    w::kData,   w::kAgo,      w::kNoData,
        w::kSecond,    w::kMinute,   w::kHour,      w::kTowns,  w::kPage,     w::kAlertCount,
        w::kCutOff,    w::kNoRegion, w::kConnecting}) {
    atlas.add_text(s);
    atlas.add_large_text(s);
  }
  atlas.add_text("0123456789/ .:-…");
  atlas.add_large_text("0123456789/ .:-…");
  atlas.add_clock_text("/");
  atlas.add_text(v.name);
  atlas.add_large_text(v.name);
  for (const TownCard& t : v.towns) {
    atlas.add_text(t.name);
    atlas.add_large_text(t.name);
    if (t.rollcall) atlas.add_text(t.rollcall->title);
    for (const RegionAlert& a : t.alerts) atlas.add_text(a.title);
  }
}

RegionGrid region_grid(std::size_t count) {
  if (count <= 3) return {std::max<int>(1, static_cast<int>(count)), 1, false};
  if (count <= 4) return {2, 2, false};
  if (count <= 8) return {4, 2, false};
  return {6, 5, true};
}

int region_pages(const RegionView& view) {
  const int per = region_grid(view.towns.size()).per_page();
  return std::max(1, static_cast<int>((view.towns.size() + per - 1) / per));
}

void draw_region(ImDrawList* dl, const Fonts& fonts, const RegionView& view, const RegionFeed& feed,
                 float width, float height, model::TimePoint now, int page) {
  Frame f;
  f.dl = dl;
  f.fonts = &fonts;
  f.now = now;
  f.unit = fonts.body ? fonts.body->FontSize : 27;
  const float u = f.unit;
  dl->AddRectFilled({0, 0}, {width, height}, color::kBackground);

  // Header: the region's name, the clock, how many towns are live, the page.
  const float header_h = std::round(fonts.large->FontSize * 1.5f);
  Rect header{0, 0, width, header_h};
  dl->AddRectFilled(tl(header), br(header), color::kPanelHeader);
  text_fit(f, fonts.large, {u, (header_h - fonts.large->FontSize) * 0.5f}, color::kText, view.name,
           width * 0.5f);
  char clock[32];
  format_clock(clock, sizeof clock, now, view.utc_offset_minutes, "%H:%M:%S");
  const float cw = text_width(fonts.large, clock);
  text(f, fonts.large, {width - u - cw, (header_h - fonts.large->FontSize) * 0.5f}, color::kText,
       clock);
  // Counts per link state, left of the clock.
  int counts[3] = {0, 0, 0};
  for (const TownCard& t : view.towns) ++counts[static_cast<int>(t.link)];
  float cx = width - 2 * u - cw;
  for (int i = 2; i >= 0; --i) {
    char label[32];
    std::snprintf(label, sizeof label, "%.*s %d", int(link_word(TownLink(i)).size()),
                  link_word(TownLink(i)).data(), counts[i]);
    const float pw = text_width(fonts.heading, label) + fonts.heading->FontSize * 0.8f;
    cx -= pw + u * 0.4f;
    const ImU32 bg = counts[i] == 0 ? color::kPanel : link_color(TownLink(i));
    const ImU32 fg = counts[i] == 0 ? color::kDim : (i == 2 ? color::kText : color::kBlack);
    pill(f, fonts.heading, {cx, (header_h - fonts.heading->FontSize * 1.3f) * 0.5f}, bg, fg, label);
  }

  float top = header_h + u * 0.5f;
  // The wall's own link to the regional daemon: when that is gone, every card is old.
  if (!feed.connected) {
    const float h = fonts.heading->FontSize * 1.7f;
    Rect band{u * 0.5f, top, width - u, h};
    dl->AddRectFilled(tl(band), br(band), feed.silence_s ? color::kVermillion : color::kGrey,
                      u * 0.2f);
    text_centered(f, fonts.heading, band, color::kText,
                  feed.silence_s ? w::kNoRegion : w::kConnecting);
    top += h + u * 0.5f;
  }

  const RegionGrid grid = region_grid(view.towns.size());
  const int pages = region_pages(view);
  page = std::clamp(page, 0, pages - 1);
  float bottom = height - u * 0.5f;
  if (pages > 1) {
    char label[48];
    std::snprintf(label, sizeof label, "%.*s %d/%d", int(w::kPage.size()), w::kPage.data(),
                  page + 1, pages);
    const float lw = text_width(fonts.body, label);
    bottom -= fonts.body->FontSize * 1.3f;
    text(f, fonts.body, {width - u - lw, bottom + fonts.body->FontSize * 0.15f}, color::kDim,
         label);
  }
  const float gap = grid.dense ? u * 0.35f : u * 0.6f;
  const float area_x = u * 0.5f, area_w = width - u;
  const float cell_w = (area_w - gap * (grid.columns - 1)) / grid.columns;
  const float cell_h = (bottom - top - gap * (grid.rows - 1)) / grid.rows;
  const CardFonts cf = grid.dense
                           ? CardFonts{fonts.heading, fonts.heading, fonts.body, fonts.body}
                           : CardFonts{fonts.large, fonts.huge, fonts.heading, fonts.heading};
  const std::size_t first = static_cast<std::size_t>(page) * grid.per_page();
  for (int i = 0; i < grid.per_page() && first + i < view.towns.size(); ++i) {
    const int col = i % grid.columns, row = i / grid.columns;
    Rect cell{std::round(area_x + col * (cell_w + gap)), std::round(top + row * (cell_h + gap)),
              std::floor(cell_w), std::floor(cell_h)};
    draw_card(f, cf, cell, view.towns[first + i], grid.dense);
  }
}

}  // namespace bcp::display
