#include "bcp/display/controls.hpp"

#include <SDL_keycode.h>

#include <algorithm>

namespace bcp::display {

WallKey wall_key(int k) {
  switch (k) {
    case SDLK_a:
      return WallKey::acknowledge;
    case SDLK_m:
      return WallKey::mute;
    case SDLK_RIGHT:
    case SDLK_PAGEDOWN:
      return WallKey::next_page;
    case SDLK_LEFT:
    case SDLK_PAGEUP:
      return WallKey::previous_page;
    case SDLK_SPACE:
    case SDLK_p:
      return WallKey::pause;
    case SDLK_f:
    case SDLK_F11:
      return WallKey::fullscreen;
    case SDLK_ESCAPE:
    case SDLK_q:
      return WallKey::quit;
    case SDLK_y:
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
      return WallKey::yes;
    case SDLK_h:
      return WallKey::hide_list;
    default:
      break;
  }
  if (k >= SDLK_1 && k <= SDLK_9)
    return static_cast<WallKey>(static_cast<int>(WallKey::pick_1) + (k - SDLK_1));
  if (k >= SDLK_KP_1 && k <= SDLK_KP_9) {
    return static_cast<WallKey>(static_cast<int>(WallKey::pick_1) + (k - SDLK_KP_1));
  }
  return WallKey::other;
}

std::vector<const model::TalkEntry*> recent_talk(const model::Situation& s, std::size_t n) {
  std::vector<const model::TalkEntry*> out;
  for (const auto& [group, talk] : s.talk) {
    // Each group's newest n are enough: the overall newest n are among them.
    auto from = talk.recent.size() > n ? talk.recent.end() - static_cast<std::ptrdiff_t>(n)
                                       : talk.recent.begin();
    for (auto it = from; it != talk.recent.end(); ++it) out.push_back(&*it);
  }
  std::sort(out.begin(), out.end(),
            [](const model::TalkEntry* a, const model::TalkEntry* b) { return a->seq > b->seq; });
  if (out.size() > n) out.resize(n);
  return out;
}

std::optional<ControlRequest> WallControls::press_hide_list(WallKey key, double mono) {
  if (!hide_) return std::nullopt;
  hide_touched_ = mono;
  if (hide_->chosen) {
    // Only Y takes it off; any other key goes back to the list, Esc and H close it.
    if (key == WallKey::yes) {
      hide_request_ = *hide_->chosen;
      hide_.reset();
      return ControlRequest::hide_message;
    }
    if (key == WallKey::quit || key == WallKey::hide_list) {
      hide_.reset();
    } else {
      hide_->chosen.reset();
    }
    return ControlRequest::redraw;
  }
  if (key >= WallKey::pick_1 && key <= WallKey::pick_9) {
    auto index =
        static_cast<std::size_t>(static_cast<int>(key) - static_cast<int>(WallKey::pick_1));
    if (index < hide_->ids.size()) hide_->chosen = hide_->ids[index];
    return ControlRequest::redraw;
  }
  if (key == WallKey::quit || key == WallKey::hide_list) {
    hide_.reset();
    return ControlRequest::redraw;
  }
  return std::nullopt;  // the other keys keep their meaning
}

const model::AlertState* top_unacknowledged(const model::Situation& s,
                                            const std::set<std::string>& acked_here,
                                            model::TimePoint now) {
  for (const auto* a : s.active_alerts(now)) {
    if (!a->acknowledged_by && !acked_here.count(a->alert.alert)) return a;
  }
  return nullptr;
}

ControlRequest WallControls::press(WallKey key, PageRotation& rot, const model::Situation& s,
                                   model::TimePoint now, double mono) {
  if (quit_asked_) {
    // Any answer but yes keeps the wall running: a stray key never ends the display.
    quit_ = key == WallKey::yes;
    quit_asked_.reset();
    return ControlRequest::redraw;
  }
  if (auto handled = press_hide_list(key, mono)) return *handled;
  switch (key) {
    case WallKey::hide_list: {
      HidePick pick;
      for (const auto* e : recent_talk(s, HidePick::kListed))
        pick.ids.push_back(e->message.message_id);
      hide_ = std::move(pick);
      hide_touched_ = mono;
      return ControlRequest::redraw;
    }
    case WallKey::acknowledge:
      if (const auto* a = top_unacknowledged(s, acked_, now)) acked_.insert(a->alert.alert);
      return ControlRequest::redraw;
    case WallKey::mute:
      muted_ = !muted_;
      return ControlRequest::redraw;
    case WallKey::next_page:
      rot.next(mono);
      return ControlRequest::redraw;
    case WallKey::previous_page:
      rot.previous(mono);
      return ControlRequest::redraw;
    case WallKey::pause:
      rot.toggle_pause(mono);
      return ControlRequest::redraw;
    case WallKey::fullscreen:
      return ControlRequest::toggle_fullscreen;
    case WallKey::quit:
      quit_asked_ = mono;
      return ControlRequest::redraw;
    case WallKey::yes:
    case WallKey::other:
    default:  // a number without the list
      break;
  }
  return ControlRequest::none;
}

void WallControls::close_requested(double mono) { quit_asked_ = mono; }

void WallControls::tick(double mono) {
  if (quit_asked_ && mono - *quit_asked_ > kQuitQuestionSeconds) quit_asked_.reset();
  if (hide_ && mono - hide_touched_ > kHideListSeconds) hide_.reset();
}

std::optional<int> find_chosen_display(const std::string& chosen_name, int chosen_index,
                                       const std::vector<std::string>& names) {
  if (!chosen_name.empty() && std::count(names.begin(), names.end(), chosen_name) == 1) {
    return static_cast<int>(std::find(names.begin(), names.end(), chosen_name) - names.begin());
  }
  // Named but absent: unplugged, even if another monitor now holds its old index.
  if (!chosen_name.empty() && std::count(names.begin(), names.end(), chosen_name) == 0) {
    return std::nullopt;
  }
  if (chosen_index >= 0 && chosen_index < static_cast<int>(names.size())) return chosen_index;
  return std::nullopt;
}

}  // namespace bcp::display
