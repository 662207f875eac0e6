// bcp-sim's tenant and bot staff for one scenario (sim_tenant.hpp). No thread of its own: the
// tenant's thread hands deliveries to the staff's queue; the caller's thread waits in finish().
#include "bcp/tools/sim_tenant.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "bcp/http/url.hpp"
#include "bcp/tools/scenario.hpp"
#include "bcp/tools/sim_calendars.hpp"

namespace bcp::tools {

namespace {

std::string read_whole_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The tenant serves /oauth2/v2.0/token and /v1.0/…: the town's URLs must be those, or the
// daemon would knock at doors the stand-in does not have.
void check_paths(const config::LineWorksApi& api) {
  const auto auth = bcp::http::parse_http_url(api.auth_url);
  const auto base = bcp::http::parse_http_url(api.api_url);
  if (!auth || auth->target != "/oauth2/v2.0/token")
    throw SimTenantError(
        "lineworks_api.auth_url must end in /oauth2/v2.0/token for the stand-in tenant, not " +
        api.auth_url);
  if (!base || (base->target != "/v1.0" && base->target != "/v1.0/"))
    throw SimTenantError("lineworks_api.api_url must end in /v1.0 for the stand-in tenant, not " +
                         api.api_url);
  if (auth->host != base->host || auth->port != base->port)
    throw SimTenantError(
        "lineworks_api.auth_url and api_url must name the same host:port for the stand-in tenant");
}

}  // namespace

// A scenario photo is a phone's photo at most; LINE WORKS itself takes larger files.
constexpr std::uintmax_t kMaxImageBytes = 10u << 20;

std::optional<std::uint16_t> loopback_tenant_port(const config::TownConfig& town) {
  if (!town.lineworks_api) return std::nullopt;
  const auto url = bcp::http::parse_http_url(town.lineworks_api->api_url);
  if (!url || url->tls || url->host != "127.0.0.1") return std::nullopt;
  try {
    const unsigned long port = std::stoul(url->port);
    if (port == 0 || port > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::filesystem::path public_key_beside(const std::filesystem::path& private_key_file) {
  std::string name = private_key_file.filename().string();
  const auto at = name.find("private");
  if (at == std::string::npos) return {};
  name.replace(at, 7, "public");
  return private_key_file.parent_path() / name;
}

SimTenant::SimTenant(const nlohmann::json& scenario, const config::TownConfig& town,
                     SimTenantOptions options) {
  if (!town.lineworks_api) throw SimTenantError("the town config has no lineworks_api section");
  const config::LineWorksApi& api = *town.lineworks_api;
  check_paths(api);
  const config::Bot* bot = town.find_bot(api.bot_id);
  if (!bot)
    throw SimTenantError("lineworks_api.bot_id " + api.bot_id + " is not one of lineworks_bots");

  TenantSettings settings;
  settings.client_id = api.client_id;
  settings.client_secret = api.client_secret;
  settings.service_account = api.service_account;
  settings.bot_id = api.bot_id;
  settings.port = options.port;
  std::set<std::string> users;
  for (const auto& s : town.staff)
    if (s.lineworks_user) users.insert(*s.lineworks_user);
  settings.users = users;  // like the real tenant: a userId nobody has is a 404
  // The app's public key is what the real tenant checks with; the config names only the
  // private one, so the public one is looked for beside it.
  const auto public_file = public_key_beside(api.private_key_file);
  settings.public_key_pem = public_file.empty() ? std::string() : read_whole_file(public_file);
  if (settings.public_key_pem.empty()) {
    throw SimTenantError("no public key " +
                         (public_file.empty()
                              ? std::string("beside ") + api.private_key_file.string()
                              : public_file.string()) +
                         " (the stand-in tenant checks the JWTs with it, as LINE WORKS does)");
  }

  if (scenario.is_object() && scenario.contains("bot_staff")) {
    BotStaffOptions o;
    o.daemon = options.daemon;
    o.bot = *bot;
    o.speed = options.speed;
    o.users = users;
    o.out = options.out;
    staff_ = std::make_unique<BotStaff>(parse_bot_staff(scenario["bot_staff"]), std::move(o));
  }
  try {
    tenant_ = std::make_unique<LineWorksTenant>(std::move(settings));
  } catch (const std::system_error& e) {
    throw SimTenantError("cannot listen on 127.0.0.1:" + std::to_string(options.port) + ": " +
                         e.what() +
                         " (another bcp-sim playing the tenant? --no-tenant plays without one)");
  } catch (const std::invalid_argument& e) {
    throw SimTenantError(public_file.string() + ": " + e.what());
  }
  if (staff_) {
    BotStaff* staff = staff_.get();
    tenant_->on_delivered([staff](const LineWorksTenant::MessageRequest& m) { staff->deliver(m); });
  }
  // The scenario's calendars, as of now: what the daemon's calendar reads get.
  for (auto& [user, events] :
       scenario_calendars(scenario, town, std::chrono::system_clock::now()))
    tenant_->set_calendar(user, std::move(events));
  // The photos staff post: the daemon fetches each by its fileId, as from LINE WORKS.
  for (const std::string& image : scenario_images(scenario)) {
    const std::filesystem::path file = options.base_dir / image;
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) throw SimTenantError("cannot read " + file.string() + ": " + ec.message());
    if (size > kMaxImageBytes)
      throw SimTenantError(file.string() + " is larger than " + std::to_string(kMaxImageBytes) + " bytes");
    const std::string type = file.extension() == ".png" ? "image/png" : "image/jpeg";
    tenant_->add_attachment(scenario_image_file_id(image), read_whole_file(file), type);
  }
}

SimTenant::~SimTenant() {
  tenant_.reset();  // its thread stops calling the staff first
  staff_.reset();
}

std::uint16_t SimTenant::port() const { return tenant_->port(); }

bool SimTenant::finish(std::chrono::duration<double> linger) {
  if (!staff_) return true;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(linger);
  return staff_->wait_idle(deadline);
}

std::string SimTenant::summary() const {
  std::map<std::string, int> kinds;
  const auto delivered = tenant_->delivered();
  for (const auto& m : delivered) ++kinds[question_kind(m.content)];
  std::string out = "delivered " + std::to_string(delivered.size());
  if (delivered.empty()) out += " (the daemon's bot sent nothing: no distribution?)";
  if (!kinds.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [kind, n] : kinds) {
      out += (first ? "" : ", ") + kind + " " + std::to_string(n);
      first = false;
    }
    out += ")";
  }
  const int refused = static_cast<int>(tenant_->message_requests().size() - delivered.size());
  if (refused > 0) out += ", " + std::to_string(refused) + " message requests refused";
  if (!staff_) return out + "; no bot_staff in the scenario, nobody answered";
  int answers = 0, not_accepted = 0;
  for (const auto& s : staff_->sent()) {
    if (s.type == "begin") continue;
    ++answers;
    if (s.status < 200 || s.status >= 300) ++not_accepted;
  }
  out += "; answers sent " + std::to_string(answers) + ", " + std::to_string(not_accepted) +
         " not accepted";
  if (const auto left = staff_->pending())
    out += ", " + std::to_string(left) + " still due (not sent)";
  if (const auto dropped = staff_->dropped())
    out += ", " + std::to_string(dropped) + " dropped (queue full)";
  return out;
}

}  // namespace bcp::tools
