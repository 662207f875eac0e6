-- Shared by the wrk scripts of 01-ingest: counts 2xx / other answers per thread and prints
-- one JSON line at the end (latencies in ms, from wrk's own histogram).
threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

ok2xx, other = 0, 0
function response(status, headers, body)
  if status >= 200 and status < 300 then ok2xx = ok2xx + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local ok, bad, replayed = 0, 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("ok2xx")
    bad = bad + t:get("other")
    replayed = replayed + (t:get("replayed") or 0)
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"ok2xx":%d,"other_status":%d,' ..
    '"socket_errors":%d,"replayed":%d,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, secs, summary.requests / secs, ok, bad,
    e.connect + e.read + e.write + e.timeout, replayed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
