-- KEYS[1] stream, KEYS[2] event hash. ARGV[1..4] as in `held`.
if not held(KEYS[2]) then
  return 0
end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[4])
redis.call('XDEL', KEYS[1], ARGV[4])
redis.call('DEL', KEYS[2])
return 1
