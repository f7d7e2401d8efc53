-- wrk script for bench/track.py: GET one application after another from a list of "number pin cookie" lines.
-- args: <file> <mode> [first last]
--   mode "track" -> /api/v1/track/<no> with X-Tracking-PIN; "page" -> /lacak/<no>/ with the browser's grant
--   cookie (what the PIN form's POST sets); "bare" -> /bench/bare/<no>.
--   With first/last (1-based lines), each wrk thread walks its own share of those lines once, in order:
--   every request is then a first look (a cache miss); a thread that runs out starts again, and the
--   number of such wraps is reported (then some requests were repeats).
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
      local no, pin, cookie = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
      if no then items[#items + 1] = {no, pin, cookie} end
   end
   mode = args[2]
   wrapped = 0
   once = args[3] ~= nil
   if once then
      local first, last = tonumber(args[3]), tonumber(args[4])
      local nthreads = tonumber(args[5] or "2")
      lo = first + math.floor((last - first + 1) * (id - 1) / nthreads)
      hi = first + math.floor((last - first + 1) * id / nthreads) - 1
      pos = lo - 1
   else
      lo, hi = 1, #items
      pos = (id * 7919) % #items
   end
end

function request()
   pos = pos + 1
   if pos > hi then
      pos = lo
      if once then wrapped = wrapped + 1 end
   end
   local item = items[pos]
   if mode == "bare" then
      return wrk.format("GET", "/bench/bare/" .. item[1])
   elseif mode == "page" then
      return wrk.format("GET", "/lacak/" .. item[1] .. "/", {["Cookie"] = "smart_lacak=" .. item[3]})
   end
   return wrk.format("GET", "/api/v1/track/" .. item[1], {["X-Tracking-PIN"] = item[2]})
end

function done(summary, latency, requests)
   local e = summary.errors
   local wrapped = 0
   for _, t in ipairs(threads) do wrapped = wrapped + (t:get("wrapped") or 0) end
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "errors_status": %d, "errors_connect": %d, "errors_read": %d, ' ..
      '"errors_timeout": %d, "p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"wrapped": %d}\n',
      summary.requests, summary.duration, e.status, e.connect, e.read, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max, wrapped))
end
