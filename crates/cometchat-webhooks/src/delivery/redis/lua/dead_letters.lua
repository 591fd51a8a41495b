-- KEYS[1] dead letters. ARGV[1] event hash prefix, ARGV[2] limit.
local letters = {}
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[2])) do
  local key = entry[2][2]
  local stored = redis.call('HMGET', ARGV[1] .. key, 'trigger', 'attempts', 'last_error',
    'received_ms', 'dead_ms', 'state')
  if stored[6] == 'dead' then
    table.insert(letters, {key, stored[1], stored[2], stored[3], stored[4], stored[5]})
  end
end
return letters
