import type { CallEnd, CallRecordSink, CallStart, TranscriptBatch, TranscriptEntry } from '../types';
import type { CallLogModel } from './call-log-model';
import {
  appendTranscriptUpdate,
  endCallUpdate,
  endUnknownCallUpdate,
  ensureCallUpdate,
  normalizeBatch,
  startCallUpdate,
  type UpdateSpec,
} from './call-log-updates';

/** The two operations the sink needs from the CallLog collection (a seam for tests). */
export interface CallLogWrites {
  update(spec: UpdateSpec): Promise<{ matched: boolean }>;
  /** Several updates in one round trip (unordered bulkWrite); how many matched in total. */
  bulkUpdate(specs: UpdateSpec[]): Promise<{ matched: number }>;
  /** Stored seqs of the call, or null when it has no record. */
  storedSeqs(callSid: string): Promise<number[] | null>;
}

export function mongooseCallLogWrites(model: CallLogModel): CallLogWrites {
  return {
    async update(spec) {
      const res = await model.updateOne(spec.filter, spec.update, { upsert: spec.upsert });
      return { matched: res.matchedCount > 0 || res.upsertedCount > 0 };
    },
    async bulkUpdate(specs) {
      const res = await model.bulkWrite(
        specs.map((spec) => ({ updateOne: { filter: spec.filter, update: spec.update, upsert: spec.upsert } })) as Parameters<CallLogModel['bulkWrite']>[0],
        { ordered: false },
      );
      return { matched: res.matchedCount + res.upsertedCount };
    },
    async storedSeqs(callSid) {
      const doc = await model.findOne({ callSid }, { 'transcript.seq': 1 }).lean();
      return doc ? doc.transcript.map((t) => t.seq) : null;
    },
  };
}

/** Conditional appends that found their seqs taken, before giving up (each round shrinks the batch). */
const MAX_APPEND_ROUNDS = 5;

export class MongoCallSink implements CallRecordSink {
  constructor(
    private readonly writes: CallLogWrites,
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {}

  async startCall(c: CallStart): Promise<void> {
    await retryDuplicateKey(() => this.writes.update(startCallUpdate(c)));
  }

  async appendTranscript(callSid: string, entries: TranscriptEntry[]): Promise<void> {
    let remaining = normalizeBatch(entries);
    for (let round = 0; round < MAX_APPEND_ROUNDS && remaining.length > 0; round++) {
      if ((await this.writes.update(appendTranscriptUpdate(callSid, remaining))).matched) return;
      // Some of these seqs are stored already (a retry after a lost reply, a takeover), or the
      // call has no record yet: find out which, then append only the rest.
      const stored = await this.writes.storedSeqs(callSid);
      if (stored === null) {
        await retryDuplicateKey(() => this.writes.update(ensureCallUpdate(callSid)));
        continue;
      }
      const have = new Set(stored);
      remaining = remaining.filter((e) => !have.has(e.seq));
    }
    if (remaining.length > 0) throw new Error(`transcript of ${callSid}: ${remaining.length} lines not appended`);
  }

  /**
   * The common case costs one round trip for every call in the batch. If not every conditional
   * append matched (a seq already stored, a call with no record yet), the per-call path sorts
   * each call out; it is idempotent, so calls that did match are left as they are.
   */
  async appendTranscripts(batches: ReadonlyArray<TranscriptBatch>): Promise<void> {
    const work = batches.map((b) => ({ callSid: b.callSid, entries: normalizeBatch(b.entries) })).filter((b) => b.entries.length > 0);
    if (work.length === 0) return;
    const { matched } = await this.writes.bulkUpdate(work.map((b) => appendTranscriptUpdate(b.callSid, b.entries)));
    if (matched === work.length) return;
    for (const b of work) await this.appendTranscript(b.callSid, b.entries);
  }

  async endCall(e: CallEnd): Promise<void> {
    if ((await this.writes.update(endCallUpdate(e))).matched) return;
    await retryDuplicateKey(() => this.writes.update(endUnknownCallUpdate(e)));
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

/** Two concurrent upserts of one callSid: the loser hits the unique index; the retry then updates. */
async function retryDuplicateKey<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if ((err as { code?: unknown }).code === 11000) return op();
    throw err;
  }
}
