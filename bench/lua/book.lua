-- POST bookings that never clash: request k of thread t books slot (k * threads + t), spread over the
-- spaces and hours given, each for a different resident at any one hour.
-- args: expected status, spaces (comma list), residents (comma list), first slot (epoch s), threads, offset
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "expect.lua")

local function list(text)
  local items = {}
  for item in text:gmatch("%d+") do table.insert(items, item) end
  return items
end

function init(args)
  expect(args[1])
  spaces, residents = list(args[2]), list(args[3])
  first, stride, n = tonumber(args[4]), tonumber(args[5]), tonumber(args[6]) + thread_number
  headers = with_defaults({["Content-Type"] = "application/json"})
end

local function iso(t) return os.date("!%Y-%m-%dT%H:%M:%SZ", t) end

function request()
  local k = n
  n = n + stride
  -- 23 one-hour slots a day: the halls close at 23:59, so 23:00-24:00 would be refused as outside the hours
  local slot = math.floor(k / #spaces)
  local start = first + math.floor(slot / 23) * 86400 + (slot % 23) * 3600
  local body = string.format('{"resource_id": %s, "resident_id": %s, "start": "%s", "end": "%s"}',
    spaces[k % #spaces + 1], residents[k % #residents + 1], iso(start), iso(start + 3600))
  return wrk.format("POST", "/api/v1/bookings", headers, body)
end
