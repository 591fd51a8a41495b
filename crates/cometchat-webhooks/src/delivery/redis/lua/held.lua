-- Whether the caller still holds the lease: the event is in flight under
-- the caller's fencing token and stream entry (XACK alone checks neither).
-- Every claim, a takeover of an expired lease (XCLAIM in claim.lua)
-- included, draws a new token in the same script that moves the entry, so
-- a matching token also means no other consumer took the entry since; the
-- consumer group's pending list need not be asked.
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] token, ARGV[4] entry id.
local function held(event)
  local state = redis.call('HMGET', event, 'state', 'token', 'entry')
  return state[1] == 'in_flight' and state[2] == ARGV[3] and state[3] == ARGV[4]
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
