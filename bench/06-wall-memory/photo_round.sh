# 06-wall-memory's photo round, sourced by its run after the drill round: a 3840x2160 wall on a
# talk of PHOTO_COUNT photos. A fresh bcp-feedd opens a journal that bench-photo-talk wrote as
# the daemon's photo service leaves it (talk.message + talk.photo per photo, the JPEGs under
# attachments/<ref>.jpg) and serves the photos itself (GET /v1/attachments/{ref}); its
# bcp_photo_answers_total counts what the wall asked.
# Sets PHOTO_* figures for the run's result.json and table.md.

# photo_answers STATUS: the daemon's count of GET /v1/attachments answers with that status.
photo_answers() {
  curl -sf "$FEEDD_URL/metrics" |
    awk -v s="bcp_photo_answers_total{status=\"$1\"}" '$1 == s { print $2; found = 1 } END { if (!found) print -1 }'
}

photo_round() {
  local count=$1 tmp=$2 out=$3
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
  # The daemon refuses what a wall without its token asks.
  local first
  first=$(ls "$photos" | head -1)
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$FEEDD_URL/v1/attachments/${first%.jpg}")" = 401 ] ||
    bench_die "the daemon served a photo without the display token"

  wall_start 3840x2160 "$out/wall-4k-photos.trace" "$out/wall-4k-photos.log"
  PHOTO_PID=$WALL_PID
  wall_wait_shown "$PHOTO_PID" "$out/wall-4k-photos.trace" "$seq" 60
  # Settled: the wall asked for its photos and nothing new for 3 s (a photo on screen decodes
  # in well under a second), then past the glyph atlas rebuild.
  local served last=-1 stable=0 deadline=$((SECONDS + 60))
  while [ "$stable" -lt 30 ]; do
    served=$(($(photo_answers 200) + $(photo_answers 304) + $(photo_answers 404)))
    if [ "$served" -gt 0 ] && [ "$served" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
    last=$served
    [ $SECONDS -lt $deadline ] || bench_die "the photo wall kept fetching for 60 s ($served requests)"
    kill -0 "$PHOTO_PID" 2>/dev/null || bench_die "the photo wall exited"
    sleep 0.1
  done
  sleep 2
  PHOTO_RSS=$(bench_rss_kib "$PHOTO_PID") PHOTO_HWM=$(bench_hwm_kib "$PHOTO_PID")
  PHOTO_SEQ=$seq
  PHOTO_OK=$(photo_answers 200)
  PHOTO_REQUESTS=$((PHOTO_OK + $(photo_answers 304) + $(photo_answers 404)))
  PHOTO_CACHE=$(grep -o 'photos [0-9]* textures.*' "$out/wall-4k-photos.log" | tail -1 || true)
  PHOTO_SERVED_BY="the bcp-feedd that replayed the talk (GET /v1/attachments/{ref}, display token)"
}
