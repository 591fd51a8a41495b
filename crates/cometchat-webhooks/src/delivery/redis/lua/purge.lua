-- Deletes dead letters dead-lettered at or before ARGV[2] ms ago (by the
-- server's clock), at most ARGV[3] of them.
-- KEYS[1] dead letters. ARGV[1] event hash prefix.
-- Returns {purged, dead letters looked at}.
local cutoff = now_ms() - tonumber(ARGV[2])
if cutoff < 0 then
  return {0, 0}
end
local count = 0
local entries = redis.call('XRANGE', KEYS[1], '-', tostring(cutoff), 'COUNT', ARGV[3])
for _, entry in ipairs(entries) do
  local event = ARGV[1] .. entry[2][2]
  local state = redis.call('HMGET', event, 'state', 'dead_id')
  if state[1] == 'dead' and state[2] == entry[1] then
    redis.call('DEL', event)
    count = count + 1
  end
  redis.call('XDEL', KEYS[1], entry[1])
end
return {count, #entries}
