import { createStateLayer, type StateLayer } from '../../services/voice/src/state/state-layer';
import { readCall, readCallFile } from '../../services/voice/src/state/sinks/file-call-records';
import { RedisTranscriptLog } from '../../services/voice/src/state/wal/redis-transcript-log';
import type { CallSession } from '../../services/voice/src/state/types';
import { startRedis, type TestRedis } from '../support/redis-server';
import { line, range, storedSeqs, tempDir, waitUntil } from './helpers';

function session(callSid: string, ownerTaskId: string): CallSession {
  const now = new Date().toISOString();
  return {
    callSid, agentId: 'agent-1', ownerTaskId, state: 'listening', turn: 4, nextSeq: 0,
    startedAt: new Date(Date.now() - 30_000).toISOString(), updatedAt: now,
    data: { turns: [{ turn: 1, turnLatencyMs: 900 }, { turn: 2, turnLatencyMs: 750 }] },
  };
}

/** Drops a task as a crash would: no flush, no acks, no lease renewals, connections gone. */
async function crash(layer: StateLayer): Promise<void> {
  layer.leases.stop();
  await layer.reaper.stop();
  if (layer.transcripts instanceof RedisTranscriptLog) await layer.transcripts.close({ flush: false });
  await layer.sessions.close();
}

describe('reaper', () => {
  let redis: TestRedis;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(() => tmp.remove());

  it('finalizes a dead task\'s call as interrupted/task-lost with every line exactly once', async () => {
    // Generous lease: the "not yet expired" check below must hold on a busy machine too.
    const common = { redisUrl: redis.url, dataDir: tmp.dir, leaseTtlMs: 1500, startReaper: false, flushMs: 60_000 };
    const dead = createStateLayer({ ...common, taskId: 'task-dead' });
    const callSid = 'CAREAP1';
    await dead.sessions.create(session(callSid, 'task-dead'), 1500);
    dead.leases.track(callSid);
    await dead.sink.startCall({ callSid, agentId: 'agent-1', startedAt: new Date().toISOString(), taskId: 'task-dead' });
    try {
      for (const seq of range(10)) dead.transcripts.append(line(callSid, seq));
      await waitUntil(async () => (await storedSeqs(tmp.dir, callSid)).length === 10);
      // Two more lines, in Redis but not yet in the sink (fewer than a batch) when the task dies.
      for (const seq of [10, 11]) dead.transcripts.append(line(callSid, seq));
      await new Promise((r) => setTimeout(r, 200));
      expect(dead.transcripts.stats().pending).toBe(2);
    } finally {
      await crash(dead);
    }

    const alive = createStateLayer({ ...common, taskId: 'task-alive' });
    expect((await alive.reaper.runOnce()).finalized).toEqual([]); // lease not expired yet
    await new Promise((r) => setTimeout(r, 1600));
    const result = await alive.reaper.runOnce();
    expect(result.finalized).toEqual([callSid]);
    expect(result.linesDelivered).toBe(2);

    expect(await storedSeqs(tmp.dir, callSid)).toEqual(range(12));
    const call = await readCall(tmp.dir, callSid);
    expect(call.end).toMatchObject({ status: 'interrupted', endReason: 'task-lost', turns: [{ turn: 1 }, { turn: 2 }] });
    expect(call.end?.durationSec).toBeGreaterThanOrEqual(29);
    expect(await alive.sessions.get(callSid)).toBeNull();
    expect((await alive.reaper.runOnce()).finalized).toEqual([]);
    await alive.close();
  });

  it('lets only one of two reapers finalize a call', async () => {
    const common = { redisUrl: redis.url, dataDir: tmp.dir, leaseTtlMs: 200, startReaper: false };
    const dead = createStateLayer({ ...common, taskId: 'task-gone' });
    await dead.sessions.create(session('CAREAP2', 'task-gone'), 200);
    for (const seq of range(3)) dead.transcripts.append(line('CAREAP2', seq));
    await waitUntil(() => dead.transcripts.stats().linesAppended === 3);
    await new Promise((r) => setTimeout(r, 100)); // the XADDs land
    await crash(dead);
    await new Promise((r) => setTimeout(r, 300));
    const a = createStateLayer({ ...common, taskId: 'reaper-a' });
    const b = createStateLayer({ ...common, taskId: 'reaper-b' });
    const [ra, rb] = await Promise.all([a.reaper.runOnce(), b.reaper.runOnce()]);
    expect([...ra.finalized, ...rb.finalized]).toEqual(['CAREAP2']);
    const records = await readCallFile(tmp.dir, 'CAREAP2');
    expect(records.filter((r) => r.kind === 'end')).toHaveLength(1);
    expect(await storedSeqs(tmp.dir, 'CAREAP2')).toEqual(range(3));
    await Promise.all([a.close(), b.close()]);
  });

  it('leaves calls alone while their owner renews the leases', async () => {
    const common = { redisUrl: redis.url, dataDir: tmp.dir, leaseTtlMs: 1000, startReaper: false };
    const owner = createStateLayer({ ...common, taskId: 'task-busy' });
    const other = createStateLayer({ ...common, taskId: 'task-idle' });
    await owner.sessions.create(session('CALIVE', 'task-busy'), 1000);
    owner.leases.track('CALIVE'); // renews every ~333 ms
    await new Promise((r) => setTimeout(r, 1500));
    expect((await other.reaper.runOnce()).finalized).toEqual([]);
    expect((await owner.sessions.get('CALIVE'))?.ownerTaskId).toBe('task-busy');
    owner.leases.untrack('CALIVE');
    await owner.sessions.delete('CALIVE');
    await Promise.all([owner.close(), other.close()]);
  });
});

describe('embedded state layer (no Redis, no MongoDB)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    tmp = await tempDir();
  });
  afterEach(() => tmp.remove());

  it('records a whole call in the file store', async () => {
    const state = createStateLayer({ taskId: 'local', dataDir: tmp.dir });
    await state.ready();
    const s = session('CALOCAL', 'local');
    await state.sessions.create(s, state.leaseTtlMs);
    state.leases.track(s.callSid);
    await state.sink.startCall({ callSid: s.callSid, agentId: s.agentId, startedAt: s.startedAt, taskId: 'local' });
    for (const seq of range(30)) state.transcripts.append(line(s.callSid, seq));
    await state.transcripts.flushCall(s.callSid);
    await state.sink.endCall({ callSid: s.callSid, status: 'completed', endedAt: new Date().toISOString(), durationSec: 30, endReason: 'caller-hangup', turns: [] });
    state.leases.untrack(s.callSid);
    await state.sessions.delete(s.callSid);
    expect(state.transcripts.stats().storeWritesPerLine).toBeLessThanOrEqual(0.2);
    await state.close();
    const call = await readCall(tmp.dir, s.callSid);
    expect(call.transcript).toHaveLength(30);
    expect(call.end?.status).toBe('completed');
  });

  it('reaps its own call when nobody renewed the lease, flushing what was pending', async () => {
    const state = createStateLayer({ taskId: 'local', dataDir: tmp.dir, leaseTtlMs: 100, startReaper: false });
    await state.sessions.create(session('CASTALL', 'local'), 100);
    for (const seq of range(3)) state.transcripts.append(line('CASTALL', seq));
    await new Promise((r) => setTimeout(r, 150));
    expect((await state.reaper.runOnce()).finalized).toEqual(['CASTALL']);
    const call = await readCall(tmp.dir, 'CASTALL');
    expect(call.transcript.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(call.end?.endReason).toBe('task-lost');
    await state.close();
  });
});
