-- GET a list of paths in turn, one file line each: "PATH" or "PATH<TAB>ETAG" (sent as If-None-Match).
-- args: expected status, the file. Each thread starts at its own place so that the threads do not poll in step.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "expect.lua")

function init(args)
  expect(args[1])
  requests = {}
  for line in io.lines(args[2]) do
    local path, etag = line:match("^([^\t]+)\t?(.*)$")
    local headers = {}
    if etag ~= "" then headers["If-None-Match"] = etag end
    table.insert(requests, wrk.format("GET", path, with_defaults(headers)))
  end
  next_one = (thread_number * 7919) % #requests
end

function request()
  next_one = next_one % #requests + 1
  return requests[next_one]
end
