-- KEYS[1] stream, KEYS[2] event hash, KEYS[3] retries, KEYS[4] dead letters.
-- ARGV[1..4] as in `held`, ARGV[5] error, ARGV[6] retry in ms,
-- ARGV[7] max attempts, ARGV[8] key.
-- Returns {0} stale, {1, retry_ms} scheduled, {2} dead-lettered.
if not held(KEYS[2]) then
  return {0}
end
local now = now_ms()
redis.call('HSET', KEYS[2], 'last_error', ARGV[5])
local attempts = tonumber(redis.call('HGET', KEYS[2], 'attempts'))
if attempts >= tonumber(ARGV[7]) then
  dead_letter(KEYS[1], KEYS[4], KEYS[2], ARGV[8], ARGV[4], now)
  return {2}
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[4])
redis.call('XDEL', KEYS[1], ARGV[4])
local retry_ms = now + tonumber(ARGV[6])
redis.call('ZADD', KEYS[3], retry_ms, ARGV[8])
redis.call('HSET', KEYS[2], 'state', 'scheduled', 'retry_ms', retry_ms)
redis.call('HDEL', KEYS[2], 'token', 'entry', 'lease_until')
return {1, retry_ms}
