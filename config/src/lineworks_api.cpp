// The sections that let the daemon speak through the bot (DESIGN.md "LINE WORKS both ways"):
// "lineworks_api" (the app's credentials, the endpoints, the rate) and
// "rollcall_distribution" (what the bot sends when a roll call starts). Every problem is
// collected, named by file and JSON pointer; a secret is never quoted in a message.
#include "bcp/http/url.hpp"
#include "bcp/lineworks/jwt.hpp"
#include "internal.hpp"

namespace bcp::config {

namespace {

using detail::Errors;
using detail::json;
using detail::json_quote;
using detail::ObjectReader;

constexpr std::int64_t kMaxMessagesPerMinute = 60'000;
constexpr std::int64_t kMaxReminderSeconds = 7 * 24 * 3600;
constexpr std::size_t kMaxReminders = 20;
constexpr std::int64_t kMinCalendarPollSeconds = 60;
constexpr std::int64_t kMaxCalendarPollSeconds = 86'400;

// An endpoint URL: http(s), and plain http only on loopback, because the client secret and
// the access tokens travel in these requests.
std::optional<std::string> read_url(ObjectReader& r, const std::string& key,
                                    const std::string& fallback) {
  auto v = r.string(key, false);
  if (!v) return r.any(key, false) ? std::nullopt : std::optional<std::string>(fallback);
  std::string why;
  auto url = bcp::http::parse_http_url(*v, &why);
  if (!url) {
    r.errors().add(r.file(), r.at(key), "expected an https:// URL, got " + why);
    return std::nullopt;
  }
  if (!url->tls && !bcp::http::is_loopback_host(url->host)) {
    r.errors().add(r.file(), r.at(key),
                   "plain http:// only for a loopback host (127.0.0.1, ::1, localhost), got " +
                       json_quote(*v) +
                       ": the client secret and tokens travel in it; use https://");
    return std::nullopt;
  }
  if (url->target.find('?') != std::string::npos) {
    r.errors().add(r.file(), r.at(key), "expected a URL without a query, got " + json_quote(*v));
    return std::nullopt;
  }
  return v;
}

// A bot id as lineworks_bots writes it: a non-empty string or a JSON number.
std::optional<std::string> read_bot_id(ObjectReader& r) {
  const json* j = r.any("bot_id", true);
  if (!j) return std::nullopt;
  if (j->is_string() && !j->get<std::string>().empty()) return j->get<std::string>();
  if (j->is_number_unsigned()) return std::to_string(j->get<std::uint64_t>());
  r.errors().add(r.file(), r.at("bot_id"),
                 std::string("expected non-empty string or number, got ") + detail::type_name(*j));
  return std::nullopt;
}

void read_private_key(ObjectReader& r, const std::filesystem::path& base, LineWorksApi& api,
                      bool& ok) {
  auto rel = r.string("private_key_file", true);
  if (!rel) {
    ok = false;
    return;
  }
  std::filesystem::path path(*rel);
  if (!path.is_absolute()) path = (base / path).lexically_normal();
  std::string reason;
  auto text = detail::read_file(path, reason);
  if (!text) {
    r.errors().add(r.file(), r.at("private_key_file"),
                   "private key file " + json_quote(*rel) + " " + reason);
    ok = false;
    return;
  }
  std::string why;
  if (!lineworks::RsaKey::private_from_pem(*text, &why)) {
    r.errors().add(r.file(), r.at("private_key_file"),
                   "private key file " + json_quote(*rel) + ": " + why +
                       " (expected the Developer Console's private key, PEM)");
    ok = false;
    return;
  }
  api.private_key_file = path;
  api.private_key_pem = std::move(*text);
}

}  // namespace

std::optional<LineWorksApi> detail::read_lineworks_api(const json* section, const std::string& file,
                                                       const std::filesystem::path& base,
                                                       const TownConfig& cfg, Errors& errors) {
  if (!section) return std::nullopt;
  if (!section->is_object()) {
    errors.add(file, "/lineworks_api", std::string("expected object, got ") + type_name(*section));
    return std::nullopt;
  }
  LineWorksApi api;
  bool ok = true;
  ObjectReader r(*section, "/lineworks_api", file, errors);
  auto take = [&ok](auto value, auto& into) {
    if (value) {
      into = std::move(*value);
    } else {
      ok = false;
    }
  };
  take(read_url(r, "auth_url", api.auth_url), api.auth_url);
  take(read_url(r, "api_url", api.api_url), api.api_url);
  take(r.string("client_id", true), api.client_id);
  take(r.string("client_secret", true), api.client_secret);
  if (auto sa = r.string("service_account", true)) {
    if (sa->find('@') == std::string::npos) {
      errors.add(file, r.at("service_account"),
                 "expected the Service Account ID of the Developer Console, like "
                 "\"abcde.serviceaccount@your-domain\", got " +
                     json_quote(*sa));
      ok = false;
    } else {
      api.service_account = *sa;
    }
  } else {
    ok = false;
  }
  read_private_key(r, base, api, ok);
  if (auto bot = read_bot_id(r)) {
    if (!cfg.find_bot(*bot)) {
      errors.add(file, r.at("bot_id"),
                 "bot " + json_quote(*bot) +
                     " is not in lineworks_bots: the answers to its messages would come from a "
                     "bot the daemon does not know");
      ok = false;
    } else {
      api.bot_id = *bot;
    }
  } else {
    ok = false;
  }
  if (auto rate = r.integer("messages_per_minute", false)) {
    if (*rate < 1 || *rate > kMaxMessagesPerMinute) {
      errors.add(file, r.at("messages_per_minute"),
                 "expected 1 to " + std::to_string(kMaxMessagesPerMinute) +
                     " (LINE WORKS: 60 on the free plan, 240 on paid plans), got " +
                     std::to_string(*rate));
      ok = false;
    } else {
      api.messages_per_minute = static_cast<int>(*rate);
    }
  } else if (r.any("messages_per_minute", false)) {
    ok = false;
  }
  r.finish();
  if (!ok) return std::nullopt;
  return api;
}

std::optional<RollcallDistribution> detail::read_rollcall_distribution(const json* section,
                                                                       const std::string& file,
                                                                       const TownConfig& cfg,
                                                                       bool has_api,
                                                                       Errors& errors) {
  if (!section) return std::nullopt;
  if (!section->is_object()) {
    errors.add(file, "/rollcall_distribution",
               std::string("expected object, got ") + type_name(*section));
    return std::nullopt;
  }
  const auto before = errors.count();
  RollcallDistribution d;
  ObjectReader r(*section, "/rollcall_distribution", file, errors);
  if (auto enabled = r.boolean("enabled", false)) d.enabled = *enabled;
  if (const json* marks = r.array("reminders_after_seconds", false)) {
    if (marks->size() > kMaxReminders) {
      errors.add(file, r.at("reminders_after_seconds"),
                 "expected at most " + std::to_string(kMaxReminders) + " reminders, got " +
                     std::to_string(marks->size()));
    }
    for (std::size_t i = 0; i < marks->size() && i < kMaxReminders; ++i) {
      const json& m = (*marks)[i];
      const std::string at = r.at("reminders_after_seconds") + "/" + std::to_string(i);
      if (!m.is_number_integer()) {
        errors.add(file, at, std::string("expected integer seconds, got ") + type_name(m));
        continue;
      }
      const std::int64_t s = m.get<std::int64_t>();
      if (s < 1 || s > kMaxReminderSeconds) {
        errors.add(file, at,
                   "expected seconds after the start, 1 to " + std::to_string(kMaxReminderSeconds) +
                       ", got " + std::to_string(s));
      } else if (!d.reminders_after_seconds.empty() && s <= d.reminders_after_seconds.back()) {
        errors.add(file, at,
                   "expected each reminder later than the one before (" +
                       std::to_string(d.reminders_after_seconds.back()) + "), got " +
                       std::to_string(s));
      } else {
        d.reminders_after_seconds.push_back(static_cast<int>(s));
      }
    }
  }
  if (const json* groups = r.array("announce_groups", false)) {
    UniqueCheck unique("announce group");
    for (std::size_t i = 0; i < groups->size(); ++i) {
      const json& g = (*groups)[i];
      const std::string at = r.at("announce_groups") + "/" + std::to_string(i);
      if (!g.is_string()) {
        errors.add(file, at, std::string("expected a group id, got ") + type_name(g));
        continue;
      }
      const std::string id = g.get<std::string>();
      if (!cfg.find_group(id)) {
        errors.add(file, at, "unknown group " + json_quote(id));
      } else if (unique.check(id, file, at, errors)) {
        d.announce_groups.push_back(id);
      }
    }
  }
  r.finish();
  if (d.enabled && !has_api) {
    errors.add(file, "/rollcall_distribution",
               "enabled, but there is no lineworks_api section: the bot cannot send without it");
  }
  if (errors.count() != before) return std::nullopt;
  return d;
}

Calendars detail::read_calendars(const json* section, const std::string& file, bool has_api,
                                 Errors& errors) {
  Calendars c;
  if (!section) return c;
  if (!section->is_object()) {
    errors.add(file, "/calendars", std::string("expected object, got ") + type_name(*section));
    return c;
  }
  ObjectReader r(*section, "/calendars", file, errors);
  if (auto source = r.string("source", false)) {
    if (*source == "lineworks") {
      c.source = Calendars::Source::lineworks;
      if (!has_api) {
        errors.add(file, r.at("source"),
                   "\"lineworks\" needs the lineworks_api section: the calendars are read "
                   "through the app's service account");
      }
    } else if (*source != "ics") {
      errors.add(file, r.at("source"),
                 "expected \"lineworks\" or \"ics\", got " + json_quote(*source));
    }
  }
  if (auto poll = r.integer("poll_seconds", false)) {
    if (*poll < kMinCalendarPollSeconds || *poll > kMaxCalendarPollSeconds) {
      errors.add(file, r.at("poll_seconds"),
                 "expected " + std::to_string(kMinCalendarPollSeconds) + " to " +
                     std::to_string(kMaxCalendarPollSeconds) + " seconds, got " +
                     std::to_string(*poll));
    } else {
      c.poll_seconds = static_cast<int>(*poll);
    }
  }
  r.finish();
  return c;
}

}  // namespace bcp::config
