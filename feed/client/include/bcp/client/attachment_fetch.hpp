// The wall's fetch of one talk photo: GET /v1/attachments/{ref} with the display token.
// Blocking with a deadline and a size cap, on the caller's thread: bcp-wall runs it on its
// photo workers (display/src/photo_loader.cpp), never on the UI thread. Asio stays inside
// the implementation, so display/ never sees it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace bcp::client {

// What a ref looks like (docs/protocol.md): 32 lowercase hex characters. Anything else is
// never sent, so a hostile or broken ref cannot make the wall ask for another path.
bool is_attachment_ref(std::string_view ref);

struct AttachmentFetch {
  int status = 0;    // the daemon's answer; 0 when none came (see error)
  std::string body;  // the image's bytes when status is 200
  std::string content_type;
  std::string error;  // why there are no bytes, in a line
  bool ok() const { return status == 200 && error.empty(); }
};

AttachmentFetch fetch_attachment(const std::string& host, const std::string& port,
                                 const std::string& display_token, std::string_view ref,
                                 std::size_t max_bytes, std::chrono::milliseconds timeout);

}  // namespace bcp::client
