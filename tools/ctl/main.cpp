// bcpctl: the operator's command line over bcp-feedd's HTTP API (docs/protocol.md).
// Exit codes: 0 ok, 1 the server refused (its message is printed), 2 usage, 3 cannot connect.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bcp/model/codec.hpp"
#include "bcp/tools/ctl_config.hpp"
#include "bcp/tools/drill_report.hpp"
#include "bcp/tools/http_client.hpp"

namespace {

using nlohmann::json;
using bcp::tools::HttpResponse;

constexpr const char* kUsage =
    R"(usage: bcpctl [--server URL] [--token T] [--config FILE] [--json] COMMAND ...

  health                                   daemon status and journal seq
  snapshot                                 the current situation (summary; all with --json)
  events [--since N] [--limit M] [--all]   journal read, for export (--all: every page)
  alert raise --kind K --severity S --title T [--body B] [--area A] [--drill]
  alert ack ID [--by NAME]
  alert cancel ID [--reason R]
  rollcall start --title T [--drill] [--departments a,b]
  rollcall close ID
  rollcall report ID [--csv [--part P]] [--out FILE]
  rollcall pending ID                      who has not answered, by department (for phoning)
  rollcall drill-report ID --out FILE.html [--town town.json]
                                           the drill's report for the records (HTML, A4)
  status set STAFF STATUS [--until TIME] [--note N]
  status import-ics --staff ID FILE        replace a person's calendar with an .ics export
  drill stop                               close every drill roll call and cancel every
                                           drill alert at once (訓練中止 on the walls)
  talk list [--group G] [--limit N]        the last talk messages on the wall, with their ids
  talk hide ID --reason R                  take a talk message off every wall (journaled)

Server and token: a flag beats BCP_SERVER / BCP_TOKEN, which beat the config file, which
beats the defaults (http://127.0.0.1:8470 and operator-sample). The config file is --config
FILE, else $BCPCTL_CONFIG, else ~/.config/bcpctl/config (or $XDG_CONFIG_HOME/bcpctl/config)
when it exists; one setting a line, # comments:
  server = http://10.0.0.5:8470
  token = <operator token>        (keep the file mode 0600)
A malformed file is an error naming the file and line (exit 2).
Exit codes: 0 ok, 1 refused by the server, 2 usage, 3 cannot connect.
COMMAND --help shows this text.
)";

// `bcpctl COMMAND SUB --help`: what a drill coordinator needs for that one command.
const std::map<std::string, std::string>& command_help() {
  static const std::map<std::string, std::string> help = {
      {"rollcall drill-report", bcp::tools::kDrillReportHelp},
      {"rollcall start", R"(usage: bcpctl rollcall start --title T [--drill] [--departments a,b]

Starts a roll call (安否確認) and prints its id. --drill marks it a drill (訓練): drill
answers never change anyone's availability. --departments limits the scope to those
department ids (default: every department). One actual and one drill roll call may be
open at once; starting a second of the same kind is refused (409).
)"},
      {"rollcall close", R"(usage: bcpctl rollcall close ID

Closes the roll call: later answers to it are refused, and its answers stop driving
availability. The report stays available.
)"},
      {"rollcall pending", R"(usage: bcpctl rollcall pending ID [--json]

Prints who in the roll call's scope has not answered yet, grouped by department, with
names: the list for phoning round. Each is marked with what the LINE WORKS bot could not
do: ボット未到達 (LINE WORKS なし) for a person without a LINE WORKS account in the town
config, 送信失敗 (質問|リマインド) with the reason when the bot's last send to them failed;
phone those first. Reads the roll-call report (operator token). --json prints
{department id: [{staff, name, reachable, send_failed?: {at, step, why}}]}.
)"},
      {"rollcall report", R"(usage: bcpctl rollcall report ID [--csv [--part P]] [--out FILE]

Fetches GET /v1/rollcalls/ID/report. Without --csv: the JSON report (summary figures and
one entry per person in scope). With --csv: CSV, UTF-8 with BOM (opens in spreadsheet
software as is); --part people (default: one row per person), departments (one row per
department plus 合計) or summary (項目,値 pairs: state, times, counts, 25/50/75/90 %).
--out FILE writes the bytes to FILE instead of standard output.
)"},
      {"drill stop", R"(usage: bcpctl drill stop

Stops the drill in one step (POST /v1/drill/stop): every open drill roll call is closed and
every active drill alert cancelled, in one journal transaction, and the walls show 訓練中止.
An actual roll call or actual alert is not touched: during a real event it goes on. Prints
what was closed and cancelled; when no drill item is shown, nothing is journaled.
)"},
      {"talk list", R"(usage: bcpctl talk list [--group G] [--limit N]

The last N (default 20) talk messages the walls can show, oldest first, one a line: the
message id, the town time, the group, the sender and the start of the text. The id is what
`bcpctl talk hide` takes. --group limits the list to one group id.
)"},
      {"talk hide", R"(usage: bcpctl talk hide ID --reason R

Takes talk message ID (bcpctl talk list shows the ids) off every wall at once: POST
/v1/talk/ID/hide journals a talk.hidden event with the reason and this token's name, and
the message, its text, photo and all, leaves every snapshot, stream, wall, replay and
drill report. `bcpctl events` (the audit) still has the message and the hide. --reason is
required (at most 200 characters). An unknown ID is refused (exit 1).
)"},
      {"status set", R"(usage: bcpctl status set STAFF STATUS [--until TIME] [--note N]

Sets a staff member's manual availability. STATUS: in_office out meeting remote trip
leave off_duty en_route unknown. --until (RFC 3339, e.g. 2026-11-24T17:00:00+09:00):
after it the calendar-derived status (or unknown) shows again. "unknown" clears the
manual status at once. While an actual roll call is open, a person's answer there
(can_work yes/later/no) outranks a manual status set before that answer.
)"},
      {"status import-ics", R"(usage: bcpctl status import-ics --staff ID FILE

Uploads FILE (an iCalendar .ics export of the person's calendar) as staff member ID's
calendar, replacing the one imported before (PUT /v1/staff/ID/calendar). From then on the
daemon derives the person's status from it: busy events = meeting, all-day events and
休暇/有給/leave = leave, 出張/trip = trip, 在宅/テレワーク/remote = remote; free and
cancelled events are ignored. Event titles are never shown on the wall. A calendar the
daemon cannot use is refused with the line and event that are wrong (exit 1).
)"},
  };
  return help;
}

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct Refused {
  HttpResponse res;
};

// Flags after the command: --name value, or bare --name for those in `switches`.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  std::string flag(const std::string& name, const std::string& fallback = {}) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
  }
  std::string need(const std::string& name) const {
    auto it = flags.find(name);
    if (it == flags.end()) throw UsageError("--" + name + " is required");
    return it->second;
  }
  bool has(const std::string& name) const { return flags.count(name) > 0; }
};

Args parse(const std::vector<std::string>& words, const std::vector<std::string>& valued,
           const std::vector<std::string>& switches) {
  Args a;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.rfind("--", 0) != 0) {
      a.positional.push_back(w);
      continue;
    }
    std::string name = w.substr(2);
    if (std::find(switches.begin(), switches.end(), name) != switches.end()) {
      a.flags[name] = "1";
    } else if (std::find(valued.begin(), valued.end(), name) != valued.end()) {
      if (i + 1 >= words.size()) throw UsageError(w + " needs a value");
      a.flags[name] = words[++i];
    } else {
      throw UsageError("unknown flag " + w);
    }
  }
  return a;
}

class Ctl {
 public:
  Ctl(bcp::tools::ServerUrl url, std::string token, bool as_json)
      : http_(std::move(url)), token_(std::move(token)), json_(as_json) {}

  json get(const std::string& target) { return check(http_.get(target, token_)); }
  json post(const std::string& target, const json& body) { return check(http_.post_json(target, token_, body.dump())); }
  json put(const std::string& target, const std::string& body, const std::string& content_type) {
    std::map<std::string, std::string> headers{{"Content-Type", content_type}};
    if (!token_.empty()) headers["Authorization"] = "Bearer " + token_;
    return check(http_.request("PUT", target, body, headers));
  }
  HttpResponse raw_get(const std::string& target, const std::string& accept) {
    auto res = http_.get(target, token_, accept);
    if (!res.ok()) throw Refused{res};
    return res;
  }
  bool as_json() const { return json_; }

 private:
  json check(const HttpResponse& res) {
    if (!res.ok()) throw Refused{res};
    auto j = json::parse(res.body, nullptr, false);
    return j.is_discarded() ? json(res.body) : j;
  }
  bcp::tools::HttpClient http_;
  std::string token_;
  bool json_;
};

void print(const Ctl& ctl, const json& j, const std::string& human) {
  if (ctl.as_json()) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << human << "\n";
  }
}

std::string one_id(const Args& a, const std::string& what) {
  if (a.positional.size() != 1) throw UsageError(what + " needs exactly one ID");
  return a.positional[0];
}

// Type-checked reads of the daemon's answers: a field missing or of another type is an error
// naming it (exit 2), never an exception that ends bcpctl with a trace.
const json& member(const json& object, const char* key, json::value_t type,
                   const std::string& where) {
  const auto it = object.is_object() ? object.find(key) : object.end();
  if (it != object.end() && it->type() == type) return *it;
  throw std::invalid_argument(where + ": \"" + key + "\" missing or not " +
                              json(type).type_name());
}
std::string text_of(const json& object, const char* key, const std::string& where) {
  return member(object, key, json::value_t::string, where).get<std::string>();
}

// What the bot could not do for a person who has not answered: "" when it reached them or
// nothing was tried yet. The report's `reachable` and `failures` (issue 15).
std::string bot_mark(const json& person, const std::string& where) {
  const json& reachable = member(person, "reachable", json::value_t::boolean, where);
  if (!reachable.get<bool>()) return "ボット未到達 (LINE WORKS なし) / not reachable by the bot";
  const json& failures = member(person, "failures", json::value_t::array, where);
  if (failures.empty()) return "";
  const json& last = failures.back();
  const std::string step = text_of(last, "step", where + " failures");
  return std::string("送信失敗 (") + (step == "reminder" ? "リマインド" : "質問") +
         "): " + text_of(last, "why", where + " failures");
}

// From the report (operator token): who has not answered, by department in the report's
// order, each marked with what the bot could not do.
void pending(Ctl& ctl, const std::string& id) {
  const std::string where = "GET /v1/rollcalls/" + id + "/report";
  const json report = ctl.get("/v1/rollcalls/" + id + "/report");
  const json& people = member(report, "people", json::value_t::array, where);
  std::vector<std::string> department_order;
  std::map<std::string, std::string> department_name;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_department;
  json out = json::object();
  std::size_t silent = 0, unreachable = 0, failed = 0;
  for (std::size_t i = 0; i < people.size(); ++i) {
    const json& p = people[i];
    const std::string at = where + " people[" + std::to_string(i) + "]";
    if (member(p, "answered", json::value_t::boolean, at).get<bool>()) continue;
    const std::string staff = text_of(p, "staff", at), name = text_of(p, "name", at);
    const std::string department = text_of(p, "department", at);
    const std::string mark = bot_mark(p, at);
    if (!department_name.count(department)) {
      department_order.push_back(department);
      department_name[department] = text_of(p, "department_name", at);
    }
    ++silent;
    const bool reachable = p["reachable"].get<bool>();
    unreachable += reachable ? 0 : 1;
    failed += reachable && !mark.empty() ? 1 : 0;
    by_department[department].emplace_back(staff + "  " + name, mark);
    json item = {{"staff", staff}, {"name", name}, {"reachable", reachable}};
    if (reachable && !mark.empty()) item["send_failed"] = p["failures"].back();
    out[department].push_back(std::move(item));
  }
  if (ctl.as_json()) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << text_of(report, "title", where) << ": " << silent << " of " << people.size()
            << " not answered\n";
  if (unreachable + failed > 0) {
    std::cout << "the bot could not reach " << unreachable + failed << " of them: " << unreachable
              << " without LINE WORKS (ボット未到達), " << failed << " send failed (送信失敗)\n";
  }
  for (const std::string& d : department_order) {
    const auto& list = by_department[d];
    std::cout << department_name[d] << " (" << list.size() << ")\n";
    for (const auto& [who, mark] : list) {
      std::cout << "  " << who << (mark.empty() ? "" : "   " + mark) << "\n";
    }
  }
}

// The messages a wall can show, from the snapshot, so the operator finds the id to hide.
void talk_list(Ctl& ctl, const std::string& group, const std::string& limit_text) {
  std::size_t limit = 0;
  try {
    std::size_t used = 0;
    limit = std::stoul(limit_text, &used);
    if (used != limit_text.size() || limit == 0) throw std::invalid_argument("");
  } catch (const std::exception&) {
    throw UsageError("--limit: expected a positive number, got \"" + limit_text + "\"");
  }
  bcp::model::Situation s;
  try {
    s = bcp::model::situation_from_json(ctl.get("/v1/snapshot"));
  } catch (const bcp::model::CodecError& e) {
    throw std::invalid_argument(std::string("GET /v1/snapshot: not a situation: ") + e.what());
  }
  std::vector<const bcp::model::TalkEntry*> entries;
  for (const auto& [id, talk] : s.talk) {
    if (!group.empty() && id != group) continue;
    for (const auto& e : talk.recent) entries.push_back(&e);
  }
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
  if (entries.size() > limit)
    entries.erase(entries.begin(), entries.end() - static_cast<long>(limit));
  if (ctl.as_json()) {
    json out = json::array();
    for (const auto* e : entries) {
      out.push_back({{"message_id", e->message.message_id},
                     {"seq", e->seq},
                     {"at", bcp::model::format_time(e->at)},
                     {"group", e->message.group},
                     {"sender", e->message.sender.name},
                     {"text", e->message.text}});
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  using namespace std::chrono;
  for (const auto* e : entries) {
    const auto local = e->at + minutes(s.directory.utc_offset_minutes);
    const hh_mm_ss hms(floor<seconds>(local - floor<days>(local)));
    char when[16];
    std::snprintf(when, sizeof when, "%02d:%02d:%02d", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    std::string text = e->message.text;
    // Cut at a character boundary: about 40 characters of Japanese.
    if (text.size() > 120) {
      std::size_t cut = 120;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
      text = text.substr(0, cut) + "…";
    }
    if (!e->message.attachments.empty())
      text += " [" + std::to_string(e->message.attachments.size()) + " 添付]";
    std::cout << e->message.message_id << "  " << when << "  " << e->message.group << "  "
              << e->message.sender.name << ": " << text << "\n";
  }
}

// Every page of GET /v1/events after `since`, up to the last_seq of the first answer: the
// export a replay reads (bcp-wall --replay FILE).
json all_events(Ctl& ctl, const std::string& since, const std::string& page) {
  json out = {{"events", json::array()}, {"last_seq", 0}};
  std::string next = since;
  std::optional<long long> end;
  while (true) {
    json j = ctl.get("/v1/events?since=" + next + "&limit=" + page);
    if (!j.is_object() || !j["events"].is_array() || !j["last_seq"].is_number_integer())
      throw std::invalid_argument("GET /v1/events: the answer is not a page of events");
    if (!end) end = j["last_seq"].get<long long>();
    out["last_seq"] = j["last_seq"];
    if (j["events"].empty()) break;
    for (auto& e : j["events"]) out["events"].push_back(std::move(e));
    const json& last = out["events"].back();
    if (!last.contains("seq") || !last["seq"].is_number_integer()) break;
    next = std::to_string(last["seq"].get<long long>());
    if (last["seq"].get<long long>() >= *end) break;
  }
  return out;
}

int run(Ctl& ctl, const std::string& cmd, const std::vector<std::string>& rest) {
  if (cmd == "health") {
    json j = ctl.get("/healthz");
    print(ctl, j, "status " + j.value("status", "?") + ", seq " + std::to_string(j.value("seq", 0)));
  } else if (cmd == "snapshot") {
    json s = ctl.get("/v1/snapshot");
    std::string h = "seq " + std::to_string(s.value("last_seq", 0)) + "\n";
    for (const auto& id : s["rollcall_order"]) {
      const json& rc = s["rollcalls"][id.get<std::string>()];
      h += "rollcall " + id.get<std::string>() + " " + rc["started"]["title"].get<std::string>() +
           (rc.contains("closed_at") ? " (closed)" : " (open)") + ": " + rc["total"]["answered"].dump() + "/" +
           rc["total"]["in_scope"].dump() + " answered " + rc["total"]["by_safety"].dump() + "\n";
    }
    for (const auto& [id, a] : s["alerts"].items()) {
      h += "alert " + id + " " + a["alert"]["severity"].get<std::string>() + " " +
           a["alert"]["title"].get<std::string>() + (a["cancelled"].get<bool>() ? " (cancelled)" : "") + "\n";
    }
    for (const auto& [g, t] : s["talk"].items()) h += "talk " + g + ": " + t["total"].dump() + " messages\n";
    if (!h.empty()) h.pop_back();
    print(ctl, s, h);
  } else if (cmd == "events") {
    Args a = parse(rest, {"since", "limit"}, {"all"});
    json j = a.has("all") ? all_events(ctl, a.flag("since", "0"), a.flag("limit", "10000"))
                          : ctl.get("/v1/events?since=" + a.flag("since", "0") +
                                    "&limit=" + a.flag("limit", "1000"));
    if (ctl.as_json()) {
      std::cout << j.dump(2) << "\n";
    } else {
      for (const auto& e : j["events"]) std::cout << e.dump() << "\n";  // JSON lines, for export
    }
  } else if (cmd == "alert" && !rest.empty()) {
    std::vector<std::string> more(rest.begin() + 1, rest.end());
    Args a = parse(more, {"kind", "severity", "title", "body", "area", "by", "reason"}, {"drill"});
    if (rest[0] == "raise") {
      json body = {{"kind", a.need("kind")},    {"severity", a.need("severity")}, {"title", a.need("title")},
                   {"body", a.flag("body", "")}, {"drill", a.has("drill")}};
      if (a.has("area")) body["area"] = a.flag("area");
      json j = ctl.post("/v1/alerts", body);
      print(ctl, j, "alert " + j.value("alert", "?") + " raised");
    } else if (rest[0] == "ack" || rest[0] == "cancel") {
      const std::string id = one_id(a, "alert " + rest[0]);
      json body = json::object();
      if (a.has("by")) body["by"] = a.flag("by");
      if (a.has("reason")) body["reason"] = a.flag("reason");
      json j = ctl.post("/v1/alerts/" + id + "/" + rest[0], body);
      print(ctl, j, "alert " + id + (rest[0] == "ack" ? " acknowledged" : " cancelled"));
    } else {
      throw UsageError("alert: raise, ack or cancel");
    }
  } else if (cmd == "rollcall" && !rest.empty()) {
    std::vector<std::string> more(rest.begin() + 1, rest.end());
    Args a = parse(more, {"title", "departments", "part", "out"}, {"drill", "csv"});
    if (rest[0] == "start") {
      json deps = json::array();
      std::string list = a.flag("departments");
      for (std::size_t p = 0; !list.empty() && p != std::string::npos;) {
        auto comma = list.find(',', p);
        deps.push_back(list.substr(p, comma == std::string::npos ? comma : comma - p));
        p = comma == std::string::npos ? comma : comma + 1;
      }
      json j = ctl.post("/v1/rollcalls", {{"title", a.need("title")}, {"drill", a.has("drill")}, {"departments", deps}});
      print(ctl, j, "roll call " + j.value("rollcall", "?") + " started");
    } else if (rest[0] == "close") {
      const std::string id = one_id(a, "rollcall close");
      print(ctl, ctl.post("/v1/rollcalls/" + id + "/close", json::object()), "roll call " + id + " closed");
    } else if (rest[0] == "report") {
      const std::string id = one_id(a, "rollcall report");
      if (a.has("part") && !a.has("csv")) throw UsageError("--part needs --csv");
      const std::string target = "/v1/rollcalls/" + id + "/report" + (a.has("part") ? "?part=" + a.flag("part") : "");
      auto res = ctl.raw_get(target, a.has("csv") ? "text/csv" : "application/json");
      auto j = json::parse(res.body, nullptr, false);
      const std::string text = a.has("csv") || j.is_discarded() ? res.body : j.dump(2) + "\n";
      if (a.has("out")) {
        // Bytes as served: the CSV keeps its BOM and CRLFs for the spreadsheet.
        std::ofstream file(a.flag("out"), std::ios::binary | std::ios::trunc);
        if (!(file << text) || !file.flush()) throw std::invalid_argument("cannot write " + a.flag("out"));
        std::cerr << "wrote " << text.size() << " bytes to " << a.flag("out") << "\n";
      } else {
        std::cout << text << (text.ends_with('\n') ? "" : "\n");
      }
    } else if (rest[0] == "pending") {
      pending(ctl, one_id(a, "rollcall pending"));
    } else {
      throw UsageError("rollcall: start, close, report, pending or drill-report");
    }
  } else if (cmd == "status" && !rest.empty() && rest[0] == "set") {
    std::vector<std::string> more(rest.begin() + 1, rest.end());
    Args a = parse(more, {"until", "note"}, {});
    if (a.positional.size() != 2) throw UsageError("status set STAFF STATUS");
    json body = {{"staff", a.positional[0]}, {"status", a.positional[1]}};
    if (a.has("until")) body["until"] = a.flag("until");
    if (a.has("note")) body["note"] = a.flag("note");
    print(ctl, ctl.post("/v1/availability", body), a.positional[0] + " is now " + a.positional[1]);
  } else if (cmd == "status" && !rest.empty() && rest[0] == "import-ics") {
    std::vector<std::string> more(rest.begin() + 1, rest.end());
    Args a = parse(more, {"staff"}, {});
    if (a.positional.size() != 1) throw UsageError("status import-ics --staff ID FILE");
    const std::string staff = a.need("staff");
    std::ifstream file(a.positional[0], std::ios::binary);
    if (!file.is_open()) throw std::invalid_argument("cannot open " + a.positional[0]);
    std::string ics((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (file.bad()) throw std::invalid_argument("cannot read " + a.positional[0]);
    json j = ctl.put("/v1/staff/" + staff + "/calendar", ics, "text/calendar; charset=utf-8");
    std::string now = j["status"].is_string() ? j["status"].get<std::string>() : "free";
    if (j.contains("until")) now += " until " + j["until"].get<std::string>();
    print(ctl, j, staff + ": calendar imported (" + j.value("events", json(0)).dump() + " events), now " + now);
  } else if (cmd == "drill" && !rest.empty() && rest[0] == "stop") {
    if (rest.size() > 1) throw UsageError("drill stop takes no arguments");
    json j = ctl.post("/v1/drill/stop", json::object());
    auto ids = [](const json& list) {
      std::string out;
      for (const auto& id : list) out += (out.empty() ? "" : ", ") + id.get<std::string>();
      return out.empty() ? std::string("none") : out;
    };
    const bool nothing = j["closed"].empty() && j["cancelled"].empty();
    print(ctl, j,
          nothing ? std::string("no drill roll call or drill alert was shown: nothing stopped")
                  : "drill stopped (seq " + j["seq"].dump() + "): closed roll calls " +
                        ids(j["closed"]) + "; cancelled alerts " + ids(j["cancelled"]));
  } else if (cmd == "talk" && !rest.empty() && rest[0] == "list") {
    std::vector<std::string> more(rest.begin() + 1, rest.end());
    Args a = parse(more, {"group", "limit"}, {});
    talk_list(ctl, a.flag("group"), a.flag("limit", "20"));
  } else if (cmd == "talk" && !rest.empty() && rest[0] == "hide") {
    std::vector<std::string> more(rest.begin() + 1, rest.end());
    Args a = parse(more, {"reason"}, {});
    const std::string id = one_id(a, "talk hide");
    json j = ctl.post("/v1/talk/" + id + "/hide", {{"reason", a.need("reason")}});
    print(ctl, j, "talk message " + id + " is off the wall (seq " + j["seq"].dump() + ")");
  } else {
    throw UsageError("unknown command \"" + cmd + (rest.empty() ? "" : " " + rest[0]) + "\"");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<std::string> flag_server, flag_token, flag_config;
  bool as_json = false;
  std::vector<std::string> words(argv + 1, argv + argc);
  for (std::size_t h = 0; h < words.size(); ++h) {
    if (words[h] != "--help" && words[h] != "-h") continue;
    // The command's own help when the words before --help name one, else the overview.
    std::vector<std::string> named;
    for (std::size_t k = 0; k < h; ++k) {
      if (words[k] == "--server" || words[k] == "--token" || words[k] == "--config") {
        ++k;
      } else if (words[k].rfind("--", 0) != 0) {
        named.push_back(words[k]);
      }
    }
    auto it = named.size() >= 2 ? command_help().find(named[0] + " " + named[1]) : command_help().end();
    std::cout << (it != command_help().end() ? it->second : kUsage);
    return 0;
  }
  try {
    std::size_t i = 0;
    for (; i < words.size() && words[i].rfind("--", 0) == 0; ++i) {
      if (words[i] == "--json") {
        as_json = true;
      } else if ((words[i] == "--server" || words[i] == "--token" || words[i] == "--config") &&
                 i + 1 < words.size()) {
        (words[i] == "--server" ? flag_server : words[i] == "--token" ? flag_token : flag_config) =
            words[i + 1];
        ++i;
      } else {
        throw UsageError("unknown or incomplete flag " + words[i]);
      }
    }
    if (i >= words.size()) throw UsageError("no command given");
    std::vector<std::string> rest(words.begin() + static_cast<long>(i) + 1, words.end());
    // --json is also accepted after the command.
    std::erase_if(rest, [&](const std::string& w) { return w == "--json" ? (as_json = true) : false; });
    const bcp::tools::CtlSettings settings = bcp::tools::resolve_ctl_settings(
        flag_server, flag_token, flag_config, bcp::tools::process_environment());
    if (words[i] == "rollcall" && !rest.empty() && rest[0] == "drill-report") {
      return bcp::tools::drill_report_command(settings.server, settings.token,
                                              {rest.begin() + 1, rest.end()}, argv[0]);
    }
    Ctl ctl(bcp::tools::parse_server_url(settings.server), settings.token, as_json);
    return run(ctl, words[i], rest);
  } catch (const UsageError& e) {
    std::cerr << "bcpctl: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const bcp::tools::CtlConfigError& e) {
    std::cerr << "bcpctl: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "bcpctl: " << e.what() << "\n";
    return 2;
  } catch (const bcp::tools::DrillReportRefused& e) {
    std::cerr << "bcpctl: " << e.what() << "\n";
    return 1;
  } catch (const Refused& r) {
    std::cerr << "bcpctl: refused (" << r.res.status << "): " << r.res.error_message() << "\n";
    return 1;
  } catch (const bcp::tools::ConnectError& e) {
    std::cerr << "bcpctl: " << e.what() << "\n";
    return 3;
  }
}
