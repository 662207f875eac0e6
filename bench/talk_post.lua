-- wrk script: POST /v1/talk with the sample town's ingest token; records non-2xx answers.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ingest-sample"
wrk.body = '{"group":"hq","sender":{"id":"s001","name":"本部"},"text":"ベンチマーク投稿 庁舎点検"}'

local non2xx = 0
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d non2xx_errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
