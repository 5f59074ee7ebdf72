-- One page under load for `make bench`'s back-to-back pass, with wrk (a C load generator, so
-- that the server, not the generator, is what runs out of CPU). bench/run.py passes the
-- session cookie or API token as a header. Anything but a 200 is a failure: a page that
-- redirected to the sign-in page would otherwise count as fast.
--
-- The paced pass does not use wrk: its delay() holds a connection open, idle, before the
-- request, and a sync gunicorn worker that has accepted it waits for it, so pacing would
-- starve the server of workers (nginx in front of gunicorn buffers requests in production).
--
-- At the end it prints one line, "BENCH_JSON {...}", which bench/run.py reads.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failures = 0
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  local errors = summary.errors
  failed = failed + errors.connect + errors.read + errors.write + errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "failures": %d, "seconds": %.3f, "p50_us": %d, '
      .. '"p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, failed, seconds, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max
  ))
end
