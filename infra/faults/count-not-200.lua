-- wrk script: counts answers other than 200 (wrk itself counts only 4xx/5xx, not a 302 back to the login page)
-- and prints "not-200: N" at the end.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("not-200: %d\n", total))
end
