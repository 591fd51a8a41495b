-- KEYS[1] dedupe marker. ARGV[1] token, ARGV[2] 'complete' or 'release',
-- ARGV[3] dedupe window ms. Returns 1, or 0 when the token does not hold it
-- (settled already, or taken over by a later claim).
local held = redis.call('GET', KEYS[1])
if not held or string.match(held, '^(%d+):') ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'complete' then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 1
