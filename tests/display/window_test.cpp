// The windowed wall under SDL's dummy video driver: what the code asks of the window
// system (screen saver off, full screen on and off, staying on the chosen monitor) and that
// a window redraws only when the picture changes.
#include <SDL.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "bcp/display/demo.hpp"
#include "bcp/display/screen.hpp"

namespace bcp::display {
namespace {

using namespace std::chrono;

TEST(Window, ScreenSaverOffFullScreenToggleAndRedrawOnChangeOnly) {
  ::setenv("SDL_VIDEODRIVER", "dummy", 1);  // never a real display from a test
  std::string error;
  auto screen = Screen::window(0, /*windowed=*/false, &error);
  if (!screen) GTEST_SKIP() << "no SDL window with the dummy driver: " << error;
  EXPECT_FALSE(SDL_IsScreenSaverEnabled());
  SDL_Window* w = screen->sdl_window();
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(SDL_GetWindowFlags(w) & SDL_WINDOW_FULLSCREEN_DESKTOP, SDL_WINDOW_FULLSCREEN_DESKTOP);
  screen->toggle_fullscreen();
  EXPECT_EQ(SDL_GetWindowFlags(w) & SDL_WINDOW_FULLSCREEN, 0u);
  screen->toggle_fullscreen();
  EXPECT_EQ(SDL_GetWindowFlags(w) & SDL_WINDOW_FULLSCREEN_DESKTOP, SDL_WINDOW_FULLSCREEN_DESKTOP);
  // The chosen monitor is present: a display event leaves the window where it is.
  screen->place_on_monitor();
  EXPECT_EQ(SDL_GetWindowDisplayIndex(w), 0);
  EXPECT_EQ(SDL_GetWindowFlags(w) & SDL_WINDOW_FULLSCREEN_DESKTOP, SDL_WINDOW_FULLSCREEN_DESKTOP);

  auto now = time_point_cast<milliseconds>(sys_days{year{2026} / 11 / 24} + hours{3});
  auto s = demo_situation(now);
  screen->atlas().add_situation(s);
  ASSERT_TRUE(screen->ensure_fonts(&error)) << error;
  EXPECT_TRUE(screen->fonts_fit());
  WallView v;
  v.health = FeedHealth::live;
  WallSettings st;
  st.list_page_seconds = 1e6;
  auto first = screen->render(s, v, st, default_layout(), now, 10.0);
  EXPECT_TRUE(first.changed);
  EXPECT_DOUBLE_EQ(first.share, 1.0);
  EXPECT_FALSE(screen->render(s, v, st, default_layout(), now, 10.1).changed);
  v.muted = true;  // the operator pressed M: the header says so
  auto muted = screen->render(s, v, st, default_layout(), now, 10.2);
  EXPECT_TRUE(muted.changed);
  EXPECT_DOUBLE_EQ(muted.share, 1.0);  // a window's back buffer is redrawn whole
  screen.reset();
  SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

}  // namespace
}  // namespace bcp::display
