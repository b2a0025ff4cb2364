import { InProcessLimiter, type ConcurrencyLimiter, type Lease } from '../../services/voice/src/capacity/index';
import { TurnLatencyBuffer, metricsSnapshotSource } from '../../services/voice/src/observability/metrics-snapshot';

/** A Redis-backed limiter during an outage: stats never answer. */
const stalled: ConcurrencyLimiter = {
  name: 'elevenlabs-tts',
  acquire: () => new Promise<Lease>(() => undefined),
  stats: () => new Promise(() => undefined),
  close: async () => undefined,
};

describe('metrics snapshot for the CloudWatch publisher', () => {
  it('reads active calls, limiter gauges and the turns since the last snapshot', async () => {
    const stt = new InProcessLimiter('deepgram-stt', 3);
    const leases = [await stt.acquire(), await stt.acquire()];
    const turns = new TurnLatencyBuffer();
    turns.add(700);
    turns.add(undefined); // an interrupted turn has no latency
    turns.add(910);
    const snapshot = metricsSnapshotSource({ activeCalls: () => 2, limiters: { 'deepgram-stt': stt }, turnLatencies: turns, transcriptBacklog: () => 4 });

    await expect(snapshot()).resolves.toEqual({
      activeCalls: 2,
      limits: [{ name: 'deepgram-stt', inUse: 2, queued: 0, limit: 3, waitP95Ms: 0 }],
      turnLatenciesMs: [700, 910],
      transcriptBacklog: 4,
    });
    // Drained: the next interval starts empty.
    expect((await snapshot()).turnLatenciesMs).toEqual([]);
    await Promise.all(leases.map((l) => l.release()));
    await stt.close();
  });

  it('still reports ActiveCalls when a limiter or the backlog does not answer', async () => {
    const llm = new InProcessLimiter('openai-llm', 10);
    const snapshot = metricsSnapshotSource({
      activeCalls: () => 5,
      limiters: { 'elevenlabs-tts': stalled, 'openai-llm': llm },
      turnLatencies: new TurnLatencyBuffer(),
      transcriptBacklog: () => {
        throw new Error('redis down');
      },
      sourceTimeoutMs: 50,
    });
    const snap = await snapshot();
    expect(snap.activeCalls).toBe(5);
    expect(snap.limits.map((l) => l.name)).toEqual(['openai-llm']);
    expect(snap.transcriptBacklog).toBeUndefined();
    await llm.close();
  });

  it('bounds the buffer if nobody drains it', () => {
    const turns = new TurnLatencyBuffer(3);
    for (const v of [1, 2, 3, 4, 5]) turns.add(v);
    expect(turns.drain()).toEqual([1, 2, 3]);
    expect(turns.dropped).toBe(2);
  });
});
