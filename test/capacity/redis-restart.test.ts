import { startRedis, type TestRedis } from '../support/redis-server';
import Redis from 'ioredis';
import type { DistributedSemaphore } from '../../services/voice/src/capacity';
import { semaphoreKeys } from '../../services/voice/src/capacity/redis-scripts';
import { eventually, scanKeys, taskLimiter } from './redis-support';

/**
 * Redis restarts with no persistence (the worst case): every lease and queue entry is gone.
 * Holders re-register their leases and waiters re-queue on reconnect, so the count is right
 * again within a moment and nobody is stranded.
 */
describe('distributed semaphore across a Redis restart', () => {
  let redis: TestRedis;
  const open: DistributedSemaphore[] = [];
  let n = 0;
  let prefix = '';

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(() => {
    prefix = `restart${++n}:`;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });

  const task = (limit: number): DistributedSemaphore => {
    const l = taskLimiter(redis.url, { name: 'elevenlabs-tts', limit, keyPrefix: prefix, leaseTtlMs: 3000 });
    open.push(l);
    return l;
  };

  it('holders re-register and waiters re-queue, then hand-off continues', async () => {
    const a = task(2);
    const b = task(2);
    const heldA = await a.acquire();
    const heldB = await b.acquire();
    const waiting = b.acquire({ priority: 1 });
    expect(await eventually(async () => (await a.stats()).queued === 1)).toBe(true);

    await redis.restart();

    // Both holders are counted again and the waiter is back in the queue, not granted a third slot.
    expect(await eventually(async () => {
      const s = await a.stats().catch(() => undefined);
      return s?.inUse === 2 && s.queued === 1;
    }, 10_000)).toBe(true);

    await heldA.release();
    const lease = await waiting;
    expect((await b.stats()).localInUse).toBe(2);
    await Promise.all([lease.release(), heldB.release()]);
    expect(await a.stats()).toMatchObject({ inUse: 0, queued: 0 });
    expect(await scanKeys(redis.url, prefix)).toEqual([]);
  });

  it('a waiter that asks while Redis is down is served once it is back', async () => {
    const a = task(1);
    await (await a.acquire()).release(); // connected and subscribed
    await redis.stop();
    const waiting = a.acquire({ timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 300));
    await redis.restart();
    const lease = await waiting;
    expect((await a.stats()).inUse).toBe(1);
    await lease.release();
    expect((await a.stats()).inUse).toBe(0);
  });

  it('a task started while Redis is down subscribes once it is back, so wake-ups stay push-driven', async () => {
    await redis.stop();
    const late = task(1); // its first SUBSCRIBE fails; it keeps retrying
    await new Promise((r) => setTimeout(r, 500));
    await redis.restart();
    const other = task(1);
    // The fallback poll runs every 1 s: ten hand-offs to `late` by poll would take ~5 s; by pub/sub,
    // a fraction of a second.
    const admin = new Redis(redis.url);
    const { channel } = semaphoreKeys(prefix, 'elevenlabs-tts');
    const subscribers = async (): Promise<number> => Number(((await admin.pubsub('NUMSUB', channel)) as unknown[])[1]);
    const bothSubscribed = await eventually(async () => (await subscribers()) === 2, 10_000).finally(() => admin.disconnect());
    expect(bothSubscribed).toBe(true);
    let handOffMs = 0;
    for (let i = 0; i < 10; i += 1) {
      const held = await other.acquire({ timeoutMs: 5000 });
      const waiting = late.acquire();
      expect(await eventually(async () => (await other.stats()).queued === 1)).toBe(true);
      const releasedAt = Date.now();
      await held.release();
      const lease = await waiting;
      handOffMs += Date.now() - releasedAt;
      await lease.release();
    }
    expect(handOffMs).toBeLessThan(2000);
  });
});
