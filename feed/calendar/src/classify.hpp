// What an event means for availability, from the words its owner gave it. Shared by every
// source of events (the .ics reader; a calendar API's JSON later), so that a title means the
// same wherever it comes from. The title is read only here and never leaves the component.
#pragma once

#include <string_view>
#include <vector>

#include "calendar_data.hpp"

namespace bcp::calendar {

struct EventWords {
  std::string_view summary;
  std::vector<std::string_view> categories;
  bool all_day = false;
  bool out_of_office = false;  // the service's own absence flag (Outlook's BUSYSTATUS OOF)
};

// Leave (休暇, 有給, 休み, leave, vacation, ... or the service's absence flag, or an all-day
// event without another keyword) > trip (出張, trip) > remote (在宅, テレワーク, remote) >
// meeting. 昼休み (lunch break) is not leave.
Kind classify(const EventWords& words);

}  // namespace bcp::calendar
