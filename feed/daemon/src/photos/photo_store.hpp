// The folder of kept talk photos, <data dir>/attachments/<ref>.jpg, content-addressed: a ref is
// the first 16 bytes of the SHA-256 of the re-encoded JPEG, in lowercase hex (model::is_photo_ref),
// so a name says nothing of the photo and the same photo is kept once.
// No state but the path: `keep` runs on the photo worker thread, `read` on the I/O thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bcp::daemon {

class PhotoStore {
 public:
  explicit PhotoStore(std::filesystem::path data_dir);

  static std::string ref_of(std::string_view jpeg);

  // Writes `jpeg` under its ref atomically (a temporary file, fsync, rename, fsync of the
  // folder): after a crash the file is whole or absent. A file already there is kept as it is.
  // Returns the ref; throws std::runtime_error naming the path and the system's reason.
  std::string keep(std::string_view jpeg) const;

  // The bytes of a kept photo; nullopt for a ref of the wrong shape (nothing outside the
  // folder can be named) or one not kept.
  std::optional<std::string> read(std::string_view ref) const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  std::filesystem::path folder_;
};

}  // namespace bcp::daemon
