-- wrk script for bench/track.py: GET one application after another from a list of "number pin" lines.
-- args: <file> <mode>   mode "track" -> /api/v1/track/<no> with X-Tracking-PIN; "bare" -> /bench/bare/<no>
local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   items = {}
   for line in io.lines(args[1]) do
      local no, pin = line:match("^(%S+)%s+(%S+)$")
      if no then items[#items + 1] = {no, pin} end
   end
   mode = args[2]
   pos = (id * 7919) % #items
end

function request()
   pos = pos % #items + 1
   local item = items[pos]
   if mode == "bare" then
      return wrk.format("GET", "/bench/bare/" .. item[1])
   end
   return wrk.format("GET", "/api/v1/track/" .. item[1], {["X-Tracking-PIN"] = item[2]})
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "errors_status": %d, "errors_connect": %d, "errors_read": %d, ' ..
      '"errors_timeout": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, e.status, e.connect, e.read, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max))
end
