// Automatic paging of lists that do not fit (not-yet-answered names, staff): which slice
// shows at a given moment, so everyone is seen within pages * seconds_per_page.
#pragma once

#include <cstddef>

namespace bcp::display {

struct PageSlice {
  std::size_t first = 0;  // index of the first item shown
  std::size_t count = 0;  // items shown
  std::size_t page = 0;   // 0-based
  std::size_t pages = 1;  // >= 1, also for an empty list
};

// `per_page` items per page (0 is treated as 1); `seconds` any monotonic clock.
PageSlice page_slice(std::size_t total, std::size_t per_page, double seconds,
                     double seconds_per_page);

}  // namespace bcp::display
