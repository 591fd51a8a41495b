-- Puts dead letters back in the stream with fresh attempts.
-- KEYS[1] stream, KEYS[2] dead letters. ARGV[1] event hash prefix,
-- ARGV[2] one key, or '' for the oldest ARGV[3] dead letters.
-- Returns {redriven, dead letters looked at}.
local function redrive(key, dead_id)
  local event = ARGV[1] .. key
  local state = redis.call('HMGET', event, 'state', 'dead_id')
  if state[1] ~= 'dead' or (dead_id and state[2] ~= dead_id) then
    return 0
  end
  redis.call('XDEL', KEYS[2], state[2])
  local entry = redis.call('XADD', KEYS[1], '*', 'key', key)
  redis.call('HSET', event, 'state', 'waiting', 'attempts', 0, 'entry', entry)
  redis.call('HDEL', event, 'dead_id', 'dead_ms')
  return 1
end
if ARGV[2] ~= '' then
  return {redrive(ARGV[2], nil), 1}
end
local count = 0
local entries = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', ARGV[3])
for _, entry in ipairs(entries) do
  local redriven = redrive(entry[2][2], entry[1])
  if redriven == 0 then
    redis.call('XDEL', KEYS[2], entry[1])
  end
  count = count + redriven
end
return {count, #entries}
