-- Acks several leases in one call: each is fenced on its own, like ack.
-- KEYS[1] stream, KEYS[2..n] event hashes. ARGV[1] group, ARGV[2]
-- consumer, then per event hash its token and entry id.
-- Returns 1 (acked) or 0 (stale) per event hash, in order.
local acked = {}
for i = 2, #KEYS do
  -- `held` reads the token and entry from ARGV[3] and ARGV[4].
  ARGV[3], ARGV[4] = ARGV[2 * i - 1], ARGV[2 * i]
  if held(KEYS[1], KEYS[i]) then
    redis.call('XACK', KEYS[1], ARGV[1], ARGV[4])
    redis.call('XDEL', KEYS[1], ARGV[4])
    redis.call('DEL', KEYS[i])
    acked[#acked + 1] = 1
  else
    acked[#acked + 1] = 0
  end
end
return acked
