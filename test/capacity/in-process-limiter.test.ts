import {
  InProcessLimiter,
  LimiterClosedError,
  LimiterTimeoutError,
  isAbortError,
  type Lease,
} from '../../services/voice/src/capacity';

/** Settles pending promise callbacks without involving timers. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function track(p: Promise<Lease>): { lease?: Lease; error?: unknown; settled: boolean } {
  const state: { lease?: Lease; error?: unknown; settled: boolean } = { settled: false };
  p.then(
    (l) => Object.assign(state, { lease: l, settled: true }),
    (e: unknown) => Object.assign(state, { error: e, settled: true }),
  );
  return state;
}

describe('in-process limiter', () => {
  it('grants up to the limit at once and queues the rest', async () => {
    const limiter = new InProcessLimiter('t', 2);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const c = track(limiter.acquire());
    await flush();
    expect(c.settled).toBe(false);
    expect(await limiter.stats()).toMatchObject({ inUse: 2, queued: 1, localInUse: 2, localQueued: 1 });
    await a.release();
    await flush();
    expect(c.lease).toBeDefined();
    expect(await limiter.stats()).toMatchObject({ inUse: 2, queued: 0 });
    await b.release();
    await c.lease?.release();
    expect(await limiter.stats()).toMatchObject({ inUse: 0, queued: 0, acquired: 3 });
  });

  it('hands a released slot to the head waiter, so a newcomer cannot barge past the queue', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const held = await limiter.acquire();
    const waiter = track(limiter.acquire());
    await held.release();
    const newcomer = track(limiter.acquire({ timeoutMs: 0 }));
    await flush();
    expect(waiter.lease).toBeDefined();
    expect(newcomer.error).toBeInstanceOf(LimiterTimeoutError);
  });

  it('serves the earliest deadline first, FIFO among equal deadlines', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const held = await limiter.acquire();
    const order: string[] = [];
    const enqueue = (label: string, priority: number): Promise<void> =>
      limiter.acquire({ priority }).then(async (lease) => {
        order.push(label);
        await lease.release();
      });
    const all = [enqueue('late', 300), enqueue('first-100', 100), enqueue('soon', 50), enqueue('second-100', 100)];
    await held.release();
    await Promise.all(all);
    expect(order).toEqual(['soon', 'first-100', 'second-100', 'late']);
  });

  it('a timed-out waiter leaves the queue at once and leaks no slot', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const held = await limiter.acquire();
    const started = Date.now();
    await expect(limiter.acquire({ timeoutMs: 30 })).rejects.toBeInstanceOf(LimiterTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(await limiter.stats()).toMatchObject({ inUse: 1, queued: 0, timeouts: 1 });
    await held.release();
    expect(await limiter.stats()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('an aborted waiter leaves the queue at once with an AbortError', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const pending = limiter.acquire({ signal: controller.signal });
    expect((await limiter.stats()).queued).toBe(1);
    controller.abort();
    expect((await limiter.stats()).queued).toBe(0);
    const err: unknown = await pending.catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    await held.release();
    expect(await limiter.stats()).toMatchObject({ inUse: 0, queued: 0, aborts: 1 });
  });

  it('rejects an already-aborted signal without queueing', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const err: unknown = await limiter.acquire({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
    expect(await limiter.stats()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('release is idempotent', async () => {
    const limiter = new InProcessLimiter('t', 2);
    const a = await limiter.acquire();
    await limiter.acquire();
    await a.release();
    await a.release();
    expect((await limiter.stats()).inUse).toBe(1);
  });

  it('close rejects waiters, frees the slots and refuses new acquires', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const held = await limiter.acquire();
    const waiter = limiter.acquire();
    await limiter.close();
    await expect(waiter).rejects.toBeInstanceOf(LimiterClosedError);
    await expect(limiter.acquire()).rejects.toBeInstanceOf(LimiterClosedError);
    await held.release();
    expect(await limiter.stats()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it('rejects nonsense options', async () => {
    const limiter = new InProcessLimiter('t', 1);
    await expect(limiter.acquire({ timeoutMs: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(limiter.acquire({ priority: Number.NaN })).rejects.toBeInstanceOf(RangeError);
    expect(() => new InProcessLimiter('t', 0)).toThrow(RangeError);
  });

  it('records wait percentiles of granted waiters', async () => {
    const limiter = new InProcessLimiter('t', 1);
    const held = await limiter.acquire();
    const waiting = limiter.acquire();
    await new Promise((r) => setTimeout(r, 20));
    await held.release();
    await (await waiting).release();
    const { waitMs } = await limiter.stats();
    expect(waitMs.count).toBe(2);
    expect(waitMs.p99).toBeGreaterThanOrEqual(15);
    expect(waitMs.p50).toBeLessThanOrEqual(waitMs.p99);
  });
});
