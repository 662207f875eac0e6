// Parsing the STREAM.MSG.GET reply (see wire.hpp).
#include "wire.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace bcp::bridge::detail {

namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string header_value(std::string_view block, std::string_view key) {
  // The first line is the version ("NATS/1.0", maybe with a status); then "Key: Value" lines.
  std::size_t pos = block.find("\r\n");
  while (pos != std::string_view::npos) {
    const std::size_t start = pos + 2;
    const std::size_t end = block.find("\r\n", start);
    const std::string_view line =
        block.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), key)) {
      return std::string(trim(line.substr(colon + 1)));
    }
    pos = end;
  }
  return {};
}

std::optional<StoredMsg> parse_msg_get_reply(std::string_view json_text) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) throw BridgeError("STREAM.MSG.GET: the reply is not a JSON object");
  if (auto err = doc.find("error"); err != doc.end()) {
    const int code =
        err->is_object() && err->contains("err_code") && (*err)["err_code"].is_number_integer()
            ? (*err)["err_code"].get<int>()
            : 0;
    if (code == JSNoMessageFoundErr) return std::nullopt;
    std::string text;
    if (err->is_object() && err->contains("description") && (*err)["description"].is_string()) {
      text = (*err)["description"].get<std::string>();
    }
    throw NatsError("STREAM.MSG.GET", NATS_ERR, code, text);
  }
  auto msg = doc.find("message");
  if (msg == doc.end() || !msg->is_object()) {
    throw BridgeError("STREAM.MSG.GET: the reply has neither \"message\" nor \"error\"");
  }
  StoredMsg out;
  if (auto seq = msg->find("seq"); seq != msg->end() && seq->is_number_unsigned()) {
    out.stream_seq = seq->get<std::uint64_t>();
  } else {
    throw BridgeError("STREAM.MSG.GET: the message has no \"seq\"");
  }
  if (auto subject = msg->find("subject"); subject != msg->end() && subject->is_string()) {
    out.subject = subject->get<std::string>();
  }
  if (auto hdrs = msg->find("hdrs"); hdrs != msg->end() && hdrs->is_string()) {
    auto block = base64_decode(hdrs->get<std::string>());
    if (!block) throw BridgeError("STREAM.MSG.GET: the message's headers are not base64");
    out.msg_id = header_value(*block, "Nats-Msg-Id");
  }
  if (auto data = msg->find("data"); data != msg->end() && data->is_string()) {
    auto bytes = base64_decode(data->get<std::string>());
    if (!bytes) throw BridgeError("STREAM.MSG.GET: the message's data is not base64");
    out.data = std::move(*bytes);
  }
  return out;
}

}  // namespace bcp::bridge::detail
