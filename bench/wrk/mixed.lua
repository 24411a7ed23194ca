-- Figure 5: DeathStarBench's social-network mix over chirp's HTTP API:
-- 60% home-timeline reads, 30% user-timeline reads, 10% posts, users Zipf-skewed.
-- Reads "id token" lines from $CHIRP_TOKENS (most active user first).
local users = {}
local cdf = {}

function init(args)
  for line in io.lines(os.getenv("CHIRP_TOKENS")) do
    local id, token = line:match("^(%S+) (%S+)$")
    if id then users[#users + 1] = {id = id, token = token} end
  end
  local sum = 0
  for i = 1, #users do
    sum = sum + 1 / i
    cdf[i] = sum
  end
  for i = 1, #users do cdf[i] = cdf[i] / sum end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

local function zipf_user()
  local u = math.random()
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return users[lo]
end

local counter = 0

function request()
  local user = zipf_user()
  local headers = {["Authorization"] = "Bearer " .. user.token}
  local op = math.random()
  if op < 0.6 then
    return wrk.format("GET", "/users/" .. user.id .. "/timeline", headers)
  elseif op < 0.9 then
    return wrk.format("GET", "/users/" .. zipf_user().id .. "/tweets", headers)
  end
  counter = counter + 1
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/tweets", headers,
                    '{"text":"benchmark tweet ' .. counter .. ' from wrk"}')
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("mixed-errors %d\n", errors))
end
