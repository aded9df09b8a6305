-- Shared by the scripts: keep the -H headers when a script makes its own requests, and count the answers whose
-- status is not the one the benchmark expects (wrk itself counts only those outside 2xx/3xx, so a redirect to
-- the sign-in page would pass unnoticed). The expected status is the script's first argument.
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function with_defaults(headers)
  local merged = {}
  for name, value in pairs(wrk.headers) do merged[name] = value end
  for name, value in pairs(headers or {}) do merged[name] = value end
  return merged
end

function expect(status_text)
  expected, wrong = tonumber(status_text), 0
end

function response(status, headers, body)
  if status ~= expected then
    wrong, last_wrong = wrong + 1, status
  end
end

function done(summary, latency, requests)
  local total, example = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("wrong")
    if thread:get("last_wrong") then example = " (e.g. " .. thread:get("last_wrong") .. ")" end
  end
  io.write(string.format("Unexpected status: %d%s\n", total, example))
end
