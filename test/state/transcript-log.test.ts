import Redis from 'ioredis';
import { readCall } from '../../services/voice/src/state/sinks/file-call-records';
import type { BatchPolicy } from '../../services/voice/src/state/wal/batch-policy';
import { MemoryTranscriptLog } from '../../services/voice/src/state/wal/memory-transcript-log';
import { RedisTranscriptLog } from '../../services/voice/src/state/wal/redis-transcript-log';
import { walKeys } from '../../services/voice/src/state/wal/wal-keys';
import type { RecoverableTranscriptLog } from '../../services/voice/src/state/types';
import { startRedis, type TestRedis } from '../support/redis-server';
import { line, range, ScriptedSink, storedSeqs, tempDir, waitUntil } from './helpers';

/** Fast retries so failure tests take milliseconds; batching itself stays at its defaults. */
const quickRetries: Partial<BatchPolicy> = { retryBaseMs: 20, retryMaxMs: 200, pollMs: 50 };

type Make = (sink: ScriptedSink, taskId: string, policy?: Partial<BatchPolicy>) => RecoverableTranscriptLog;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const makers: Array<[string, Make]> = [
  ['memory log', (sink, _taskId, policy) => new MemoryTranscriptLog(sink, { policy })],
  ['Redis log', (sink, taskId, policy) => RedisTranscriptLog.connect(redis.url, sink, { taskId, policy })],
];

describe.each(makers)('%s', (_name, make) => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let taskCounter = 0;
  const task = (): string => `task-${_name.split(' ')[0]}-${++taskCounter}`;
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(() => tmp.remove());

  it('delivers 1,000 lines over 20 calls to the sink exactly once and in seq order', async () => {
    const sink = new ScriptedSink(tmp.dir);
    const log = make(sink, task(), quickRetries);
    const calls = range(20).map((i) => `CA${i}`);
    // Interleaved as concurrent calls would be.
    for (const seq of range(50)) for (const callSid of calls) log.append(line(callSid, seq));
    await Promise.all(calls.map((c) => log.flushCall(c)));
    for (const callSid of calls) {
      expect(await storedSeqs(tmp.dir, callSid)).toEqual(range(50));
    }
    const stats = log.stats();
    expect(stats.linesAppended).toBe(1000);
    expect(stats.pending).toBe(0);
    expect(stats.sinkWrites).toBeLessThanOrEqual(200);
    // Without failures nothing is even offered twice (the sink's own dedupe is not needed).
    expect(sink.linesDelivered).toBe(1000);
    await log.close();
  });

  it('keeps lines while the sink fails and delivers them exactly once when it recovers', async () => {
    const sink = new ScriptedSink(tmp.dir);
    sink.failuresLeft = 6;
    const log = make(sink, task(), quickRetries);
    for (const seq of range(12)) log.append(line('CAF', seq));
    await waitUntil(() => sink.appendCalls >= 3);
    expect(log.stats().pending).toBeGreaterThan(0);
    expect(log.stats().sinkFailures).toBeGreaterThanOrEqual(3);
    await log.flushCall('CAF');
    expect(await storedSeqs(tmp.dir, 'CAF')).toEqual(range(12));
    expect(log.stats().sinkFailures).toBe(6);
    expect(log.stats().pending).toBe(0);
    await log.close();
  });

  it('needs at most 0.2 sink writes per line for a 30-line call with default batching', async () => {
    const sink = new ScriptedSink(tmp.dir);
    const log = make(sink, task());
    for (const seq of range(30)) log.append(line('CAW', seq));
    await log.flushCall('CAW');
    const stats = log.stats();
    expect(stats.linesAppended).toBe(30);
    expect(stats.storeWritesPerLine).toBeLessThanOrEqual(0.2);
    expect(sink.appendCalls / 30).toBeLessThanOrEqual(0.2);
    expect((await readCall(tmp.dir, 'CAW')).transcript).toHaveLength(30);
    await log.close();
  });

  it('holds a short call until flushCall, then writes it in one go', async () => {
    const sink = new ScriptedSink(tmp.dir);
    const log = make(sink, task());
    for (const seq of range(3)) log.append(line('CAS', seq));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.appendCalls).toBe(0); // fewer than 5 lines, younger than 10 s
    expect(log.stats().pending).toBe(3);
    await log.flushCall('CAS');
    expect(sink.appendCalls).toBe(1);
    expect(await storedSeqs(tmp.dir, 'CAS')).toEqual([0, 1, 2]);
    await log.close();
  });

  it('refuses lines beyond the backlog bound while the sink is down, and counts them', async () => {
    const sink = new ScriptedSink(tmp.dir);
    sink.failuresLeft = 1_000_000;
    const log = make(sink, task(), { ...quickRetries, maxBacklog: 10 });
    for (const seq of range(15)) log.append(line('CAB', seq));
    expect(log.stats()).toMatchObject({ pending: 10, droppedLines: 5, linesAppended: 10 });
    await waitUntil(() => log.stats().sinkFailures >= 2);
    expect(log.stats().oldestPendingAgeMs).toBeGreaterThan(0);
    sink.failuresLeft = 0; // the database is back
    await log.flushCall('CAB');
    expect(await storedSeqs(tmp.dir, 'CAB')).toEqual(range(10));
    log.append(line('CAB', 15)); // room again
    await log.close();
    expect(await storedSeqs(tmp.dir, 'CAB')).toEqual([...range(10), 15]);
  });

  it('writes a lone line once it is flushMs old', async () => {
    const sink = new ScriptedSink(tmp.dir);
    const log = make(sink, task(), { flushMs: 200, pollMs: 50 });
    log.append(line('CAT', 0));
    await waitUntil(async () => (await storedSeqs(tmp.dir, 'CAT')).length === 1);
    expect(log.stats().oldestPendingAgeMs).toBe(0);
    await log.close();
  });
});

describe('Redis log takeover and restarts', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(() => tmp.remove());

  it('lets another task deliver, exactly once, the lines a killed consumer never acknowledged', async () => {
    const deadSink = new ScriptedSink(tmp.dir);
    deadSink.hang = true; // its writes never complete: the lines stay pending on its consumer
    const dead = RedisTranscriptLog.connect(redis.url, deadSink, { taskId: 'doomed', policy: quickRetries });
    for (const seq of range(40)) dead.append(line('CAK', seq));
    const probe = new Redis(redis.url);
    const stream = walKeys().stream('doomed');
    await waitUntil(async () => {
      const summary = (await probe.xpending(stream, 'flushers')) as [number, ...unknown[]];
      return summary[0] === 40;
    });
    await dead.close({ flush: false });
    // Lines the dead task appended but never read (its XADD landed after its last read).
    for (const seq of range(10).map((i) => 40 + i)) {
      await probe.xadd(stream, '*', 'e', JSON.stringify(line('CAK', seq)));
    }

    const sink = new ScriptedSink(tmp.dir);
    const rescuer = RedisTranscriptLog.connect(redis.url, sink, { taskId: 'rescuer', policy: quickRetries });
    expect(await rescuer.drainTask('doomed')).toBe(50);
    expect(await storedSeqs(tmp.dir, 'CAK')).toEqual(range(50));
    expect(await rescuer.drainTask('doomed')).toBe(0);
    expect(await probe.xlen(stream)).toBe(0);
    expect(await storedSeqs(tmp.dir, 'CAK')).toEqual(range(50));
    await rescuer.close();
    await probe.quit();
  });

  it('drains the streams of tasks whose heartbeat stopped', async () => {
    const deadSink = new ScriptedSink(tmp.dir);
    deadSink.hang = true;
    const dead = RedisTranscriptLog.connect(redis.url, deadSink, { taskId: 'silent', policy: quickRetries });
    for (const seq of range(7)) dead.append(line('CAH', seq));
    await waitUntil(() => dead.stats().pending === 7 && deadSink.appendCalls >= 1);
    await dead.close({ flush: false });
    await new Promise((r) => setTimeout(r, 150));
    const sink = new ScriptedSink(tmp.dir);
    const rescuer = RedisTranscriptLog.connect(redis.url, sink, { taskId: 'watcher', policy: quickRetries });
    expect(await rescuer.drainDeadTasks(100)).toBe(7);
    expect(await storedSeqs(tmp.dir, 'CAH')).toEqual(range(7));
    const probe = new Redis(redis.url);
    expect(await probe.exists(walKeys().stream('silent'))).toBe(0);
    await probe.quit();
    await rescuer.close();
  });

  it('survives a Redis restart and still delivers every line exactly once', async () => {
    const own = await startRedis();
    const sink = new ScriptedSink(tmp.dir);
    const warnings: string[] = [];
    const logger = { info: () => undefined, error: () => undefined, warn: (_o: object, msg: string) => void warnings.push(msg) };
    const log = RedisTranscriptLog.connect(own.url, sink, { taskId: 'restarts', policy: quickRetries, logger });
    for (const seq of range(10)) log.append(line('CAR', seq));
    await log.flushCall('CAR');
    // Buffered in Redis and in memory, not yet written, when Redis goes away empty.
    for (const seq of range(3).map((i) => 10 + i)) log.append(line('CAR', seq));
    await new Promise((r) => setTimeout(r, 100));
    await own.stop();
    for (const seq of range(7).map((i) => 13 + i)) log.append(line('CAR', seq)); // while Redis is down
    await new Promise((r) => setTimeout(r, 300));
    await own.restart();
    await log.flushCall('CAR');
    expect(await storedSeqs(tmp.dir, 'CAR')).toEqual(range(20));
    expect(log.stats().pending).toBe(0);
    expect(warnings).toContain('transcript stream lost; re-appending');
    await log.close();
    await own.stop();
  });
});
