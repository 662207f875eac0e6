// bench-journal-gen: writes a large bcp-feedd journal fast, through the daemon's own Journal
// class (same schema, same JSON, same synchronous=FULL) in big transactions, so that
// 06-daemon-memory can measure the daemon's restart (replay) time and RSS on it.
//   bench-journal-gen write DATA_DIR COUNT   → DATA_DIR/journal.sqlite3 with COUNT events
//   bench-journal-gen scan DATA_DIR          → reads every row's body with bare SQLite (no
//                                              JSON decoding): the floor for any replay
// Each prints one JSON line. The event mix is a busy town over days: talk in the four level-C
// groups (80 % through LINE WORKS, carrying their delivery origin as the daemon stores them),
// availability changes, a roll call with all 120 staff answering every 100,000 events, and
// a drill alert raised and cancelled every 50,000.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/events.hpp"

namespace {

using namespace bcp::model;
using Clock = std::chrono::steady_clock;

constexpr const char* kGroups[] = {"hq", "soumu", "project", "kyoryokutai"};
constexpr const char* kTexts[] = {
    "庁舎の点検を始めます。",
    "役場前の道路、倒木なし。通行できます。",
    "避難所の開設準備完了しました。毛布と飲料水の数を確認中です。",
    "了解です。",
    "本町地区の見回りから戻りました。異常ありません。",
    "給水車の到着予定は14時ごろとのことです。到着したら連絡します。",
    "写真を送ります。川の水位は普段より少し高い程度です。",
    "明日の訓練の集合時間は8時30分、場所は第二会議室です。",
};

std::string staff_id(long n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "s%03ld", n % 120 + 1);
  return buf;
}

Event make_event(long i, TimePoint at, long& open_rollcall_since, long& open_alert_since) {
  Event e;
  e.at = at;
  e.received = at + std::chrono::milliseconds(40);
  const std::string rollcall = "rc-bench-" + std::to_string(open_rollcall_since);
  if (i % 100'000 == 50) {
    open_rollcall_since = i;
    e.body = RollcallStarted{"rc-bench-" + std::to_string(i), "地震訓練 安否確認", true, {},
                             RollcallTrigger::manual};
    return e;
  }
  if (open_rollcall_since >= 0 && i - open_rollcall_since <= 120) {
    RollcallCheckin c;
    c.rollcall = rollcall;
    c.staff = staff_id(i - open_rollcall_since - 1);
    c.safety = i % 17 == 0 ? Safety::minor_injury : Safety::safe;
    c.can_work = i % 5 == 0 ? CanWork::later : CanWork::yes;
    c.source = "lineworks";
    e.body = std::move(c);
    return e;
  }
  if (open_rollcall_since >= 0 && i - open_rollcall_since == 121) {
    open_rollcall_since = -1;
    e.body = RollcallClosed{rollcall};
    return e;
  }
  if (i % 50'000 == 25) {
    open_alert_since = i;
    AlertRaised a;
    a.alert = "manual-bench-" + std::to_string(i);
    a.kind = AlertKind::bear;
    a.severity = Severity::warning;
    a.drill = true;
    a.title = "クマ出没（訓練）";
    a.body = "役場裏の河川敷でクマの目撃情報。屋外での作業を控えてください。";
    a.area = "本町";
    e.body = std::move(a);
    return e;
  }
  if (open_alert_since >= 0 && i - open_alert_since == 1000) {
    e.body = AlertCancelled{"manual-bench-" + std::to_string(open_alert_since), "訓練終了"};
    open_alert_since = -1;
    return e;
  }
  if (i % 97 == 0) {
    StaffAvailability a;
    a.staff = staff_id(i / 97);
    a.status = (i / 97) % 3 == 0 ? Availability::in_office : Availability::en_route;
    a.source = AvailabilitySource::manual;
    e.body = std::move(a);
    return e;
  }
  TalkMessage m;
  m.group = kGroups[i % 4];
  m.sender = Sender{staff_id(i * 7), "職員" + staff_id(i * 7).substr(1), std::nullopt};
  m.text = kTexts[i % 8];
  if (i % 5 != 0) {
    // As the LINE WORKS adapter stores it: message id and origin from the body's digest.
    char digest[32];
    std::snprintf(digest, sizeof digest, "lw-%020ld", i);
    m.message_id = digest;
    m.source = TalkSource::lineworks;
    e.origin = digest;
  } else {
    m.message_id = "api-bench-" + std::to_string(i);
    m.source = TalkSource::api;
  }
  e.body = std::move(m);
  return e;
}

int write(const std::filesystem::path& dir, long count) {
  std::filesystem::create_directories(dir);
  auto journal = bcp::daemon::open_sqlite_journal(dir / "journal.sqlite3");
  const long start = journal->last_seq();
  const TimePoint base = parse_time("2026-11-01T00:00:00.000Z");
  long open_rollcall = -1, open_alert = -1;
  auto t0 = Clock::now();
  constexpr long kBatch = 20'000;
  std::vector<Event> batch;
  batch.reserve(kBatch);
  for (long i = start; i < start + count;) {
    batch.clear();
    for (long n = 0; n < kBatch && i < start + count; ++n, ++i) {
      batch.push_back(make_event(i, base + std::chrono::milliseconds(i * 150), open_rollcall, open_alert));
    }
    journal->append(batch);
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("{\"written\":%ld,\"last_seq\":%lld,\"seconds\":%.3f,\"file_bytes\":%llu}\n", count,
              static_cast<long long>(journal->last_seq()), secs,
              static_cast<unsigned long long>(std::filesystem::file_size(dir / "journal.sqlite3")));
  return 0;
}

int scan(const std::filesystem::path& dir) {
  sqlite3* db = nullptr;
  const auto file = dir / "journal.sqlite3";
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "bench-journal-gen: cannot open %s: %s\n", file.c_str(), sqlite3_errmsg(db));
    return 1;
  }
  sqlite3_stmt* s = nullptr;
  auto t0 = Clock::now();
  sqlite3_prepare_v2(db, "SELECT seq, body FROM events ORDER BY seq", -1, &s, nullptr);
  long rows = 0;
  unsigned long long bytes = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    ++rows;
    bytes += static_cast<unsigned long long>(sqlite3_column_bytes(s, 1));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("{\"rows\":%ld,\"body_bytes\":%llu,\"seconds\":%.3f}\n", rows, bytes, secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "write" && argc == 4 && std::atol(argv[3]) > 0) return write(argv[2], std::atol(argv[3]));
    if (mode == "scan" && argc == 3) return scan(argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-journal-gen: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: %s write DATA_DIR COUNT | scan DATA_DIR\n", argv[0]);
  return 2;
}
