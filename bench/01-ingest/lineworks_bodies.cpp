// bench-lw-bodies: pre-generates distinct, correctly signed LINE WORKS callbacks for wrk.
// The daemon drops a body it has already taken (replay protection), so a load run needs one
// fresh body per request. Writes OUT.0 … OUT.(THREADS-1), one per wrk thread, each line
// "<X-WORKS-Signature>\t<body>", signature = base64(HMAC-SHA256(secret, body)).
// Usage: bench-lw-bodies COUNT THREADS OUT [FIRST=0] [SECRET=sample-bot-secret] [CHANNEL=ch-hq]
// FIRST numbers the bodies FIRST … FIRST+COUNT-1, so several batches never repeat a body.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bcp/tools/http_client.hpp"  // lineworks_signature: the same signer bcp-sim uses

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s COUNT THREADS OUT [FIRST] [SECRET] [CHANNEL]\n", argv[0]);
    return 2;
  }
  const long count = std::atol(argv[1]);
  const int threads = std::atoi(argv[2]);
  const std::string out = argv[3];
  const long first = argc > 4 ? std::atol(argv[4]) : 0;
  const std::string secret = argc > 5 ? argv[5] : "sample-bot-secret";
  const std::string channel = argc > 6 ? argv[6] : "ch-hq";
  if (count <= 0 || threads <= 0) {
    std::fprintf(stderr, "%s: COUNT and THREADS must be positive\n", argv[0]);
    return 2;
  }
  std::vector<std::ofstream> files;
  for (int t = 0; t < threads; ++t) {
    files.emplace_back(out + "." + std::to_string(t));
    if (!files.back()) {
      std::fprintf(stderr, "%s: cannot write %s.%d\n", argv[0], out.c_str(), t);
      return 1;
    }
  }
  char body[512];
  for (long i = first; i < first + count; ++i) {
    // 120 sample-town staff take turns; the number makes every body (and its digest) unique.
    std::snprintf(body, sizeof body,
                  R"({"type":"message","source":{"userId":"lw-s%03ld","channelId":"%s","domainId":1},)"
                  R"("issuedTime":"2026-11-25T08:00:00.000Z","content":{"type":"text",)"
                  R"("text":"ベンチマーク投稿 庁舎点検 %ld"}})",
                  i % 120 + 1, channel.c_str(), i);
    files[static_cast<std::size_t>((i - first) % threads)] << bcp::tools::lineworks_signature(secret, body) << '\t' << body << '\n';
  }
  for (auto& f : files) {
    f.flush();
    if (!f) {
      std::fprintf(stderr, "%s: write failed\n", argv[0]);
      return 1;
    }
  }
}
