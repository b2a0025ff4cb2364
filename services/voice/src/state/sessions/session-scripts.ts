import { RedisScript } from '../../redis/redis-script';

/*
 * Ownership lives in one hash (callSid -> taskId) next to the lease ZSET (callSid scored by lease
 * expiry in epoch ms). Every key of the session store carries the same hash tag, so these
 * multi-key scripts also run on a clustered Redis.
 */

/** KEYS: session, leases, owners. ARGV: json, sessionTtlMs, leaseExpiryMs, callSid, taskId. */
export const createSessionScript = new RedisScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
return 1
`);

/**
 * KEYS: session, owners. ARGV: json, sessionTtlMs, callSid, taskId.
 * Returns 1 when written, 0 when another task owns the call or it no longer exists (a zombie
 * task must not overwrite the state of a call the reaper took over).
 */
export const saveSessionScript = new RedisScript(`
local owner = redis.call('HGET', KEYS[2], ARGV[3])
if owner ~= ARGV[4] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/**
 * KEYS: leases, owners, session1..n. ARGV: taskId, leaseExpiryMs, sessionTtlMs, callSid1..n.
 * Renews only the leases the task still owns; returns how many.
 */
export const renewLeasesScript = new RedisScript(`
local renewed = 0
for i = 4, #ARGV do
  local callSid = ARGV[i]
  if redis.call('HGET', KEYS[2], callSid) == ARGV[1] then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[2], callSid)
    redis.call('PEXPIRE', KEYS[i - 1], ARGV[3])
    renewed = renewed + 1
  end
end
return renewed
`);

/**
 * KEYS: leases, owners, session. ARGV: callSid, taskId, nowMs, newLeaseExpiryMs.
 * Takes the call only if its lease has expired, in one step, so two reapers never both win.
 */
export const claimSessionScript = new RedisScript(`
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) > tonumber(ARGV[3]) then return 0 end
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
`);
