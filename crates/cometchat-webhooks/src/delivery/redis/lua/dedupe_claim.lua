-- KEYS[1] dedupe marker, KEYS[2] fencing counter. ARGV[1] lease ms.
-- Returns {1, token} acquired, {2} done, {3} in flight.
local held = redis.call('GET', KEYS[1])
if not held then
  local token = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
  return {1, token}
end
if held == 'done' then
  return {2}
end
return {3}
