// Every word the wall itself shows, in one place, so the glyph atlas can bake them all
// (ui_strings) and the wording is reviewed together.
#pragma once

#include <span>
#include <string_view>

#include "bcp/model/events.hpp"

namespace bcp::display {

std::string_view label(model::AlertKind k);     // 地震, クマ, ...
std::string_view label(model::Severity s);      // 情報, 注意, 警報, 緊急
std::string_view label(model::Availability a);  // 在席, 外出, ...
std::string_view label(model::Safety s);        // 無事, 軽傷, 重傷, 要救助
std::string_view label(model::CanWork c);       // 出勤可, 後で, 不可, 未回答
std::string_view label(model::AlertSourceKind k);
std::string_view attachment_marker(model::AttachmentKind k);  // [写真], [ファイル], ...

// All fixed UI strings (labels above and panel words); for the glyph atlas.
std::span<const std::string_view> ui_strings();

}  // namespace bcp::display
