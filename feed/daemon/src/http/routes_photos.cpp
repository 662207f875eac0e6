// GET /v1/attachments/{ref}: a kept talk photo (photos/photo_store.hpp), for the walls and the
// operator. Threads: the I/O thread. The file is read here, not on a thread of its own: a
// re-encoded photo is at most 1920 px on its long side (a few hundred kB, from the page cache
// after the first wall asked), and a wall asks once per photo and caches it.
#include "http/routes.hpp"
#include "photos/photo_store.hpp"

namespace bcp::daemon {

void route_attachment(RequestContext& ctx, std::string_view ref) {
  const bool keep_alive = ctx.req.keep_alive();
  const unsigned version = ctx.req.version();
  // Only the ref's own shape can name a file: anything else, "..", a path, is no photo here.
  std::optional<std::string> bytes = PhotoStore(ctx.core.options.data_dir).read(ref);
  if (!bytes) {
    ++ctx.core.metrics.photos_not_found;
    return ctx.respond(
        error_response(http::status::not_found, "no such photo", version, keep_alive));
  }
  // Content-addressed: the same ref is the same bytes for ever, so a wall may keep it.
  const std::string etag = "\"" + std::string(ref) + "\"";
  Response res{http::status::ok, version};
  res.keep_alive(keep_alive);
  res.set(http::field::cache_control, "private, max-age=31536000, immutable");
  res.set(http::field::etag, etag);
  if (ctx.req[http::field::if_none_match] == etag) {
    res.result(http::status::not_modified);
    ++ctx.core.metrics.photos_not_modified;
    return ctx.respond(std::move(res));
  }
  res.set(http::field::content_type, "image/jpeg");
  res.body() = std::move(*bytes);
  res.prepare_payload();
  ++ctx.core.metrics.photos_served;
  ctx.respond(std::move(res));
}

}  // namespace bcp::daemon
