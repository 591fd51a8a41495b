-- KEYS[1] stream, KEYS[2] event hash. ARGV[1..4] as in `held`, ARGV[5] lease ms.
if not held(KEYS[2]) then
  return -1
end
-- JUSTID: resets the idle time without counting a delivery.
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[4], 'JUSTID')
local until_ms = now_ms() + tonumber(ARGV[5])
redis.call('HSET', KEYS[2], 'lease_until', until_ms)
return until_ms
