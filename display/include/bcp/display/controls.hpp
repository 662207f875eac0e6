// The operator's keys at the wall's PC and the local state they change (acknowledged alerts,
// mute, paging, the quit confirmation), plus when to hide the mouse pointer and which
// display is the chosen monitor. Pure: no SDL calls, so every rule is unit-tested; app.cpp
// maps SDL events onto it and carries out the returned requests.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bcp/display/layout.hpp"
#include "bcp/model/situation.hpp"

namespace bcp::display {

enum class WallKey {
  acknowledge,    // A: the top unacknowledged alert, on this wall
  mute,           // M: chime off / on
  next_page,      // Right, Page Down
  previous_page,  // Left, Page Up
  pause,          // Space, P: page rotation
  fullscreen,     // F, F11
  quit,           // Esc, Q: asks first
  yes,            // Y, Enter: confirms a question
  hide_list,      // H: the last talk messages, numbered, to take one off every wall
  pick_1,         // 1 … 9 (also on the keypad): a message of that list
  pick_2,
  pick_3,
  pick_4,
  pick_5,
  pick_6,
  pick_7,
  pick_8,
  pick_9,
  other,
};
WallKey wall_key(int sdl_keycode);

// What the app must do after a key that the controls cannot do themselves.
// hide_message: send POST /v1/talk/{hide_request()}/hide (after H, a number and Y).
enum class ControlRequest { none, toggle_fullscreen, redraw, hide_message };

// The last `n` talk messages the wall shows, newest first, across all groups: what the H
// key lists (seq order is the order they reached the daemon).
std::vector<const model::TalkEntry*> recent_talk(const model::Situation& s, std::size_t n);

// The H key's state: the listed message ids (1 = ids[0], the newest) and the one chosen,
// waiting for Y. Listed ids stay fixed while it is open, so a new post cannot shift the
// numbers under the operator's finger.
struct HidePick {
  static constexpr std::size_t kListed = 9;
  std::vector<std::string> ids;
  std::optional<std::string> chosen;
};

class WallControls {
 public:
  static constexpr double kQuitQuestionSeconds = 10;
  // The hide list closes by itself when no key was pressed for this long.
  static constexpr double kHideListSeconds = 30;

  ControlRequest press(WallKey key, PageRotation& rotation, const model::Situation& s,
                       model::TimePoint now, double mono);
  // The window's close button or the window manager: asks, like Esc.
  void close_requested(double mono);
  // An unanswered quit question goes away by itself.
  void tick(double mono);

  const std::set<std::string>& acked() const { return acked_; }
  bool muted() const { return muted_; }
  bool asking_to_quit() const { return quit_asked_.has_value(); }
  bool quit() const { return quit_; }
  // The open hide list (nullptr when closed).
  const HidePick* hide_pick() const { return hide_ ? &*hide_ : nullptr; }
  // The message to take off the wall, after press() returned ControlRequest::hide_message.
  const std::string& hide_request() const { return hide_request_; }

 private:
  // H, a number, Y: the keys while the hide list is open. nullopt = not for the list.
  std::optional<ControlRequest> press_hide_list(WallKey key, double mono);

  std::set<std::string> acked_;
  bool muted_ = false;
  std::optional<double> quit_asked_;
  bool quit_ = false;
  std::optional<HidePick> hide_;
  double hide_touched_ = 0;
  std::string hide_request_;
};

// The top alert the A key acknowledges: the first active one acknowledged neither centrally
// nor here (alerts come ordered by severity, then time).
const model::AlertState* top_unacknowledged(const model::Situation& s,
                                            const std::set<std::string>& acked_here,
                                            model::TimePoint now);

// The mouse pointer shows while it moves and hides `hide_after` seconds after it stopped.
class PointerHider {
 public:
  explicit PointerHider(double hide_after = 3) : hide_after_(hide_after) {}
  void moved(double mono) { last_move_ = mono; }
  bool visible(double mono) const { return mono - last_move_ < hide_after_; }

 private:
  double hide_after_;
  double last_move_ = 0;
};

// Which display index is the chosen monitor now. Indexes shift when monitors come and go,
// so the monitor is remembered by name (falling back to its index when names are not
// unique or missing); nullopt while it is unplugged.
std::optional<int> find_chosen_display(const std::string& chosen_name, int chosen_index,
                                       const std::vector<std::string>& display_names);

}  // namespace bcp::display
