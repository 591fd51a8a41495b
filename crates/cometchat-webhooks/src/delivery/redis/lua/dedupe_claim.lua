-- KEYS[1] dedupe marker, KEYS[2] fencing counter. ARGV[1] lease ms,
-- ARGV[2] dedupe window ms. The marker is 'done', or '<token>:<lease end ms>'
-- while held. A holder's marker outlives its lease by the window, so the
-- holder can still settle until another claim takes the key over, as on the
-- embedded engines. Returns {1, token} acquired, {2} done, {3} in flight.
local held = redis.call('GET', KEYS[1])
if held == 'done' then
  return {2}
end
local now = now_ms()
if held then
  local lease_end = tonumber(string.match(held, ':(%d+)$'))
  if lease_end and lease_end > now then
    return {3}
  end
end
local lease = tonumber(ARGV[1])
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. (now + lease), 'PX', lease + tonumber(ARGV[2]))
return {1, token}
