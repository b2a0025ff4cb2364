/**
 * Wake latency of the capacity limiter: release on one task → the next waiter on ANOTHER task
 * holds the slot, on a private redis-server with limit 1.
 *  1. Two DistributedSemaphore instances (own connections) in this process: each hand-off timed.
 *  2. A second Node process as the other task, playing ping-pong: (round trip) / 2 per hand-off,
 *     so both ends are timed on one clock.
 * Run: npx tsx bench/limiter-handoff.ts [handoffs]
 */
import { fork } from 'node:child_process';
import { DistributedSemaphore, InProcessLimiter, SharedRedis, type ConcurrencyLimiter, type Lease } from '../services/voice/src/capacity';
import { startRedis } from '../test/support/redis-server';

function summary(samplesMs: number[]): string {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const f = (v: number): string => v.toFixed(3);
  return `n=${sorted.length} median=${f(at(0.5))} ms p95=${f(at(0.95))} p99=${f(at(0.99))} max=${f(sorted[sorted.length - 1] ?? NaN)}`;
}

/** Holder on `from` releases while a waiter on `to` is queued; returns ms until `to` holds. */
async function handoffs(tasks: [ConcurrencyLimiter, ConcurrencyLimiter], count: number): Promise<number[]> {
  const samples: number[] = [];
  let held: Lease = await tasks[0].acquire();
  for (let i = 0; i < count; i += 1) {
    const to = tasks[(i + 1) % 2] as ConcurrencyLimiter;
    let grantedAt = 0;
    const waiting = to.acquire().then((lease) => {
      grantedAt = performance.now();
      return lease;
    });
    await to.stats(); // the waiter is in the (global) queue before we release
    const releasedAt = performance.now();
    void held.release();
    held = await waiting;
    samples.push(grantedAt - releasedAt);
  }
  await held.release();
  return samples;
}

const mkTask = (url: string): DistributedSemaphore =>
  new DistributedSemaphore({ name: 'bench', limit: 1, redis: SharedRedis.fromUrl(url), keyPrefix: 'bench:' });

/** The other task: take the slot whenever it comes and give it straight back, until told to stop. */
async function childTask(url: string): Promise<void> {
  const task = mkTask(url);
  let stop = false;
  process.once('message', () => (stop = true));
  process.send?.('ready');
  while (!stop) await (await task.acquire()).release();
  await task.close();
  process.disconnect?.();
}

/** Parent holds; child queues; parent releases and queues again; the child's release wakes it. */
async function crossProcessRoundTrips(url: string, count: number): Promise<number[]> {
  const task = mkTask(url);
  let held = await task.acquire();
  const child = fork(__filename, ['--child', url]);
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    while ((await task.stats()).queued < 1) await new Promise((r) => setImmediate(r));
    const releasedAt = performance.now();
    const again = task.acquire();
    void held.release();
    held = await again;
    samples.push((performance.now() - releasedAt) / 2);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  await held.release();
  await exited;
  await task.close();
  return samples;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await childTask(process.argv[3] ?? '');
    return;
  }
  const count = Number(process.argv[2] ?? 200);
  const redis = await startRedis();
  try {
    const pair: [DistributedSemaphore, DistributedSemaphore] = [mkTask(redis.url), mkTask(redis.url)];
    await handoffs(pair, 20); // warm up connections and the script cache
    const cross = await handoffs(pair, count);
    await Promise.all(pair.map((l) => l.close()));

    const crossProcess = await crossProcessRoundTrips(redis.url, count);
    const local = new InProcessLimiter('bench', 1);
    const inProcess = await handoffs([local, local], count);

    console.log(`cross-task hand-off via Redis (release → other task holds): ${summary(cross)}`);
    console.log(`cross-process ping-pong (round trip / 2 per hand-off):      ${summary(crossProcess)}`);
    console.log(`in-process hand-off (release → next waiter holds):          ${summary(inProcess)}`);
  } finally {
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
