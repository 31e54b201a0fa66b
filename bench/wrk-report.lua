-- wrk script of bench/run.sh: counts every response that is not 200 (a redirect to the login page is an error
-- here, though wrk itself only counts statuses ≥ 400) and prints one machine-readable line at the end:
--   BENCH <req/s> <p50 ms> <p95 ms> <errors> <requests>
-- errors = responses other than 200 + connect, read, write and timeout errors.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("not_ok") or 0) end
  local e = summary.errors
  local errors = bad + e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("BENCH %.1f %.1f %.1f %d %d\n", summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, errors, summary.requests))
end
