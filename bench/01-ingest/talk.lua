-- wrk: POST /v1/talk with the sample town's ingest token (also used against nginx).
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
require "report"
wrk.method = "POST"
wrk.path = "/v1/talk"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ingest-sample"
wrk.body = '{"group":"hq","sender":{"id":"s001","name":"本部"},"text":"ベンチマーク投稿 庁舎点検"}'
