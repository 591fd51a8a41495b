-- Hands out up to ARGV[7] events: expired leases first (when a scan for
-- them is due), then new entries, after moving due retries back into the
-- stream. Counts each attempt, dead-letters events claimed too often, and
-- fences each claim with a new token.
-- KEYS[1] stream, KEYS[2] retries, KEYS[3] dead letters, KEYS[4] fencing
-- counter, KEYS[5] when the next scan for expired leases is due (ms).
-- ARGV[1] group, ARGV[2] consumer, ARGV[3] lease ms, ARGV[4] max attempts,
-- ARGV[5] event hash prefix, ARGV[6] note for an expired lease, ARGV[7]
-- how many events at most, ARGV[8] ms from a complete scan to the next.
-- Returns a list of {key, trigger, body, received_ms, attempts, token,
-- entry, lease_until}.
local stream, retries, dead, fence, scan_due = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local group, consumer = ARGV[1], ARGV[2]
local lease_ms, max_attempts = tonumber(ARGV[3]), tonumber(ARGV[4])
local wanted = math.max(tonumber(ARGV[7]) or 1, 1)
local now = now_ms()

for _, key in ipairs(redis.call('ZRANGEBYSCORE', retries, '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', retries, key)
  local entry = redis.call('XADD', stream, '*', 'key', key)
  redis.call('HSET', ARGV[5] .. key, 'state', 'waiting', 'entry', entry)
  redis.call('HDEL', ARGV[5] .. key, 'retry_ms')
end

-- Events to hand out, each {key, event hash, stored fields, attempts,
-- entry, expired}; tokens are drawn for all of them at the end.
local ready = {}
-- Entries dropped or dead-lettered on the way count against this too, so
-- one call does a bounded amount of work.
local budget = 32 + wanted

-- Takes one entry handed to this consumer: an event's current entry is
-- counted as an attempt; anything else (purged meanwhile) is dropped.
local function take(entry, fields, expired)
  budget = budget - 1
  local key
  if type(fields) == 'table' then
    for i = 1, #fields, 2 do
      if fields[i] == 'key' then key = fields[i + 1] end
    end
  end
  local event = ARGV[5] .. (key or '')
  local stored = key and redis.call('HMGET', event, 'entry', 'attempts', 'trigger', 'body', 'received_ms')
  if not stored or stored[1] ~= entry then
    redis.call('XACK', stream, group, entry)
    redis.call('XDEL', stream, entry)
    return
  end
  local attempts = (tonumber(stored[2]) or 0) + 1
  if attempts > max_attempts then
    if expired then
      redis.call('HSET', event, 'attempts', max_attempts, 'last_error', ARGV[6])
    else
      redis.call('HSET', event, 'attempts', max_attempts)
    end
    dead_letter(stream, dead, event, key, entry, now)
    return
  end
  ready[#ready + 1] = {key, event, stored, attempts, entry, expired}
end

-- Expired leases. Scanning the pending entries walks all of them, so it
-- runs only when due: a scan that finds fewer than it may take has seen
-- every expired lease, and the next one is due ARGV[8] ms later (no
-- longer than a lease), so a lease that expires meanwhile waits at most
-- that long for the next claim. With nothing in flight no lease can
-- expire before the next scan, and nothing is written: an idle poll
-- writes nothing (and, with `appendfsync always`, costs no fsync).
local due = tonumber(redis.call('GET', scan_due)) or 0
if now >= due then
  local expired = redis.call('XPENDING', stream, group, 'IDLE', lease_ms, '-', '+', wanted)
  if #expired < wanted and redis.call('XPENDING', stream, group)[1] > 0 then
    redis.call('SET', scan_due, now + tonumber(ARGV[8]))
  end
  if #expired > 0 then
    local entries = {}
    for i, pending in ipairs(expired) do
      entries[i] = pending[1]
    end
    -- Entries gone from the stream leave the pending list here, unclaimed.
    for _, claimed in ipairs(redis.call('XCLAIM', stream, group, consumer, lease_ms, unpack(entries))) do
      take(claimed[1], claimed[2], true)
    end
  end
end

-- New entries, as many at once as are still wanted.
while #ready < wanted and budget > 0 do
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', math.min(wanted - #ready, budget),
    'STREAMS', stream, '>')
  if not read then
    break
  end
  for _, entry in ipairs(read[1][2]) do
    take(entry[1], entry[2], false)
  end
end

local claimed = {}
if #ready > 0 then
  local last_token = redis.call('INCRBY', fence, #ready)
  local until_ms = now + lease_ms
  for i, event in ipairs(ready) do
    local key, hash, stored, attempts, entry = event[1], event[2], event[3], event[4], event[5]
    local token = last_token - #ready + i
    if event[6] then
      redis.call('HSET', hash, 'state', 'in_flight', 'token', token, 'lease_until', until_ms,
        'attempts', attempts, 'last_error', ARGV[6])
    else
      redis.call('HSET', hash, 'state', 'in_flight', 'token', token, 'lease_until', until_ms,
        'attempts', attempts)
    end
    claimed[i] = {key, stored[3], stored[4], stored[5], attempts, token, entry, until_ms}
  end
end
return claimed
