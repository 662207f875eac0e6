-- wrk: POST /v1/rollcalls/current/checkins — the roll call of a whole city answering at once.
-- Each request is one of the sample town's 120 staff (s001…s120, in turn per thread and
-- connection) answering the open drill roll call; a later answer of the same person replaces
-- the earlier one in the report, and every one is journaled.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
require "report"

local answers = { "safe", "minor_injury", "safe", "needs_help" }
local next_staff = 0
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer ingest-sample",
}

function init(args)
  next_staff = id * 37  -- threads start at different people
end

function request()
  next_staff = next_staff + 1
  local n = next_staff % 120 + 1
  local body = string.format(
    '{"staff":"s%03d","safety":"%s","can_work":"yes","location":"庁舎"}', n, answers[n % 4 + 1])
  return wrk.format("POST", "/v1/rollcalls/current/checkins", headers, body)
end
