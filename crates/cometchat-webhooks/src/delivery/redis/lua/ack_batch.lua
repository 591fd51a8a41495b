-- Acks several leases in one call: each is fenced on its own, like ack,
-- and the held ones leave the stream and the store together.
-- KEYS[1] stream, KEYS[2..n] event hashes. ARGV[1] group, ARGV[2]
-- consumer, then per event hash its token and entry id.
-- Returns 1 (acked) or 0 (stale) per event hash, in order.
local acked, entries, events, taken = {}, {}, {}, {}
for i = 2, #KEYS do
  -- `held` reads the token and entry from ARGV[3] and ARGV[4].
  ARGV[3], ARGV[4] = ARGV[2 * i - 1], ARGV[2 * i]
  -- A lease listed twice is acked once: the second is stale, as if acked
  -- by a call of its own.
  if not taken[ARGV[4]] and held(KEYS[i]) then
    taken[ARGV[4]] = true
    entries[#entries + 1] = ARGV[4]
    events[#events + 1] = KEYS[i]
    acked[i - 1] = 1
  else
    acked[i - 1] = 0
  end
end
if #entries > 0 then
  redis.call('XACK', KEYS[1], ARGV[1], unpack(entries))
  redis.call('XDEL', KEYS[1], unpack(entries))
  redis.call('DEL', unpack(events))
end
return acked
