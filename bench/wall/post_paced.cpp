// bench-post-paced (issue 8, benchmark 3): posts talk messages at a steady rate and records,
// for each, the CLOCK_MONOTONIC send time and the seq from the 2xx. The event-to-pixel
// benchmark joins these lines with bcp-wall's --trace-frames output.
//
// usage: bench-post-paced --server http://127.0.0.1:PORT --token T --rate PER_SECOND
//                         --count N --out FILE.tsv
// The schedule is absolute (send i at start + i/rate): a slow answer delays the next post but
// does not shift the rest. Exits non-zero when any post is refused.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "bcp/tools/http_client.hpp"

namespace {

long long mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "bench-post-paced: %s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string server, token, out_path;
  double rate = 10;
  int count = 100;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return fail(a + " needs a value");
    std::string v = argv[++i];
    if (a == "--server") server = v;
    else if (a == "--token") token = v;
    else if (a == "--out") out_path = v;
    else if (a == "--rate") rate = std::atof(v.c_str());
    else if (a == "--count") count = std::atoi(v.c_str());
    else return fail("unknown argument \"" + a + "\"");
  }
  if (server.empty() || out_path.empty() || rate <= 0 || count <= 0)
    return fail("needs --server, --out, --rate > 0 and --count > 0");

  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (!out) return fail("cannot write " + out_path);
  std::fprintf(out, "# i\tsend_ns(CLOCK_MONOTONIC)\tack_ns\tstatus\tseq\n");

  try {
    bcp::tools::HttpClient http(bcp::tools::parse_server_url(server));
    const auto start = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    const auto period = std::chrono::duration<double>(1.0 / rate);
    int refused = 0;
    for (int i = 0; i < count; ++i) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * i));
      // ASCII text and a roster sender: every glyph is already in the wall's atlas, so the
      // first frame with the event shows it whole (no rebuild pending).
      nlohmann::json body = {{"group", "hq"},
                             {"sender", {{"id", "s001"}, {"name", "bench"}}},
                             {"text", "event-to-pixel " + std::to_string(i)}};
      long long sent = mono_ns();
      auto r = http.post_json("/v1/talk", token, body.dump());
      long long acked = mono_ns();
      long long seq = -1;
      if (r.ok()) {
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (j.is_object() && j.contains("seq")) seq = j["seq"].get<long long>();
      } else {
        ++refused;
        std::fprintf(stderr, "bench-post-paced: post %d: %d %s\n", i, r.status,
                     r.error_message().c_str());
      }
      std::fprintf(out, "%d\t%lld\t%lld\t%d\t%lld\n", i, sent, acked, r.status, seq);
    }
    std::fclose(out);
    return refused == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fclose(out);
    return fail(e.what());
  }
}
