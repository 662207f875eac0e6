// bench-photo-talk: a talk of COUNT photos for 06-wall-memory's photo round, written as the
// daemon's photo service leaves it: PHOTO_DIR/<ref>.jpg (1920x1440 JPEGs, quality 85, each a
// different picture, ref = the first 16 bytes of the file's SHA-256 in lowercase hex) and, in
// DATA_DIR/journal.sqlite3 through the daemon's own Journal class, per photo one talk.message
// with an image attachment (as the LINE WORKS adapter stores it) and its talk.photo.
//   bench-photo-talk DATA_DIR PHOTO_DIR COUNT   → one JSON line (photos, bytes, last_seq)
// Single-threaded; runs before the daemon opens the journal.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include "bcp/common/hmac.hpp"
#include "bcp/daemon/journal/journal.hpp"
#include "bcp/model/codec.hpp"
#include "bcp/model/events.hpp"

namespace {

using namespace bcp::model;

constexpr int kWidth = 1920, kHeight = 1440;  // what the daemon serves at most (long side 1920)
constexpr const char* kGroups[] = {"hq", "soumu", "project", "kyoryokutai"};

// Picture `n`: two gradients and rings whose colours and centre depend on n, so every photo
// decodes to different pixels and compresses like a photo rather than a flat colour.
std::string picture_jpeg(int n) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &out, &size);
  cinfo.image_width = kWidth;
  cinfo.image_height = kHeight;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 85, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<unsigned char> row(kWidth * 3);
  const double cx = kWidth * (0.2 + 0.6 * ((n * 37) % 100) / 100.0);
  const double cy = kHeight * (0.2 + 0.6 * ((n * 61) % 100) / 100.0);
  for (int y = 0; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      const double d = std::hypot(x - cx, y - cy);
      const int ring = static_cast<int>(d / (40 + n % 7 * 9)) % 2;
      row[x * 3] = static_cast<unsigned char>((x * 255 / kWidth + n * 53) % 256);
      row[x * 3 + 1] = static_cast<unsigned char>((y * 255 / kHeight + n * 29) % 256);
      row[x * 3 + 2] = static_cast<unsigned char>(ring ? 220 - n % 5 * 20 : 40 + (x ^ y) % 32);
    }
    JSAMPROW rows[] = {row.data()};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::string bytes(reinterpret_cast<const char*>(out), size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return bytes;
}

std::string photo_ref(const std::string& jpeg) {
  return bcp::common::sha256_hex(jpeg).substr(0, 32);
}

int write(const std::filesystem::path& data, const std::filesystem::path& photos, int count) {
  std::filesystem::create_directories(data);
  std::filesystem::create_directories(photos);
  auto journal = bcp::daemon::open_sqlite_journal(data / "journal.sqlite3");
  const TimePoint base = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() - std::chrono::minutes(count));
  std::vector<Event> events;
  unsigned long long bytes = 0;
  for (int i = 0; i < count; ++i) {
    const std::string jpeg = picture_jpeg(i);
    bytes += jpeg.size();
    const std::string ref = photo_ref(jpeg);
    std::ofstream(photos / (ref + ".jpg"), std::ios::binary) << jpeg;
    TalkMessage m;
    m.group = kGroups[i % 4];
    m.message_id = "lw-bench-photo-" + std::to_string(i);
    m.sender = Sender{"s001", "職員001", std::nullopt};
    m.text = "写真 " + std::to_string(i + 1) + "枚目";
    m.source = TalkSource::lineworks;
    Attachment a;
    a.kind = AttachmentKind::image;
    m.attachments.push_back(a);
    Event message;
    message.at = base + std::chrono::minutes(i);
    message.received = message.at;
    message.origin = m.message_id;
    message.body = m;
    events.push_back(message);
    Event photo;
    photo.at = message.at + std::chrono::seconds(2);  // fetched and re-encoded just after
    photo.received = photo.at;
    photo.body = TalkPhoto{m.group, m.message_id, 0, ref, kWidth, kHeight};
    events.push_back(photo);
  }
  journal->append(events);
  std::printf("{\"photos\":%d,\"jpeg_bytes\":%llu,\"last_seq\":%lld}\n", count, bytes,
              static_cast<long long>(journal->last_seq()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 4 && std::atoi(argv[3]) > 0) return write(argv[1], argv[2], std::atoi(argv[3]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-photo-talk: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: %s DATA_DIR PHOTO_DIR COUNT\n", argv[0]);
  return 2;
}
