// bcpctl rollcall drill-report: fetches the roll-call report, the directory and the whole
// journal from the daemon, has the built bcp-wall render the wall at three moments
// (headless, --replay --at --capture, one child process each, with a deadline), and writes
// the HTML. Runs on bcpctl's only thread.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bcp/config/config.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/reducer.hpp"
#include "bcp/tools/drill_report.hpp"
#include "bcp/tools/http_client.hpp"

extern char** environ;

namespace bcp::tools {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json get_json(HttpClient& http, const std::string& target, const std::string& token) {
  HttpResponse res = http.get(target, token);
  if (!res.ok()) {
    throw DrillReportRefused("GET " + target.substr(0, target.find('?')) + " refused (" +
                             std::to_string(res.status) + "): " + res.error_message());
  }
  json j = json::parse(res.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw DrillReportRefused("GET " + target + ": the answer is not a JSON object");
  return j;
}

// Every journal event, seq 1 to the last_seq of the first page, decoded by the strict codec.
std::vector<model::Event> whole_journal(HttpClient& http, const std::string& token,
                                        std::vector<std::string>& lines) {
  std::vector<model::Event> events;
  std::optional<model::Seq> end;
  model::Seq next = 0;
  while (!end || next < *end) {
    json page = get_json(http, "/v1/events?since=" + std::to_string(next) + "&limit=10000", token);
    if (!page["events"].is_array() || !page["last_seq"].is_number_integer())
      throw DrillReportRefused("GET /v1/events: the answer is not a page of events");
    if (!end) end = page["last_seq"].get<model::Seq>();
    if (page["events"].empty()) break;
    for (const auto& e : page["events"]) {
      try {
        events.push_back(model::event_from_json(e));
      } catch (const std::exception& err) {
        throw DrillReportRefused("journal event after seq " + std::to_string(next) +
                                 " cannot be read: " + err.what());
      }
      if (events.back().seq != next + 1)
        throw DrillReportRefused("journal seq " + std::to_string(events.back().seq) +
                                 " does not follow " + std::to_string(next));
      next = events.back().seq;
      lines.push_back(e.dump());
    }
  }
  return events;
}

fs::path find_wall_binary(const DrillReportOptions& o) {
  if (o.wall_binary) return *o.wall_binary;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) self = o.self;
  // Installed side by side, or the build tree (build/tools/bcpctl, build/display/bcp-wall).
  for (const fs::path& c : {self.parent_path() / "bcp-wall",
                            self.parent_path().parent_path() / "display" / "bcp-wall"}) {
    if (fs::exists(c, ec)) return c;
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty() && fs::exists(fs::path(dir) / "bcp-wall", ec))
        return fs::path(dir) / "bcp-wall";
    }
  }
  throw std::invalid_argument("bcp-wall not found beside bcpctl or on PATH: pass --wall-binary");
}

// Runs bcp-wall headless for one picture; "" on success, else why not.
std::string run_wall(const fs::path& binary, const std::vector<std::string>& args,
                     const fs::path& log, std::chrono::seconds deadline) {
  std::vector<std::string> words{binary.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_words;
  for (char** e = environ; *e; ++e) {
    std::string_view v(*e);
    if (v.rfind("SDL_VIDEODRIVER=", 0) != 0 && v.rfind("SDL_AUDIODRIVER=", 0) != 0)
      env_words.emplace_back(v);
  }
  env_words.emplace_back("SDL_VIDEODRIVER=dummy");  // no display needed
  env_words.emplace_back("SDL_AUDIODRIVER=dummy");
  std::vector<char*> envp;
  for (auto& w : env_words) envp.push_back(w.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, words[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return "cannot start " + binary.string() + ": " + std::strerror(rc);
  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return "bcp-wall took longer than " + std::to_string(deadline.count()) + " s";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::ifstream in(log);
  std::string last, line;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return "bcp-wall failed: " +
         (last.empty() ? "exit " + std::to_string(WEXITSTATUS(status)) : last);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "bcpctl-report-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::invalid_argument("cannot create a temporary directory");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::vector<WallPicture> render_pictures(const DrillReportOptions& o, const DrillMoments& m,
                                         const std::vector<std::string>& lines,
                                         const model::Directory& daemon_directory) {
  auto loaded = config::load_town(*o.town);
  if (!loaded.config) {
    throw std::invalid_argument(
        o.town->string() + ": " +
        (loaded.errors.empty() ? "cannot load" : loaded.errors.front().to_string()));
  }
  if (loaded.config->directory() != daemon_directory) {
    std::cerr << "bcpctl: warning: " << o.town->string()
              << " names other staff or departments than the daemon: the pictures show the "
                 "config's names\n";
  }
  const fs::path wall = find_wall_binary(o);
  TempDir tmp;
  {
    std::ofstream journal(tmp.path / "journal.jsonl", std::ios::binary);
    for (const auto& l : lines) journal << l << '\n';
    if (!journal.flush())
      throw std::invalid_argument("cannot write " + (tmp.path / "journal.jsonl").string());
  }
  std::vector<std::pair<std::string, model::TimePoint>> moments = {{"開始", m.start}};
  if (m.half) moments.emplace_back("50%到達", *m.half);
  moments.emplace_back(m.closed ? "締切" : "出力時点（実施中）", m.end);
  std::vector<WallPicture> out;
  for (std::size_t i = 0; i < moments.size(); ++i) {
    WallPicture pic;
    pic.caption = moments[i].first;
    pic.at = moments[i].second;
    const fs::path png = tmp.path / ("wall-" + std::to_string(i) + ".png");
    std::cerr << "bcpctl: rendering the wall at " << model::format_time(pic.at) << " ("
              << pic.caption << ")\n";
    pic.error =
        run_wall(wall,
                 {"--config", o.town->string(), "--wall", o.wall, "--replay",
                  (tmp.path / "journal.jsonl").string(), "--at", model::format_time(pic.at),
                  "--headless", "--size", std::to_string(o.width) + "x" + std::to_string(o.height),
                  "--capture", png.string()},
                 tmp.path / ("wall-" + std::to_string(i) + ".log"), std::chrono::seconds(120));
    if (pic.error.empty()) pic.png = read_file(png);
    if (pic.error.empty() && pic.png.empty()) pic.error = "no picture written";
    if (!pic.error.empty()) std::cerr << "bcpctl: " << pic.error << "\n";
    out.push_back(std::move(pic));
  }
  return out;
}

// DESIGN.md's command line names no config: without --town the town's config is looked for
// where the daemon's is ($BCP_TOWN, the installed /etc/bcp/town.json, the sample town when run
// from a checkout), and used only when it names the daemon's own staff and departments, so the
// pictures never show another town's names.
std::optional<fs::path> find_town_config(const model::Directory& daemon_directory) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("BCP_TOWN"); env && *env) {
    candidates.emplace_back(env);  // named by the operator: that one only
  } else {
    candidates.emplace_back("/etc/bcp/town.json");
    candidates.emplace_back("config/sample-town/town.json");
  }
  for (const auto& c : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(c, ec)) continue;
    auto loaded = config::load_town(c);
    if (loaded.config && loaded.config->directory() == daemon_directory) return c;
    std::cerr << "bcpctl: " << c.string() << " is not the daemon's town; not used\n";
  }
  return std::nullopt;
}

}  // namespace

int make_drill_report(const DrillReportOptions& given) {
  DrillReportOptions o = given;
  HttpClient http(parse_server_url(o.server), std::chrono::seconds(60));
  DrillReportPage page;
  page.source = o.server;
  page.report = get_json(http, "/v1/rollcalls/" + o.rollcall + "/report", o.token);
  json snapshot = get_json(http, "/v1/snapshot", o.token);
  model::Situation initial;
  try {
    initial.directory = model::situation_from_json(snapshot).directory;
  } catch (const std::exception& e) {
    throw DrillReportRefused(std::string("GET /v1/snapshot: ") + e.what());
  }
  page.town_name = initial.directory.town_name;
  std::vector<std::string> lines;
  std::vector<model::Event> events = whole_journal(http, o.token, lines);
  page.journal_seq = events.empty() ? 0 : events.back().seq;
  {
    // A post taken off the wall does not reach the pictures' replay, not even in its
    // temporary journal file: its line keeps its seq (the replay refuses gaps) but loses its
    // text and attachments, and the replay drops the message itself as it does any hidden one.
    const auto hidden = model::hidden_message_ids(events);
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (!model::is_hidden_message(events[i], hidden)) continue;
      auto& m = std::get<model::TalkMessage>(events[i].body);
      m.text.clear();
      m.attachments.clear();
      lines[i] = model::to_json(events[i]).dump();
    }
  }
  auto moments = drill_moments(initial, events, o.rollcall);
  if (!moments) throw DrillReportRefused("roll call " + o.rollcall + " is not in the journal");
  page.alerts = alerts_during(events, *moments);
  if (o.pictures && !o.town) o.town = find_town_config(initial.directory);
  if (o.pictures && !o.town) {
    std::cerr << "bcpctl: no town config for the wall pictures (give --town town.json); the "
                 "report is written without them\n";
    page.pictures_note =
        "壁面の画像はありません（町の設定ファイルが見つかりませんでした。--town で指定できます）。";
  } else if (o.pictures) {
    page.pictures = render_pictures(o, *moments, lines, initial.directory);
  } else {
    page.pictures_note = "壁面の画像は省略しました（--no-pictures）。";
  }
  const std::string html = drill_report_html(page);
  // Written beside the target and renamed: a half-written report never replaces a good one.
  const fs::path tmp = o.out.string() + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << html) || !out.flush()) throw std::invalid_argument("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, o.out, ec);
  if (ec) throw std::invalid_argument("cannot write " + o.out.string() + ": " + ec.message());
  std::size_t made = 0;
  for (const auto& p : page.pictures) made += p.png.empty() ? 0 : 1;
  std::cerr << "bcpctl: wrote " << html.size() << " bytes to " << o.out.string() << " (" << made
            << " wall pictures, " << page.alerts.size() << " alerts, journal seq 1-"
            << page.journal_seq << ")\n";
  return static_cast<int>(page.pictures.size() - made);
}

}  // namespace bcp::tools
