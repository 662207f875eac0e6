// One CAP <info> block: validation, language choice and mapping onto an alert.
#pragma once

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "bcp/model/events.hpp"

namespace bcp::alerts::detail {

struct CapInfo {
  std::string language;  // defaults to "en-US" as CAP specifies
  std::vector<std::string> categories;
  std::string event, urgency, severity, certainty;
  std::string headline, description, instruction, sender_name;
  std::optional<model::TimePoint> expires;
  std::vector<std::string> area_descs;
};

// Throws AlertParseError naming the element, e.g. "/alert/info[1]/severity".
CapInfo parse_cap_info(const pugi::xml_node& info, size_t index);

// `language`, else "en-US", else the first; nullptr when there is no block.
const CapInfo* pick_info(const std::vector<CapInfo>& infos, const std::string& language);

// kind, severity, title, body, area, expires.
void fill_alert(const CapInfo& info, model::AlertRaised& alert);

}  // namespace bcp::alerts::detail
