import { startRedis, type TestRedis } from '../support/redis-server';
import { LimiterTimeoutError, isAbortError, type DistributedSemaphore, type Lease } from '../../services/voice/src/capacity';
import { HoldCounter, eventually, scanKeys, sleep, taskLimiter } from './redis-support';

describe('distributed semaphore (Redis, two tasks)', () => {
  let redis: TestRedis;
  const open: DistributedSemaphore[] = [];
  let prefixCounter = 0;
  let prefix = '';

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(() => {
    prefix = `test${++prefixCounter}:`;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });

  const task = (limit: number, leaseTtlMs?: number): DistributedSemaphore => {
    const l = taskLimiter(redis.url, { name: 'deepgram-stt', limit, keyPrefix: prefix, ...(leaseTtlMs ? { leaseTtlMs } : {}) });
    open.push(l);
    return l;
  };

  it('never lets two tasks hold more than the limit, serves everyone, and leaves no keys', async () => {
    const a = task(20);
    const b = task(20);
    const counter = new HoldCounter();
    let served = 0;
    const work = Array.from({ length: 40 }, async (_, i) => {
      const lease = await (i % 2 === 0 ? a : b).acquire({ owner: `call-${i}` });
      counter.enter();
      await sleep(60 + (i % 5) * 10); // long enough that all 20 slots fill even on a busy machine
      counter.exit();
      served += 1;
      await lease.release();
    });
    await Promise.all(work);
    expect(served).toBe(40);
    expect(counter.peak).toBeLessThanOrEqual(20);
    expect(counter.peak).toBeGreaterThanOrEqual(15); // the limit was actually exercised
    expect(await a.stats()).toMatchObject({ inUse: 0, queued: 0, localInUse: 0, localQueued: 0 });
    expect(await scanKeys(redis.url, prefix)).toEqual([]);
  });

  it('counts globally: inUse and queued include the other task', async () => {
    const a = task(2);
    const b = task(2);
    const held = [await a.acquire(), await b.acquire()];
    const waiting = b.acquire();
    expect(await eventually(async () => (await a.stats()).queued === 1)).toBe(true);
    expect(await a.stats()).toMatchObject({ inUse: 2, queued: 1, localInUse: 1, localQueued: 0 });
    await held[0]?.release();
    const lease = await waiting;
    expect((await b.stats()).localInUse).toBe(2);
    await Promise.all([lease.release(), held[1]?.release()]);
    expect((await a.stats()).inUse).toBe(0);
  });

  it("gives a killed task's slots to the other task's waiters within the lease TTL", async () => {
    const ttlMs = 1500;
    const dying = task(2, ttlMs);
    const survivor = task(2, ttlMs);
    await dying.acquire();
    await dying.acquire();
    const waiters = [survivor.acquire(), survivor.acquire()];
    expect(await eventually(async () => (await survivor.stats()).queued === 2)).toBe(true);
    const killedAt = Date.now();
    dying.abandon(); // kill -9: no release, no more renewals
    const leases = await Promise.all(waiters);
    const tookMs = Date.now() - killedAt;
    // Not freed by the kill itself (that would take ~0 ms): they ran out. Renewed every TTL/3, so
    // roughly TTL*2/3..TTL; the lower bound is loose for a busy machine.
    expect(tookMs).toBeGreaterThanOrEqual(ttlMs / 3);
    expect(tookMs).toBeLessThanOrEqual(ttlMs + 1500);
    await Promise.all(leases.map((l) => l.release()));
    expect(await survivor.stats()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('serves earlier deadlines first across tasks when the limit is saturated', async () => {
    const a = task(1);
    const b = task(1);
    const held = await a.acquire();
    const order: number[] = [];
    const deadlines = [500, 100, 400, 200, 300, 150];
    const all = deadlines.map(async (deadline, i) => {
      const lease = await (i % 2 === 0 ? a : b).acquire({ priority: deadline });
      order.push(deadline);
      await sleep(5);
      await lease.release();
    });
    expect(await eventually(async () => (await a.stats()).queued === deadlines.length)).toBe(true);
    await held.release();
    await Promise.all(all);
    expect(order).toEqual([...deadlines].sort((x, y) => x - y));
  });

  it('is FIFO across tasks among equal priority (default priority = enqueue time)', async () => {
    const a = task(1);
    const b = task(1);
    const held = await a.acquire();
    const order: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 6; i += 1) {
      const l = i % 2 === 0 ? a : b;
      all.push(
        l.acquire().then(async (lease) => {
          order.push(i);
          await lease.release();
        }),
      );
      // Make enqueue order unambiguous: wait until Redis has this waiter before adding the next.
      expect(await eventually(async () => (await a.stats()).queued === i + 1)).toBe(true);
    }
    await held.release();
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('an aborted waiter leaves the global queue at once and leaks no slot', async () => {
    const a = task(1);
    const b = task(1);
    const held = await a.acquire();
    const controller = new AbortController();
    const pending = b.acquire({ signal: controller.signal });
    expect(await eventually(async () => (await a.stats()).queued === 1)).toBe(true);
    controller.abort();
    expect((await b.stats()).localQueued).toBe(0);
    expect(isAbortError(await pending.catch((e: unknown) => e))).toBe(true);
    expect(await b.stats()).toMatchObject({ queued: 0, inUse: 1, aborts: 1 });
    await held.release();
    expect(await a.stats()).toMatchObject({ inUse: 0, queued: 0 });
    expect(await scanKeys(redis.url, prefix)).toEqual([]);
  });

  it('a timed-out waiter leaves the global queue at once and leaks no slot', async () => {
    const a = task(1);
    const b = task(1);
    const held = await a.acquire();
    await expect(b.acquire({ timeoutMs: 100 })).rejects.toBeInstanceOf(LimiterTimeoutError);
    expect(await b.stats()).toMatchObject({ queued: 0, inUse: 1, timeouts: 1, localQueued: 0 });
    await expect(b.acquire({ timeoutMs: 0 })).rejects.toBeInstanceOf(LimiterTimeoutError);
    await held.release();
    const lease = await b.acquire({ timeoutMs: 0 });
    await lease.release();
    expect(await a.stats()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('a waiter that gives up just as it is granted hands the slot on', async () => {
    const a = task(1);
    const b = task(1);
    for (let round = 0; round < 20; round += 1) {
      const held = await a.acquire();
      const controller = new AbortController();
      const racing = b.acquire({ signal: controller.signal }).catch(() => undefined);
      expect(await eventually(async () => (await a.stats()).queued === 1)).toBe(true);
      void held.release();
      if (round % 2 === 0) controller.abort();
      else setImmediate(() => controller.abort());
      const lease: Lease | undefined = await racing;
      await lease?.release();
      // `held`'s release runs unawaited, racing the abort: the slot must come back, whichever won.
      expect(
        await eventually(async () => {
          const s = await a.stats();
          return s.inUse === 0 && s.queued === 0;
        }),
      ).toBe(true);
    }
  });

  it('close releases this task’s leases and rejects its waiters', async () => {
    const a = task(1);
    const b = task(1);
    await b.acquire();
    const waiting = b.acquire();
    await b.close();
    await expect(waiting).rejects.toThrow(/closed/);
    const lease = await a.acquire({ timeoutMs: 1000 });
    await lease.release();
    expect(await scanKeys(redis.url, prefix)).toEqual([]);
  });
});
