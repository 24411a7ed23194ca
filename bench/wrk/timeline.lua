-- Figure 4: GET the home timeline of one user, keep-alive, with its token.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CHIRP_TOKEN")

-- Errors (a non-2xx answer counts) make the figure meaningless: bench/run checks this.
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("timeline-errors %d\n", errors))
end
