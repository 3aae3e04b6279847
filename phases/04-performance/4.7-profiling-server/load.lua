-- load.lua - the request mix wrk sends to the metrics server (load.sh,
-- measure.sh): URL and JSON updates, a batch, reads by URL and JSON, a
-- gzip'd read, and now and then the HTML page. Every request is one that
-- succeeds once serverctl.sh's seed has run, so a non-2xx answer is a bug.
--
--   wrk -t1 -c64 -d30s --latency -s load.lua http://127.0.0.1:8080/
--
-- The requests are formatted once in init(): request() only hands out the
-- next one, so wrk spends its time on the network, not in Lua.

local reqs = {}

function init(args)
  local json = { ["Content-Type"] = "application/json" }
  local gzip = { ["Accept-Encoding"] = "gzip" }
  local add = function(...) reqs[#reqs + 1] = wrk.format(...) end
  for i = 1, 3 do
    add("POST", "/update/counter/requests/1")
    add("POST", "/update/gauge/load/0." .. i)
    add("GET", "/value/counter/requests")
    add("POST", "/update", json,
        '{"id":"cpu","type":"gauge","value":0.' .. i .. '5}')
    add("POST", "/value", json, '{"id":"requests","type":"counter"}')
    add("GET", "/value/gauge/load")
  end
  add("POST", "/updates", json,
      '[{"id":"a","type":"counter","delta":1},' ..
      '{"id":"b","type":"gauge","value":2.5},' ..
      '{"id":"c","type":"counter","delta":3}]')
  add("GET", "/value/gauge/cpu", gzip)
  add("GET", "/")
end

local i = 0
function request()
  i = i % #reqs + 1
  return reqs[i]
end

-- One JSON line after wrk's own report, for scripts: req/s, latency
-- percentiles in microseconds, and every kind of error. errors.status
-- counts answers with a status of 400 or more.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status))
end
