-- wrk script: every request is the same OpenAI POST, body read from request.json beside this file (a chat completion)
-- or from the file BENCH_BODY names when it is set and not empty (compare.sh's responses-request.json).
-- Extra headers (e.g. Portkey's x-portkey-config) are passed by run.sh with wrk -H.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local path = os.getenv("BENCH_BODY")
if path == nil or path == "" then path = dir .. "request.json" end
local file = assert(io.open(path, "rb"))
local body = file:read("*a"):gsub("%s+$", "")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
