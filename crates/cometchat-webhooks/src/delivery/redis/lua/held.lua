-- Whether the caller still holds the lease: the event's fencing token and
-- stream entry are the caller's, and the consumer group's pending entry
-- belongs to the caller's consumer (XACK alone checks neither).
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] token, ARGV[4] entry id.
local function held(stream, event)
  local state = redis.call('HMGET', event, 'state', 'token', 'entry')
  if state[1] ~= 'in_flight' or state[2] ~= ARGV[3] or state[3] ~= ARGV[4] then
    return false
  end
  local pending = redis.call('XPENDING', stream, ARGV[1], ARGV[4], ARGV[4], 1)
  return #pending == 1 and pending[1][2] == ARGV[2]
end

local function dead_letter(stream, dead, event, key, entry, now)
  if entry then
    redis.call('XACK', stream, ARGV[1], entry)
    redis.call('XDEL', stream, entry)
  end
  local dead_id = redis.call('XADD', dead, '*', 'key', key)
  redis.call('HSET', event, 'state', 'dead', 'dead_id', dead_id, 'dead_ms', now)
  redis.call('HDEL', event, 'token', 'entry', 'lease_until', 'retry_ms')
end
