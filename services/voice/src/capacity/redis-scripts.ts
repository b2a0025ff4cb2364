import type Redis from 'ioredis';
import { z } from 'zod';
import { RedisScript } from '../redis/redis-script';

/**
 * The Lua side of the distributed semaphore. Every state change runs as one script, so counting,
 * queue order and grants are atomic across tasks. Time comes from the Redis server (TIME), never
 * from a task's clock, so tasks with skewed clocks still agree on which lease has expired.
 *
 * Keys (one hash tag, so a Redis Cluster keeps them in one slot):
 *   leases  ZSET member → lease expiry (server ms). A live holder renews; a dead task's expire.
 *   queue   ZSET member → priority. Equal priorities order by member, which starts with the
 *           server time in µs, so ties are FIFO across tasks.
 *   waiters ZSET member → heartbeat expiry. A waiter whose task died stops heartbeating and is
 *           purged, so it can never be granted a slot nobody will use.
 * A member is `<server µs>:<instanceId>:<localId>`; it is the waiter's queue entry and, once
 * granted, its lease id. Grants are PUBLISHed on the limiter's channel with the member as payload.
 */

const PRELUDE = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local leasesKey, queueKey, waitersKey, recoveringKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local limit = tonumber(ARGV[1])
local ttlMs = tonumber(ARGV[2])
local channel = ARGV[3]
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- Drop expired leases and dead waiters, then hand free slots to the head(s) of the queue.
-- 'quiet' is a member the caller learns about from the reply, so it needs no message.
local function purgeAndGrant(quiet)
  redis.call('ZREMRANGEBYSCORE', leasesKey, '-inf', nowMs)
  local dead = redis.call('ZRANGEBYSCORE', waitersKey, '-inf', nowMs)
  for i = 1, #dead do redis.call('ZREM', queueKey, dead[i]) end
  if #dead > 0 then redis.call('ZREMRANGEBYSCORE', waitersKey, '-inf', nowMs) end
  if redis.call('EXISTS', recoveringKey) == 1 then return end
  local free = limit - redis.call('ZCARD', leasesKey)
  if free <= 0 then return end
  local heads = redis.call('ZRANGE', queueKey, 0, free - 1)
  for i = 1, #heads do
    local m = heads[i]
    redis.call('ZREM', queueKey, m)
    redis.call('ZREM', waitersKey, m)
    redis.call('ZADD', leasesKey, nowMs + ttlMs, m)
    if m ~= quiet then redis.call('PUBLISH', channel, m) end
  end
end

-- Milliseconds until a slot may free up by itself (-1: none): the end of a recovery pause, or
-- the earliest lease expiry, so a task with waiters looks again exactly then, not at its next poll.
local function untilExpiryMs()
  local recovering = redis.call('PTTL', recoveringKey)
  if recovering > 0 then return recovering end
  local first = redis.call('ZRANGE', leasesKey, 0, 0, 'WITHSCORES')
  if #first < 2 then return -1 end
  return math.max(0, math.floor(tonumber(first[2]) - nowMs))
end
`;

/** ARGV: limit, ttlMs, channel, priority ('' = server now), instanceId, localId. */
const ENQUEUE = `${PRELUDE}
local member = time[1] .. string.format('%06d', tonumber(time[2])) .. ':' .. ARGV[5] .. ':' .. ARGV[6]
local score = nowMs
if ARGV[4] ~= '' then score = tonumber(ARGV[4]) end
redis.call('ZADD', queueKey, score, member)
redis.call('ZADD', waitersKey, nowMs + ttlMs, member)
purgeAndGrant(member)
local granted = 0
if redis.call('ZSCORE', leasesKey, member) then granted = 1 end
return {member, granted, nowMs, untilExpiryMs()}
`;

/** ARGV: limit, ttlMs, channel, member. Releases a lease or withdraws a waiter (either is safe). */
const RELEASE = `${PRELUDE}
local member = ARGV[4]
local removed = redis.call('ZREM', leasesKey, member)
redis.call('ZREM', queueKey, member)
redis.call('ZREM', waitersKey, member)
purgeAndGrant(nil)
return removed
`;

/**
 * ARGV: limit, ttlMs, channel, leaseCount, lease members..., then (member, score) per waiter.
 * Renews this task's leases — re-registering any Redis lost (restart, or expiry while the task
 * stalled), because the holder really is still using the provider slot — heartbeats its waiters,
 * re-queues waiters Redis lost at their original priority, and reports which of them now hold a
 * lease (the fallback for a lost pub/sub message).
 */
const TICK = `${PRELUDE}
local leaseCount = tonumber(ARGV[4])
local reregistered = 0
for i = 5, 4 + leaseCount do
  if redis.call('ZADD', leasesKey, nowMs + ttlMs, ARGV[i]) == 1 then reregistered = reregistered + 1 end
end
local requeued = 0
for i = 5 + leaseCount, #ARGV, 2 do
  local m = ARGV[i]
  if not redis.call('ZSCORE', leasesKey, m) then
    if not redis.call('ZSCORE', queueKey, m) then
      redis.call('ZADD', queueKey, ARGV[i + 1], m)
      requeued = requeued + 1
    end
    redis.call('ZADD', waitersKey, nowMs + ttlMs, m)
  end
end
-- Redis lost state (restart without persistence, failover) or this task stalled past its TTL:
-- other holders may not have re-registered yet, so the count is low. Pause grants for one renew
-- interval (every live holder re-registers within it) instead of over-granting.
if reregistered + requeued > 0 then
  redis.call('SET', recoveringKey, '1', 'PX', math.ceil(ttlMs / 3) + 100, 'NX')
end
purgeAndGrant(nil)
local granted = {}
for i = 5 + leaseCount, #ARGV, 2 do
  if redis.call('ZSCORE', leasesKey, ARGV[i]) then granted[#granted + 1] = ARGV[i] end
end
return {reregistered, requeued, untilExpiryMs(), granted}
`;

/** ARGV: limit, ttlMs, channel. Purges first so a dead task's leases do not count as in use. */
const STATS = `${PRELUDE}
purgeAndGrant(nil)
return {redis.call('ZCARD', leasesKey), redis.call('ZCARD', queueKey)}
`;


const enqueueReply = z.tuple([z.string(), z.number(), z.number(), z.number()]);
const tickReply = z.tuple([z.number(), z.number(), z.number(), z.array(z.string())]);
const statsReply = z.tuple([z.number(), z.number()]);

export interface SemaphoreKeys {
  readonly leases: string;
  readonly queue: string;
  readonly waiters: string;
  /** Present (with a PX) while grants are paused after Redis lost state. */
  readonly recovering: string;
  readonly channel: string;
}

export function semaphoreKeys(keyPrefix: string, name: string): SemaphoreKeys {
  const base = `${keyPrefix}{${name}}`;
  return {
    leases: `${base}:leases`,
    queue: `${base}:queue`,
    waiters: `${base}:waiters`,
    recovering: `${base}:recovering`,
    channel: `${base}:grants`,
  };
}

export interface EnqueueResult {
  member: string;
  granted: boolean;
  /** The server time used as the priority when the caller gave none. */
  serverNowMs: number;
  untilExpiryMs: number;
}

export interface TickResult {
  reregistered: number;
  requeued: number;
  untilExpiryMs: number;
  granted: string[];
}

export interface TickWaiter {
  member: string;
  score: number;
}

/** Typed calls to the scripts for one limiter (one set of keys, one limit and TTL). */
export class SemaphoreScripts {
  private static readonly enqueueScript = new RedisScript(ENQUEUE);
  private static readonly releaseScript = new RedisScript(RELEASE);
  private static readonly tickScript = new RedisScript(TICK);
  private static readonly statsScript = new RedisScript(STATS);
  private readonly keyList: readonly string[];

  constructor(
    private readonly redis: Redis,
    private readonly keys: SemaphoreKeys,
    private readonly limit: number,
    private readonly ttlMs: number,
  ) {
    this.keyList = [keys.leases, keys.queue, keys.waiters, keys.recovering];
  }

  private common(): (string | number)[] {
    return [this.limit, this.ttlMs, this.keys.channel];
  }

  async enqueue(priority: number | undefined, instanceId: string, localId: string): Promise<EnqueueResult> {
    const raw = await SemaphoreScripts.enqueueScript.run(this.redis, this.keyList, [
      ...this.common(),
      priority === undefined ? '' : String(priority),
      instanceId,
      localId,
    ]);
    const [member, granted, serverNowMs, untilExpiryMs] = enqueueReply.parse(raw);
    return { member, granted: granted === 1, serverNowMs, untilExpiryMs };
  }

  async release(member: string): Promise<boolean> {
    const raw = await SemaphoreScripts.releaseScript.run(this.redis, this.keyList, [...this.common(), member]);
    return z.number().parse(raw) === 1;
  }

  async tick(leases: readonly string[], waiters: readonly TickWaiter[]): Promise<TickResult> {
    const args: (string | number)[] = [...this.common(), leases.length, ...leases];
    for (const w of waiters) args.push(w.member, String(w.score));
    const raw = await SemaphoreScripts.tickScript.run(this.redis, this.keyList, args);
    const [reregistered, requeued, untilExpiryMs, granted] = tickReply.parse(raw);
    return { reregistered, requeued, untilExpiryMs, granted };
  }

  async counts(): Promise<{ inUse: number; queued: number }> {
    const raw = await SemaphoreScripts.statsScript.run(this.redis, this.keyList, this.common());
    const [inUse, queued] = statsReply.parse(raw);
    return { inUse, queued };
  }
}
