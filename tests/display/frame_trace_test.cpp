// --trace-frames (bench/03-event-to-pixel): the flag and the trace file's lines.
#include <gtest/gtest.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../../display/src/frame_trace.hpp"
#include "bcp/display/cli.hpp"

namespace bcp::display {
namespace {

struct Line {
  long long finished_ns;
  long long first_seq;
  long long last_seq;
};

std::vector<Line> read_trace(const std::filesystem::path& path, std::string* header) {
  std::ifstream in(path);
  std::vector<Line> lines;
  std::string text;
  while (std::getline(in, text)) {
    if (text.starts_with("#")) {
      if (header) *header = text;
      continue;
    }
    std::istringstream fields(text);
    Line l{};
    fields >> l.finished_ns >> l.first_seq >> l.last_seq;
    EXPECT_FALSE(fields.fail()) << "unparsable trace line: " << text;
    lines.push_back(l);
  }
  return lines;
}

long long mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

TEST(FrameTraceCli, OffByDefaultAndTakesAFile) {
  auto plain = parse_args({"--config", "town.json"});
  ASSERT_TRUE(std::holds_alternative<Options>(plain));
  EXPECT_TRUE(std::get<Options>(plain).trace_frames.empty());

  auto traced = parse_args({"--config", "town.json", "--trace-frames", "frames.txt"});
  ASSERT_TRUE(std::holds_alternative<Options>(traced));
  EXPECT_EQ(std::get<Options>(traced).trace_frames, "frames.txt");

  auto missing = parse_args({"--config", "town.json", "--trace-frames"});
  ASSERT_TRUE(std::holds_alternative<CliError>(missing));
  EXPECT_NE(std::get<CliError>(missing).message.find("--trace-frames"), std::string::npos);
}

TEST(FrameTrace, EachFrameNamesTheSeqsItShowedFirst) {
  auto path = std::filesystem::path(testing::TempDir()) / "frame_trace_test.txt";
  long long before = mono_ns();
  {
    FrameTrace trace;
    std::string error;
    ASSERT_TRUE(trace.open(path.string(), &error)) << error;
    EXPECT_TRUE(trace.enabled());
    trace.frame_finished(0);   // connecting picture: no event yet
    trace.frame_finished(42);  // the snapshot: 1..42 appear at once
    trace.frame_finished(42);  // the clock ticked, nothing new
    trace.frame_finished(43);  // one live event
    trace.frame_finished(2);   // daemon started over with a fresh journal
  }
  long long after = mono_ns();
  std::string header;
  auto lines = read_trace(path, &header);
  EXPECT_NE(header.find("CLOCK_MONOTONIC"), std::string::npos) << header;
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_GT(lines[0].first_seq, lines[0].last_seq);
  EXPECT_EQ(lines[1].first_seq, 1);
  EXPECT_EQ(lines[1].last_seq, 42);
  EXPECT_GT(lines[2].first_seq, lines[2].last_seq);
  EXPECT_EQ(lines[3].first_seq, 43);
  EXPECT_EQ(lines[3].last_seq, 43);
  EXPECT_EQ(lines[4].first_seq, 1);
  EXPECT_EQ(lines[4].last_seq, 2);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_GE(lines[i].finished_ns, before);
    EXPECT_LE(lines[i].finished_ns, after);
    if (i > 0) EXPECT_GE(lines[i].finished_ns, lines[i - 1].finished_ns);
  }
  std::filesystem::remove(path);
}

TEST(FrameTrace, OffWritesNothingAndAnUnwritablePathIsNamed) {
  FrameTrace off;
  EXPECT_FALSE(off.enabled());
  off.frame_finished(7);  // must be a no-op, not a crash

  FrameTrace bad;
  std::string error;
  EXPECT_FALSE(bad.open("/nonexistent-dir/trace.txt", &error));
  EXPECT_NE(error.find("/nonexistent-dir/trace.txt"), std::string::npos) << error;
}

}  // namespace
}  // namespace bcp::display
