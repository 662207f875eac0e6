#include "bcp/display/labels.hpp"

#include <array>

#include "replay_words.hpp"
#include "ui_words.hpp"

namespace bcp::display {

std::string_view label(model::AlertKind k) {
  using K = model::AlertKind;
  switch (k) {
    case K::bear:
      return "クマ";
    case K::earthquake:
      return "地震";
    case K::tsunami:
      return "津波";
    case K::weather:
      return "気象";
    case K::fire:
      return "火災";
    case K::other:
      return "その他";
  }
  return "";
}

std::string_view label(model::Severity s) {
  using S = model::Severity;
  switch (s) {
    case S::info:
      return "情報";
    case S::advisory:
      return "注意";
    case S::warning:
      return "警報";
    case S::critical:
      return "緊急";
  }
  return "";
}

std::string_view label(model::Availability a) {
  using A = model::Availability;
  switch (a) {
    case A::in_office:
      return "在席";
    case A::out:
      return "外出";
    case A::meeting:
      return "会議";
    case A::remote:
      return "在宅";
    case A::trip:
      return "出張";
    case A::leave:
      return "休暇";
    case A::off_duty:
      return "退庁";
    case A::en_route:
      return "移動中";
    case A::unknown:
      return "不明";
  }
  return "";
}

std::string_view label(model::Safety s) {
  using S = model::Safety;
  switch (s) {
    case S::safe:
      return "無事";
    case S::minor_injury:
      return "軽傷";
    case S::serious_injury:
      return "重傷";
    case S::needs_help:
      return "要救助";
  }
  return "";
}

std::string_view label(model::CanWork c) {
  using C = model::CanWork;
  switch (c) {
    case C::yes:
      return "出勤可";
    case C::later:
      return "遅れて可";
    case C::no:
      return "出勤不可";
    case C::unknown:
      return "不明";
  }
  return "";
}

std::string_view label(model::AlertSourceKind k) {
  using K = model::AlertSourceKind;
  switch (k) {
    case K::rule:
      return "キーワード";
    case K::cap:
      return "CAP";
    case K::jma:
      return "気象庁";
    case K::manual:
      return "手動";
  }
  return "";
}

std::string_view attachment_marker(model::AttachmentKind k) {
  using K = model::AttachmentKind;
  switch (k) {
    case K::image:
      return "[写真]";
    case K::file:
      return "[ファイル]";
    case K::location:
      return "[位置]";
    case K::sticker:
      return "[スタンプ]";
  }
  return "";
}

std::span<const std::string_view> ui_strings() {
  static const auto all = [] {
    std::array<std::string_view, 64 + std::size(words::kAll) + std::size(replay_words::kAll)> a{};
    std::size_t n = 0;
    for (auto k : {model::AlertKind::bear, model::AlertKind::earthquake, model::AlertKind::tsunami,
                   model::AlertKind::weather, model::AlertKind::fire, model::AlertKind::other})
      a[n++] = label(k);
    for (auto s : {model::Severity::info, model::Severity::advisory, model::Severity::warning,
                   model::Severity::critical})
      a[n++] = label(s);
    for (int i = 0; i <= static_cast<int>(model::Availability::unknown); ++i)
      a[n++] = label(static_cast<model::Availability>(i));
    for (int i = 0; i < 4; ++i) a[n++] = label(static_cast<model::Safety>(i));
    for (int i = 0; i < 4; ++i) a[n++] = label(static_cast<model::CanWork>(i));
    for (int i = 0; i < 4; ++i) a[n++] = label(static_cast<model::AlertSourceKind>(i));
    for (int i = 0; i < 4; ++i) a[n++] = attachment_marker(static_cast<model::AttachmentKind>(i));
    for (auto w : words::kAll) a[n++] = w;
    for (auto w : replay_words::kAll) a[n++] = w;
    return std::pair{a, n};
  }();
  return {all.first.data(), all.second};
}

}  // namespace bcp::display
