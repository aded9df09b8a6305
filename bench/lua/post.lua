-- The hello-world POST, the yardstick for POST /api/v1/bookings.
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "expect.lua")

function init(args)
  expect(args[1])
end

wrk.method = "POST"
wrk.body = '{"ok": true}'
wrk.headers["Content-Type"] = "application/json"
