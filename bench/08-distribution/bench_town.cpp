#include "bench_town.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace bcp::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot read");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error(file.string() + ": cannot write");
}

json read_json(const fs::path& file) {
  json j = json::parse(read_text(file), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error(file.string() + ": not a JSON object");
  return j;
}

// A string member of an object, or a clear error naming where it should have been.
std::string text_at(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) throw std::runtime_error(where + "/" + key + ": missing or not a string");
  return it->get<std::string>();
}

std::string staff_number(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", i);
  return buf;
}

}  // namespace

std::set<std::string> generated_users(int staff) {
  std::set<std::string> users;
  for (int i = 1; i <= staff; ++i) users.insert("lw-b" + staff_number(i));
  return users;
}

tools::TenantSettings sample_app_tenant(const fs::path& sample_town_dir,
                                        const std::set<std::string>& users) {
  const fs::path town_file = sample_town_dir / "town.json";
  const json town = read_json(town_file);
  const auto api = town.find("lineworks_api");
  if (api == town.end() || !api->is_object())
    throw std::runtime_error(town_file.string() + ": no lineworks_api section");
  const std::string where = town_file.string() + ": /lineworks_api";
  tools::TenantSettings s;
  s.client_id = text_at(*api, "client_id", where);
  s.client_secret = text_at(*api, "client_secret", where);
  s.service_account = text_at(*api, "service_account", where);
  s.bot_id = text_at(*api, "bot_id", where);
  // The sample's public half of its (public) key pair, beside the private key town.json names.
  s.public_key_pem = read_text(sample_town_dir / "lineworks-public-key.pem");
  s.users = users;
  return s;
}

fs::path write_bench_town(const BenchTownOptions& o) {
  const fs::path sample = fs::absolute(o.sample_town_dir);
  const fs::path sample_file = sample / "town.json";
  json town = read_json(sample_file);
  const json& departments = town["departments"];
  if (!departments.is_array() || departments.empty())
    throw std::runtime_error(sample_file.string() + ": /departments: missing or empty");

  // The staff spread over the sample's departments in turn, each with a LINE WORKS account.
  json staff = json::array();
  for (int i = 1; i <= o.staff; ++i) {
    const json& dept = departments[static_cast<std::size_t>(i - 1) % departments.size()];
    staff.push_back({{"id", "b" + staff_number(i)},
                     {"name", "負荷試験 職員" + staff_number(i)},
                     {"department", text_at(dept, "id", sample_file.string() + ": /departments/*")},
                     {"lineworks_user", "lw-b" + staff_number(i)}});
  }
  fs::create_directories(o.dir);
  write_text(o.dir / "roster.json", json{{"staff", staff}}.dump(1));

  town["roster"] = (fs::absolute(o.dir) / "roster.json").string();
  if (!town["walls"].is_array()) throw std::runtime_error(sample_file.string() + ": /walls: not an array");
  for (json& wall : town["walls"]) {
    wall["layout"] = (sample / text_at(wall, "layout", sample_file.string() + ": /walls/*")).string();
  }
  json& api = town["lineworks_api"];
  if (!api.is_object()) throw std::runtime_error(sample_file.string() + ": no lineworks_api section");
  api["private_key_file"] = (sample / text_at(api, "private_key_file", "/lineworks_api")).string();
  api["auth_url"] = o.auth_url;
  api["api_url"] = o.api_url;
  api["messages_per_minute"] = o.messages_per_minute;
  town["rollcall_distribution"]["enabled"] = true;
  town["rollcall_distribution"]["reminders_after_seconds"] = json::array();
  town["rate_limit"] = {{"requests_per_minute", 0}};
  const fs::path file = o.dir / "town.json";
  write_text(file, town.dump(2));
  return file;
}

}  // namespace bcp::bench
