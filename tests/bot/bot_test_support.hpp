// The bot suites' stand-in LINE WORKS tenant (tools/lineworks_tenant: it verifies the service
// account's JWT with the sample town's public key and answers like LINE WORKS) and a daemon
// whose lineworks_api points at it, with short waits: tests wait on conditions, never on these.
#pragma once

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bcp/lineworks/messages.hpp"
#include "bcp/tools/lineworks_tenant.hpp"
#include "daemon_fixture.hpp"

namespace bcp::daemon::test {

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The sample town's app, as its tenant knows it.
inline tools::TenantSettings sample_tenant_settings() {
  const config::LineWorksApi& api = *sample_town().lineworks_api;
  tools::TenantSettings s;
  s.client_id = api.client_id;
  s.client_secret = api.client_secret;
  s.service_account = api.service_account;
  s.bot_id = api.bot_id;
  s.public_key_pem = read_file(sample_town_json().parent_path() / "lineworks-public-key.pem");
  return s;
}

// The sample town speaking to `tenant`, distributing with these reminder marks.
inline void speak_to(config::TownConfig& town, const tools::LineWorksTenant& tenant,
                     std::vector<int> reminders = {}, int per_minute = 60'000) {
  town.lineworks_api = sample_town().lineworks_api;
  town.lineworks_api->auth_url = tenant.auth_url();
  town.lineworks_api->api_url = tenant.api_url();
  town.lineworks_api->messages_per_minute = per_minute;
  config::RollcallDistribution d;
  d.enabled = true;
  d.reminders_after_seconds = std::move(reminders);
  d.announce_groups = {"hq"};
  town.rollcall_distribution = d;
}

inline lineworks::ClientOptions fast_client() {
  lineworks::ClientOptions o;
  o.timeout = std::chrono::milliseconds(1'500);
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_cap = std::chrono::milliseconds(100);
  o.max_attempts = 4;
  return o;
}

// Staff ids of the sample town's department `dept` who have a LINE WORKS account.
inline std::set<std::string> reachable_users(const std::string& dept,
                                             const std::set<std::string>& without = {}) {
  std::set<std::string> out;
  for (const config::Staff& s : sample_town().staff) {
    if (s.department == dept && s.lineworks_user && !without.count(s.id))
      out.insert(*s.lineworks_user);
  }
  return out;
}

using Requests = std::vector<tools::LineWorksTenant::MessageRequest>;

// The text a message shows: a button template's contentText, else its text.
inline std::string text_of(const json& content) {
  if (!content.is_object()) return {};
  for (const char* key : {"contentText", "text"}) {
    if (content.contains(key) && content[key].is_string()) return content[key].get<std::string>();
  }
  return {};
}
inline bool is_reminder(const json& content) {
  return text_of(content).find("【再送") != std::string::npos;
}
inline bool is_question(const json& content) {
  return content.is_object() && content.value("type", "") == "button_template" &&
         !is_reminder(content);
}

// Recipients (userIds, or channelIds for kind "channels") of the 201-answered messages that
// satisfy `which`, once per message.
template <typename Which>
std::multiset<std::string> delivered_to(const Requests& requests, Which which,
                                        const std::string& kind = "users") {
  std::multiset<std::string> out;
  for (const auto& r : requests) {
    if (r.status == 201 && r.kind == kind && which(r.content)) out.insert(r.to);
  }
  return out;
}

inline std::set<std::string> distinct(const std::multiset<std::string>& m) {
  return std::set<std::string>(m.begin(), m.end());
}

}  // namespace bcp::daemon::test
