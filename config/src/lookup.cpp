// Lookups on a loaded config, token authentication and the wall's directory.
#include <openssl/crypto.h>

#include <array>
#include <stdexcept>

#include "internal.hpp"

namespace bcp::config {

namespace {

using Digest = common::Sha256Digest;
using common::sha256;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<Digest> from_hex(std::string_view hex) {
  if (!detail::is_lower_hex_sha256(hex)) return std::nullopt;
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
  }
  return out;
}

template <typename T, typename Key>
const T* find_by(const std::vector<T>& items, Key key, std::string_view wanted) {
  for (const auto& item : items) {
    if (key(item) == wanted) return &item;
  }
  return nullptr;
}

}  // namespace

std::optional<Role> parse_role(std::string_view name) {
  if (name == "ingest") return Role::ingest;
  if (name == "operator") return Role::operator_;
  if (name == "display") return Role::display;
  return std::nullopt;
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::ingest:
      return "ingest";
    case Role::operator_:
      return "operator";
    case Role::display:
      return "display";
  }
  return "unknown";
}

bool Token::has(Role r) const {
  for (Role mine : roles) {
    if (mine == r) return true;
  }
  return false;
}

std::string ConfigError::to_string() const {
  if (where.empty()) return file + ": " + message;
  return file + ": " + where + ": " + message;
}

const Staff* TownConfig::find_staff(std::string_view id) const {
  return find_by(
      staff, [](const Staff& s) -> const std::string& { return s.id; }, id);
}

const Staff* TownConfig::find_staff_by_lineworks(std::string_view user_id) const {
  if (user_id.empty()) return nullptr;
  for (const auto& s : staff) {
    if (s.lineworks_user && *s.lineworks_user == user_id) return &s;
  }
  return nullptr;
}

const Group* TownConfig::find_group(std::string_view id) const {
  return find_by(
      groups, [](const Group& g) -> const std::string& { return g.id; }, id);
}

const Group* TownConfig::find_group_by_channel(std::string_view channel) const {
  if (channel.empty()) return nullptr;
  return find_by(
      groups, [](const Group& g) -> const std::string& { return g.lineworks_channel; }, channel);
}

const Bot* TownConfig::find_bot(std::string_view id) const {
  return find_by(
      bots, [](const Bot& b) -> const std::string& { return b.id; }, id);
}

std::vector<std::string> TownConfig::watched_sources() const {
  std::vector<std::string> out;
  const bool jma_poller = alerts.is_object() && alerts.contains("jma") &&
                          alerts["jma"].is_object() && alerts["jma"].contains("poller");
  if (jma_poller) out.emplace_back("jma");
  if (!bots.empty()) out.emplace_back("lineworks");
  // The bot's sends: polled in effect (each send is an attempt that succeeds or fails).
  if (lineworks_api) out.emplace_back("lineworks_api");
  if (bridge) out.emplace_back("nats");
  // Read from LINE WORKS every poll: an attempt that succeeds or fails, from the start.
  if (lineworks_api && calendars.source == Calendars::Source::lineworks) out.emplace_back("calendar");
  return out;
}

const Wall* TownConfig::find_wall(std::string_view id) const {
  return find_by(
      walls, [](const Wall& w) -> const std::string& { return w.id; }, id);
}

const Token* TownConfig::find_token(std::string_view presented) const {
  return detail::match_token(tokens, presented);
}

const Token* detail::match_token(const std::vector<Token>& tokens, std::string_view presented) {
  if (presented.empty()) return nullptr;
  // Comparing digests gives every candidate the same length, so neither the length nor the
  // content of a secret leaks through timing; every token is compared, without early exit.
  const Digest mine = sha256(presented);
  const Token* match = nullptr;
  for (const auto& t : tokens) {
    std::optional<Digest> theirs;
    if (t.secret && !t.secret->empty()) {
      theirs = sha256(*t.secret);
    } else if (t.secret_sha256) {
      theirs = from_hex(*t.secret_sha256);
    }
    if (!theirs) continue;
    if (CRYPTO_memcmp(mine.data(), theirs->data(), mine.size()) == 0 && !match) match = &t;
  }
  return match;
}

model::Directory TownConfig::directory() const {
  model::Directory d;
  d.town_name = town_name;
  d.utc_offset_minutes = utc_offset_minutes;
  for (const auto& dep : departments) d.departments.push_back({dep.id, dep.name});
  for (const auto& s : staff) d.staff.push_back({s.id, s.name, s.department});
  // The directory travels in every snapshot to the wall, so A and B groups (even their
  // names) must stay out of it.
  for (const auto& g : groups) {
    if (g.level == 'C') d.groups.push_back({g.id, g.name});
  }
  return d;
}

}  // namespace bcp::config
