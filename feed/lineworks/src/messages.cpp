#include "bcp/lineworks/messages.hpp"

#include <array>

#include "bcp/model/codec.hpp"

namespace bcp::lineworks {

namespace {

using model::CanWork;
using model::Safety;
using nlohmann::json;

constexpr std::array kSafeties = {Safety::safe, Safety::minor_injury, Safety::serious_injury,
                                  Safety::needs_help};
constexpr std::array kWorks = {CanWork::yes, CanWork::later, CanWork::no, CanWork::unknown};

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The text with the drill mark in front when it is a drill and the mark is not there yet.
std::string marked(std::string_view text, bool drill, std::string_view mark) {
  if (!drill || mark.empty() || text.starts_with(mark)) return std::string(text);
  return std::string(mark) + std::string(text);
}

std::string_view safety_text(Safety s) {
  switch (s) {
    case Safety::safe:
      return "無事です";
    case Safety::minor_injury:
      return "軽いけがをしています";
    case Safety::serious_injury:
      return "重いけがをしています";
    case Safety::needs_help:
      return "救助が必要です";
  }
  return "";
}

}  // namespace

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Recipient::path() const {
  return (kind == Kind::user ? "users/" : "channels/") + percent_encode(id);
}

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string first_chars(std::string_view s, std::size_t max_chars) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == max_chars)
      return std::string(s.substr(0, i));
  }
  return std::string(s);
}

std::string_view safety_label(Safety s) {
  switch (s) {
    case Safety::safe:
      return "無事";
    case Safety::minor_injury:
      return "軽傷";
    case Safety::serious_injury:
      return "重傷";
    case Safety::needs_help:
      return "要救助";
  }
  return "";
}

std::string_view work_label(CanWork w) {
  switch (w) {
    case CanWork::yes:
      return "出勤できる";
    case CanWork::later:
      return "遅れて出勤できる";
    case CanWork::no:
      return "出勤できない";
    case CanWork::unknown:
      return "まだ分からない";
  }
  return "";
}

std::string answer_data(std::string_view rollcall, Safety safety, std::optional<CanWork> work) {
  std::string out =
      "rc=" + percent_encode(rollcall) + "&anpi=" + std::string(model::to_string(safety));
  if (work) out += "&work=" + std::string(model::to_string(*work));
  return out;
}

std::optional<Answer> parse_answer_data(std::string_view data) {
  if (data.empty() || data.size() > kMaxPostbackChars) return std::nullopt;
  Answer answer;
  bool have_safety = false;
  while (!data.empty()) {
    const auto amp = data.find('&');
    const std::string_view pair = data.substr(0, amp);
    data = amp == std::string_view::npos ? std::string_view{} : data.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    if (key == "rc" && !answer.rollcall) {
      auto id = percent_decode(value);
      if (!id || id->empty()) return std::nullopt;
      answer.rollcall = std::move(*id);
    } else if (key == "anpi" && !have_safety) {
      auto s = model::enum_from_string<Safety>(value);
      if (!s) return std::nullopt;
      answer.safety = *s;
      have_safety = true;
    } else if (key == "work" && !answer.work) {
      auto w = model::enum_from_string<CanWork>(value);
      if (!w) return std::nullopt;
      answer.work = *w;
    } else {
      return std::nullopt;  // unknown or repeated key: not data this bot sent
    }
  }
  if (!have_safety) return std::nullopt;
  return answer;
}

json text_content(std::string_view text) {
  return json{{"type", "text"}, {"text", first_chars(text, kMaxTextChars)}};
}

json safety_question(std::string_view rollcall, std::string_view text, bool drill,
                     std::string_view drill_mark) {
  json actions = json::array();
  for (Safety s : kSafeties) {
    actions.push_back({{"type", "message"},
                       {"label", first_chars(safety_label(s), kMaxLabelChars)},
                       {"text", std::string(safety_text(s))},
                       {"postback", answer_data(rollcall, s)}});
  }
  return json{{"type", "button_template"},
              {"contentText", first_chars(marked(text, drill, drill_mark), kMaxContentTextChars)},
              {"actions", std::move(actions)}};
}

json work_question(std::string_view rollcall, Safety safety, std::string_view text, bool drill,
                   std::string_view drill_mark) {
  json items = json::array();
  for (CanWork w : kWorks) {
    const std::string label = first_chars(work_label(w), kMaxLabelChars);
    items.push_back({{"action",
                      {{"type", "postback"},
                       {"label", label},
                       {"data", answer_data(rollcall, safety, w)},
                       {"displayText", label}}}});
  }
  json content = text_content(marked(text, drill, drill_mark));
  content["quickReply"] = {{"items", std::move(items)}};
  return content;
}

}  // namespace bcp::lineworks
