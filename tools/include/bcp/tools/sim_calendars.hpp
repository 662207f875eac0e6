// A scenario's "calendars" section: what bcp-sim's tenant answers the daemon's LINE WORKS
// calendar reads with, so the demo's staff board shows leave, trips, remote work and meetings.
// Given relative to the moment the scenario starts (the demo runs now), in the town's zone:
//
//   "calendars": {
//     "s003": [{"title": "年次休暇", "days": [0, 1]}],              all day, today
//     "s007": [{"title": "出張 県庁", "hours": [-2, 6]}],           from 2 h ago to 6 h ahead
//     "s018": [{"title": "定例会議", "hours": [-0.5, 1.5], "weekly": true}],
//     "s019": [{"title": "私用", "hours": [0, 2], "free": true}]    shown as free: not counted
//   }
//
// Each entry becomes one event of LINE WORKS's events response (notes/lineworks-api.md §4:
// `date` for all-day, `dateTime` + `timeZone` Asia/Tokyo for timed, `recurrence`
// ["RRULE:FREQ=WEEKLY"], `transparency` TRANSPARENT). Pure: no thread, no state.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bcp/config/config.hpp"

namespace bcp::tools {

// LINE WORKS userId -> the events response for that person. Throws ScenarioError
// (scenario.hpp) naming the place: "calendars/s003/0/days: expected [from, to] whole days".
std::map<std::string, nlohmann::json> scenario_calendars(
    const nlohmann::json& scenario, const config::TownConfig& town,
    std::chrono::system_clock::time_point start);

}  // namespace bcp::tools
