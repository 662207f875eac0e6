# 06-wall-memory's photo round, sourced by its run after the drill round: a 3840x2160 wall on a
# talk of PHOTO_COUNT photos. A fresh bcp-feedd opens a journal that bench-photo-talk wrote as
# the daemon's photo service leaves it (talk.message + talk.photo per photo, the JPEGs under
# attachments/<ref>.jpg). Until the daemon serves GET /v1/attachments/{ref} itself, a private
# nginx in front of it serves those files (display token checked, else 401) and passes
# everything else, the stream included, to the daemon; the wall connects to nginx.
# Sets PHOTO_* figures for the run's result.json and table.md.

photo_round() {
  local count=$1 tmp=$2 out=$3
  bench_need_cmd nginx
  bench_need_file "$BCP_BUILD/bench/bench-photo-talk"
  local dir="$tmp/photo-feedd" photos="$tmp/photo-feedd/data/attachments"
  mkdir -p "$dir/data"
  "$BCP_BUILD/bench/bench-photo-talk" "$dir/data" "$photos" "$count" >"$out/photo-talk.json" ||
    bench_die "bench-photo-talk could not write the photo talk"
  PHOTO_JPEG_KIB=$(($(jq .jpeg_bytes "$out/photo-talk.json") / 1024))
  bench_start_feedd "$dir"
  local seq
  seq=$(bench_feedd_seq)
  [ "$seq" -eq $((count * 2)) ] || bench_die "the photo daemon replayed seq $seq, not $((count * 2))"

  local prefix="$tmp/photo-nginx"
  mkdir -p "$prefix/tmp"
  # nginx's workers drop root for "nobody": they must be able to read the photos (mktemp -d
  # made the bench's temp dir for its owner only).
  chmod o+x "$tmp" "$dir" "$dir/data" && chmod o+rx "$photos" && chmod o+r "$photos"/*.jpg
  PHOTO_PROXY_PORT=$(bench_free_port)
  cat >"$prefix/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 256; }
http {
  access_log $prefix/access.log;
  client_body_temp_path $prefix/tmp;
  proxy_temp_path $prefix/tmp;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$PHOTO_PROXY_PORT;
    location ~ "^/v1/attachments/([0-9a-f]{32})\$" {
      if (\$http_authorization != "Bearer display-sample") { return 401; }
      default_type image/jpeg;
      alias $photos/\$1.jpg;
    }
    location / {
      proxy_pass http://127.0.0.1:$FEEDD_PORT;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout 3600s;
    }
  }
}
EOF
  nginx -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/error.log" &
  local nginx_pid=$!
  bench_on_exit "bench_stop_pid $nginx_pid"
  bench_wait_http "http://127.0.0.1:$PHOTO_PROXY_PORT/healthz" 20 ||
    { cat "$prefix/error.log" >&2; bench_die "nginx in front of the photo daemon did not start"; }
  # The stand-in refuses what the daemon will refuse: no token.
  local first
  first=$(ls "$photos" | head -1)
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PHOTO_PROXY_PORT/v1/attachments/${first%.jpg}")" = 401 ] ||
    bench_die "the photo stand-in served a photo without the display token"

  WALL_FEED_PORT=$PHOTO_PROXY_PORT wall_start 3840x2160 "$out/wall-4k-photos.trace" "$out/wall-4k-photos.log"
  PHOTO_PID=$WALL_PID
  wall_wait_shown "$PHOTO_PID" "$out/wall-4k-photos.trace" "$seq" 60
  # Settled: the wall asked for its photos and nothing new for 3 s (a photo on screen decodes
  # in well under a second), then past the glyph atlas rebuild.
  local served last=-1 stable=0 deadline=$((SECONDS + 60))
  while [ "$stable" -lt 30 ]; do
    served=$(grep -c ' /v1/attachments/' "$prefix/access.log" || true)
    if [ "$served" -gt 0 ] && [ "$served" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
    last=$served
    [ $SECONDS -lt $deadline ] || bench_die "the photo wall kept fetching for 60 s ($served requests)"
    kill -0 "$PHOTO_PID" 2>/dev/null || bench_die "the photo wall exited"
    sleep 0.1
  done
  sleep 2
  PHOTO_RSS=$(bench_rss_kib "$PHOTO_PID") PHOTO_HWM=$(bench_hwm_kib "$PHOTO_PID")
  PHOTO_SEQ=$seq
  PHOTO_REQUESTS=$(grep -c ' /v1/attachments/' "$prefix/access.log" || true)
  PHOTO_OK=$(grep ' /v1/attachments/' "$prefix/access.log" | grep -c '" 200 ' || true)
  PHOTO_DISTINCT=$(grep ' /v1/attachments/' "$prefix/access.log" | grep '" 200 ' |
    grep -o '/v1/attachments/[0-9a-f]*' | sort -u | wc -l || true)
  PHOTO_CACHE=$(grep -o 'photos [0-9]* textures.*' "$out/wall-4k-photos.log" | tail -1 || true)
  PHOTO_SERVED_BY="nginx (stand-in for the daemon's GET /v1/attachments/{ref}, display token checked) serving the JPEGs bench-photo-talk wrote; talk, snapshot and stream from a real bcp-feedd behind it"
}
