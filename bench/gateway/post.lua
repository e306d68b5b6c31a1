-- wrk script: every request is the same OpenAI chat completion POST, body read from request.json beside this file.
-- Extra headers (e.g. Portkey's x-portkey-config) are passed by run.sh with wrk -H.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local file = assert(io.open(os.getenv("BENCH_BODY") or (dir .. "request.json"), "rb"))
local body = file:read("*a"):gsub("%s+$", "")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
