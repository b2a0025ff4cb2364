import fc from 'fast-check';
import mongoose from 'mongoose';
import { agentModel } from '../../services/voice/src/state/mongo/agent-model';
import { callLogModel, type CallLogDoc } from '../../services/voice/src/state/mongo/call-log-model';
import {
  appendTranscriptUpdate,
  endCallUpdate,
  startCallUpdate,
  type UpdateSpec,
} from '../../services/voice/src/state/mongo/call-log-updates';
import { agentConfigFromDoc } from '../../services/voice/src/state/mongo/mongo-agent-store';
import { MongoCallSink, type CallLogWrites } from '../../services/voice/src/state/mongo/mongo-call-sink';
import { line, range } from './helpers';

// Models on a connection that is never opened: queries are built, never sent.
const offline = mongoose.createConnection();
const CallLog = callLogModel(offline);
const Agent = agentModel(offline);

describe('CallLog update documents', () => {
  it('appends a batch only when none of its seqs is stored, in seq order, with $push $each', () => {
    const spec = appendTranscriptUpdate('CA1', [line('CA1', 7), line('CA1', 5), line('CA1', 6), line('CA1', 5)]);
    expect(spec.filter).toEqual({ callSid: 'CA1', 'transcript.seq': { $nin: [5, 6, 7] } });
    expect(spec.upsert).toBe(false);
    expect(spec.update).toEqual({
      $push: {
        transcript: {
          $each: [5, 6, 7].map((seq) => ({
            seq,
            speaker: seq % 2 === 0 ? 'caller' : 'agent',
            text: `line ${seq} of CA1`,
            timestamp: new Date(1_700_000_000_000 + seq * 1000),
          })),
          $sort: { seq: 1 },
        },
      },
      $max: { lastSeq: 7 },
    });
  });

  it('is what mongoose sends for updateOne, and casts to the schema types', () => {
    const spec = appendTranscriptUpdate('CA1', [line('CA1', 0), { ...line('CA1', 1), interrupted: true }]);
    const query = CallLog.updateOne(spec.filter, spec.update);
    expect(query.getFilter()).toEqual(spec.filter);
    expect(query.getUpdate()).toEqual(spec.update);
    // Filter casting as mongoose applies it (seq strings would become numbers).
    expect(query.cast(CallLog, { callSid: 'CA1', 'transcript.seq': { $nin: ['3'] } })).toEqual({
      callSid: 'CA1',
      'transcript.seq': { $nin: [3] },
    });
    const cast = CallLog.castObject({ transcript: [{ ...line('CA1', 2), timestamp: '2024-01-01T00:00:00Z' }] });
    expect(cast.transcript?.[0]?.timestamp).toEqual(new Date('2024-01-01T00:00:00Z'));
  });

  it('validates stored lines and statuses', () => {
    const good = new CallLog({ callSid: 'CA1', transcript: [{ seq: 0, speaker: 'caller', text: 'hi', timestamp: new Date() }] });
    expect(good.validateSync()).toBeUndefined();
    expect(good.status).toBe('in-progress');
    expect(good.lastSeq).toBe(-1);
    const bad = new CallLog({ callSid: 'CA1', status: 'lost', transcript: [{ seq: -1, speaker: 'robot', text: 'x', timestamp: new Date() }] });
    const err = bad.validateSync();
    expect(Object.keys(err?.errors ?? {}).sort()).toEqual(['status', 'transcript.0.seq', 'transcript.0.speaker']);
  });

  it('starts a call as an idempotent upsert and ends it only once', () => {
    const start = startCallUpdate({ callSid: 'CA1', agentId: 'a1', startedAt: '2024-01-01T00:00:00Z', taskId: 't1', from: '+91' });
    expect(start).toMatchObject({ filter: { callSid: 'CA1' }, upsert: true });
    expect(start.update).toMatchObject({
      $set: { agentId: 'a1', taskId: 't1', from: '+91', startedAt: new Date('2024-01-01T00:00:00Z') },
      $setOnInsert: { status: 'in-progress', lastSeq: -1 },
    });
    const end = endCallUpdate({ callSid: 'CA1', status: 'completed', endedAt: '2024-01-01T00:02:00Z', durationSec: 120, endReason: 'hangup', turns: [] });
    expect(end.filter).toEqual({ callSid: 'CA1', endedAt: null });
  });

  it("declares the plan's indexes plus the lookups the service makes", () => {
    const callIndexes = CallLog.schema.indexes().map(([key, opts]) => [opts.name, key, opts.unique ?? false]);
    expect(callIndexes).toEqual(
      expect.arrayContaining([
        ['callsid_unique', { callSid: 1 }, true],
        ['status_created_idx', { status: 1, createdAt: -1 }, false],
        ['agent_status_idx', { agentId: 1, status: 1 }, false],
        ['created_desc_idx', { createdAt: -1 }, false],
        ['agent_started_idx', { agentId: 1, startedAt: -1 }, false],
      ]),
    );
    const agentIndexes = Agent.schema.indexes().map(([key, opts]) => [opts.name, key, opts.unique ?? false]);
    expect(agentIndexes).toEqual(
      expect.arrayContaining([
        ['agentid_unique', { agentId: 1 }, true],
        ['user_active_idx', { userId: 1, isActive: 1 }, false],
      ]),
    );
  });
});

/**
 * Just enough of MongoDB's update semantics to run MongoCallSink's retry logic against: the
 * operators in the update documents checked above, applied atomically per document.
 */
class FakeCallLogs implements CallLogWrites {
  readonly docs = new Map<string, Partial<CallLogDoc> & { transcript: CallLogDoc['transcript'] }>();
  updates = 0;

  async update(spec: UpdateSpec): Promise<{ matched: boolean }> {
    this.updates++;
    const callSid = spec.filter.callSid as string;
    let doc = this.docs.get(callSid);
    if (doc && !this.matches(spec.filter, doc)) return { matched: false };
    const inserting = !doc;
    if (!doc) {
      if (!spec.upsert) return { matched: false };
      doc = { callSid, transcript: [] };
      this.docs.set(callSid, doc);
    }
    const u = spec.update as Record<string, Record<string, unknown>>;
    if (inserting) Object.assign(doc, u.$setOnInsert);
    Object.assign(doc, u.$set);
    const push = u.$push?.transcript as { $each: CallLogDoc['transcript'] } | undefined;
    if (push) doc.transcript = [...doc.transcript, ...push.$each].sort((a, b) => a.seq - b.seq);
    const max = u.$max?.lastSeq as number | undefined;
    if (max !== undefined) doc.lastSeq = Math.max(doc.lastSeq ?? -1, max);
    return { matched: true };
  }

  bulkWrites = 0;

  /** Unordered bulkWrite: each update applied on its own, one round trip counted. */
  async bulkUpdate(specs: UpdateSpec[]): Promise<{ matched: number }> {
    this.bulkWrites++;
    let matched = 0;
    for (const spec of specs) {
      this.updates--; // counted as part of the bulk write, not as a round trip of its own
      if ((await this.update(spec)).matched) matched++;
    }
    return { matched };
  }

  async storedSeqs(callSid: string): Promise<number[] | null> {
    return this.docs.get(callSid)?.transcript.map((t) => t.seq) ?? null;
  }

  private matches(filter: Record<string, unknown>, doc: Partial<CallLogDoc> & { transcript: CallLogDoc['transcript'] }): boolean {
    const nin = (filter['transcript.seq'] as { $nin: number[] } | undefined)?.$nin;
    if (nin && doc.transcript.some((t) => nin.includes(t.seq))) return false;
    if ('endedAt' in filter && doc.endedAt != null) return false;
    return true;
  }
}

describe('MongoCallSink', () => {
  it('stores every line exactly once, whatever batches arrive in whatever order and however often', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.subarray(range(30), { minLength: 1 }), { minLength: 1, maxLength: 12 }),
        async (batches) => {
          const logs = new FakeCallLogs();
          const sink = new MongoCallSink(logs);
          for (const seqs of batches) await sink.appendTranscript('CA1', seqs.map((s) => line('CA1', s)));
          const expected = [...new Set(batches.flat())].sort((a, b) => a - b);
          const doc = logs.docs.get('CA1');
          expect(doc?.transcript.map((t) => t.seq)).toEqual(expected);
          expect(doc?.lastSeq).toBe(expected[expected.length - 1]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes several calls in one round trip, and sorts out the ones that did not match', async () => {
    const logs = new FakeCallLogs();
    const sink = new MongoCallSink(logs);
    for (const sid of ['CA7', 'CA8', 'CA9']) await sink.startCall({ callSid: sid, agentId: 'a', startedAt: '2024-01-01T00:00:00Z', taskId: 't' });
    await sink.appendTranscript('CA8', [line('CA8', 0)]);
    logs.updates = 0;
    await sink.appendTranscripts([
      { callSid: 'CA7', entries: range(3).map((s) => line('CA7', s)) },
      { callSid: 'CA8', entries: range(2).map((s) => line('CA8', s)) }, // seq 0 is stored already
      { callSid: 'CA9', entries: range(4).map((s) => line('CA9', s)) },
    ]);
    expect(logs.bulkWrites).toBe(1);
    expect(logs.docs.get('CA7')?.transcript.map((t) => t.seq)).toEqual(range(3));
    expect(logs.docs.get('CA8')?.transcript.map((t) => t.seq)).toEqual(range(2));
    expect(logs.docs.get('CA9')?.transcript.map((t) => t.seq)).toEqual(range(4));
    logs.updates = 0;
    logs.bulkWrites = 0;
    await sink.appendTranscripts([{ callSid: 'CA7', entries: [line('CA7', 3)] }, { callSid: 'CA9', entries: [line('CA9', 4)] }]);
    expect(logs.bulkWrites).toBe(1);
    expect(logs.updates).toBe(0); // everything matched: no per-call round trips
  });

  it('writes only the missing part of a partially stored batch', async () => {
    const logs = new FakeCallLogs();
    const sink = new MongoCallSink(logs);
    await sink.startCall({ callSid: 'CA2', agentId: 'a', startedAt: '2024-01-01T00:00:00Z', taskId: 't' });
    await sink.appendTranscript('CA2', range(5).map((s) => line('CA2', s)));
    logs.updates = 0;
    await sink.appendTranscript('CA2', range(8).map((s) => line('CA2', s)));
    expect(logs.updates).toBe(2); // refused once, then the three new lines
    expect(logs.docs.get('CA2')?.transcript.map((t) => t.seq)).toEqual(range(8));
    expect(logs.docs.get('CA2')?.status).toBe('in-progress');
  });

  it('creates the record when lines arrive before the start, and keeps the first end', async () => {
    const logs = new FakeCallLogs();
    const sink = new MongoCallSink(logs);
    await sink.appendTranscript('CA3', [line('CA3', 0)]);
    await sink.startCall({ callSid: 'CA3', agentId: 'a', startedAt: '2024-01-01T00:00:00Z', taskId: 't' });
    const end = { callSid: 'CA3', endedAt: '2024-01-01T00:01:00Z', durationSec: 60, endReason: 'hangup', turns: [] };
    await sink.endCall({ ...end, status: 'completed' });
    await sink.endCall({ ...end, status: 'interrupted', endReason: 'task-lost' });
    const doc = logs.docs.get('CA3');
    expect(doc).toMatchObject({ agentId: 'a', status: 'completed', endReason: 'hangup', lastSeq: 0 });
    expect(doc?.transcript).toHaveLength(1);
  });
});

describe('Agent documents', () => {
  it('become AgentConfig with the app defaults filled in', () => {
    const doc = new Agent({ agentId: 'sales', name: 'Asha', llm: { temperature: 0.2 }, voice: { provider: 'deepgram' } });
    expect(doc.validateSync()).toBeUndefined();
    const config = agentConfigFromDoc(doc.toObject());
    expect(config).toMatchObject({ agentId: 'sales', name: 'Asha', llm: { temperature: 0.2, model: 'gpt-4o-mini' }, voice: { provider: 'deepgram' } });
    expect(config.bargeIn.minWords).toBeGreaterThan(0);
  });

  it('reject invalid stored values', () => {
    expect(new Agent({ agentId: 'x', voice: { provider: 'polly' } }).validateSync()).toBeDefined();
    expect(() => agentConfigFromDoc({ agentId: 'bad id with spaces' })).toThrow();
  });
});

afterAll(() => offline.close());
