-- Hands out up to ARGV[7] events, each the next one: an expired lease
-- (XAUTOCLAIM), else a new entry (XREADGROUP), after moving due retries
-- back into the stream. Counts each attempt, dead-letters events claimed
-- too often, and fences each claim with a new token.
-- KEYS[1] stream, KEYS[2] retries, KEYS[3] dead letters, KEYS[4] fencing
-- counter, KEYS[5] XAUTOCLAIM cursor.
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] lease ms, ARGV[4] max attempts,
-- ARGV[5] event hash prefix, ARGV[6] note for an expired lease, ARGV[7]
-- how many events at most.
-- Returns a list of {key, trigger, body, received_ms, attempts, token,
-- entry, lease_until}.
local stream, retries, dead, fence, cursor = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local lease_ms, max_attempts = tonumber(ARGV[3]), tonumber(ARGV[4])
local wanted = math.max(tonumber(ARGV[7]) or 1, 1)
local claimed = {}
local now = now_ms()

for _, key in ipairs(redis.call('ZRANGEBYSCORE', retries, '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', retries, key)
  local entry = redis.call('XADD', stream, '*', 'key', key)
  redis.call('HSET', ARGV[5] .. key, 'state', 'waiting', 'entry', entry)
  redis.call('HDEL', ARGV[5] .. key, 'retry_ms')
end

-- Entries dropped or dead-lettered on the way count against the loop too,
-- so one call does a bounded amount of work.
for _ = 1, 32 + wanted do
  if #claimed >= wanted then
    break
  end
  local entry, fields, expired
  local start = redis.call('GET', cursor) or '0-0'
  local reclaimed = redis.call('XAUTOCLAIM', stream, ARGV[1], ARGV[2], lease_ms, start, 'COUNT', 1)
  -- Unchanged cursors are not written: an idle poll then writes nothing
  -- (and, with `appendfsync always`, costs no fsync).
  if reclaimed[1] ~= start then
    redis.call('SET', cursor, reclaimed[1])
  end
  if #reclaimed[2] > 0 then
    entry, fields, expired = reclaimed[2][1][1], reclaimed[2][1][2], true
  else
    local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', 1, 'STREAMS', stream, '>')
    if not read then
      break
    end
    entry, fields, expired = read[1][2][1][1], read[1][2][1][2], false
  end
  local key
  for i = 1, #fields, 2 do
    if fields[i] == 'key' then key = fields[i + 1] end
  end
  local event = ARGV[5] .. (key or '')
  if not key or redis.call('HGET', event, 'entry') ~= entry then
    -- Not an event's current entry (purged meanwhile): drop it.
    redis.call('XACK', stream, ARGV[1], entry)
    redis.call('XDEL', stream, entry)
  else
    local attempts = redis.call('HINCRBY', event, 'attempts', 1)
    if expired then
      redis.call('HSET', event, 'last_error', ARGV[6])
    end
    if attempts > max_attempts then
      redis.call('HSET', event, 'attempts', max_attempts)
      dead_letter(stream, dead, event, key, entry, now)
    else
      local token = redis.call('INCR', fence)
      local until_ms = now + lease_ms
      redis.call('HSET', event, 'state', 'in_flight', 'token', token, 'lease_until', until_ms)
      local stored = redis.call('HMGET', event, 'trigger', 'body', 'received_ms')
      claimed[#claimed + 1] = {key, stored[1], stored[2], stored[3], attempts, token, entry, until_ms}
    end
  end
end
return claimed
