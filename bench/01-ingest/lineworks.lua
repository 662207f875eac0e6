-- wrk: POST /callback/lineworks with pre-signed distinct bodies (bench-lw-bodies), one file
-- per wrk thread: $LW_BODIES.<thread id>. Running out wraps around and counts each repeat
-- in `replayed` (the daemon answers a replay 200 and drops it, so it is not journaled).
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/?.lua"
require "report"

local sigs, bodies, next_i, replaying = {}, {}, 1, false
replayed = 0

function init(args)
  local f = assert(io.open(os.getenv("LW_BODIES") .. "." .. id, "r"))
  for line in f:lines() do
    local tab = line:find("\t", 1, true)
    sigs[#sigs + 1] = line:sub(1, tab - 1)
    bodies[#bodies + 1] = line:sub(tab + 1)
  end
  f:close()
end

function request()
  if next_i > #bodies then next_i, replaying = 1, true end
  if replaying then replayed = replayed + 1 end
  local i = next_i
  next_i = next_i + 1
  return wrk.format("POST", "/callback/lineworks", {
    ["Content-Type"] = "application/json",
    ["X-WORKS-BotId"] = "2000001",
    ["X-WORKS-Signature"] = sigs[i],
  }, bodies[i])
end
