-- Dedupe, backlog bound and append in one step.
-- KEYS[1] stream, KEYS[2] retries, KEYS[3] event hash, KEYS[4] seen marker.
-- ARGV[1] key, ARGV[2] trigger, ARGV[3] body, ARGV[4] received_ms,
-- ARGV[5] backlog limit, ARGV[6] dedupe window ms.
if redis.call('EXISTS', KEYS[3], KEYS[4]) > 0 then
  return 'duplicate'
end
local live = redis.call('XLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2])
if live >= tonumber(ARGV[5]) then
  return 'backlog_full'
end
local entry = redis.call('XADD', KEYS[1], '*', 'key', ARGV[1])
redis.call('HSET', KEYS[3], 'trigger', ARGV[2], 'body', ARGV[3], 'received_ms', ARGV[4],
  'attempts', 0, 'state', 'waiting', 'entry', entry)
redis.call('SET', KEYS[4], 1, 'PX', ARGV[6])
return 'stored'
