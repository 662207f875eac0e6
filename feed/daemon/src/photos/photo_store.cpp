// See photo_store.hpp. Plain POSIX calls: fsync of the file and of the folder is what makes
// the rename durable.
#include "photos/photo_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bcp/common/hmac.hpp"
#include "bcp/model/events.hpp"

namespace bcp::daemon {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::strerror(errno));
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(path, "cannot write");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void fsync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(folder, "cannot open the folder");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail(folder, "cannot sync the folder");
}

}  // namespace

PhotoStore::PhotoStore(std::filesystem::path data_dir)
    : folder_(std::move(data_dir) / "attachments") {}

std::string PhotoStore::ref_of(std::string_view jpeg) {
  return common::sha256_hex(jpeg).substr(0, 32);
}

std::string PhotoStore::keep(std::string_view jpeg) const {
  const std::string ref = ref_of(jpeg);
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) throw std::runtime_error(folder_.string() + ": cannot create: " + ec.message());
  const std::filesystem::path target = folder_ / (ref + ".jpg");
  if (std::filesystem::exists(target, ec)) return ref;
  const std::filesystem::path temporary = folder_ / (".incoming-" + ref);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) fail(temporary, "cannot create");
  try {
    write_all(fd, jpeg, temporary);
    if (::fsync(fd) != 0) fail(temporary, "cannot sync");
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    fail(target, "cannot rename into place");
  }
  fsync_folder(folder_);
  return ref;
}

std::optional<std::string> PhotoStore::read(std::string_view ref) const {
  if (!model::is_photo_ref(ref)) return std::nullopt;
  std::ifstream in(folder_ / (std::string(ref) + ".jpg"), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return std::move(bytes).str();
}

}  // namespace bcp::daemon
