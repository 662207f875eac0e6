#include "bcp/display/paging.hpp"

#include <algorithm>
#include <cmath>

namespace bcp::display {

PageSlice page_slice(std::size_t total, std::size_t per_page, double seconds,
                     double seconds_per_page) {
  PageSlice s;
  per_page = std::max<std::size_t>(1, per_page);
  s.pages = std::max<std::size_t>(1, (total + per_page - 1) / per_page);
  if (s.pages > 1 && seconds_per_page > 0 && std::isfinite(seconds) && seconds >= 0) {
    s.page = static_cast<std::size_t>(std::floor(seconds / seconds_per_page)) % s.pages;
  }
  s.first = s.page * per_page;
  s.count = total > s.first ? std::min(per_page, total - s.first) : 0;
  return s;
}

}  // namespace bcp::display
