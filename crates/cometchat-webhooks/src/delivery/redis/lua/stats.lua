-- KEYS[1] stream, KEYS[2] retries, KEYS[3] dead letters. ARGV[1] group.
local pending = redis.call('XPENDING', KEYS[1], ARGV[1])[1]
return {redis.call('XLEN', KEYS[1]), pending, redis.call('ZCARD', KEYS[2]), redis.call('XLEN', KEYS[3])}
