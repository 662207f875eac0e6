// --trace-frames FILE: one line per finished frame, for the event-to-pixel benchmark
// (bench/03-event-to-pixel). Off by default; when off, frame_finished() is one branch.
//
// Line format (text, space separated, after one '#' header line):
//   <finished_ns> <first_seq> <last_seq>
// finished_ns is CLOCK_MONOTONIC in nanoseconds (shared by all processes on the machine, so
// a sender on the same host can compare its own CLOCK_MONOTONIC send times), taken right
// after the frame was rasterised (headless) or presented (window). The frame shows every
// event up to last_seq; first_seq..last_seq are the events it made visible first
// (first_seq > last_seq: nothing new).
#pragma once

#include <cstdint>
#include <string>

namespace bcp::display {

class FrameTrace {
 public:
  FrameTrace() = default;
  ~FrameTrace();
  FrameTrace(const FrameTrace&) = delete;
  FrameTrace& operator=(const FrameTrace&) = delete;

  // Creates (truncates) `path`; false with `error` set when it cannot.
  bool open(const std::string& path, std::string* error);
  bool enabled() const { return fd_ >= 0; }
  // Called once per finished frame with the last seq the frame shows. Allocation-free:
  // formats into a stack buffer and writes one line with write(2), so every line is on
  // disk even if the wall is killed.
  void frame_finished(std::int64_t shown_seq) {
    if (fd_ >= 0) record(shown_seq);
  }

 private:
  void record(std::int64_t shown_seq);
  int fd_ = -1;
  std::int64_t shown_ = 0;
};

}  // namespace bcp::display
