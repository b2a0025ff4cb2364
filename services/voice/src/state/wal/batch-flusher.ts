import type { CallRecordSink, StateLogger, TranscriptEntry, TranscriptLogStats } from '../types';
import type { BatchPolicy } from './batch-policy';
import { CallBatches, type Buffered } from './call-batches';
import { PendingLines } from './pending-lines';

/**
 * What both transcript logs share: the backlog bound, dedupe by seq, per-call batching with
 * grouped store writes (one sink write for every call that is ready), forced flushes and the
 * figures. `Ref` is where a line came from (a stream id in Redis), handed back once written.
 */
export class BatchFlusher<Ref> {
  readonly batches: CallBatches<Ref>;
  readonly pending = new PendingLines();
  readonly counters = { sinkWrites: 0, linesAppended: 0, droppedLines: 0, sinkFailures: 0 };

  constructor(
    private readonly sink: CallRecordSink,
    readonly policy: BatchPolicy,
    private readonly logger: StateLogger,
    /** The lines of a successful write (the Redis log acknowledges them). */
    private readonly onWritten: (refs: Ref[]) => void = () => undefined,
  ) {
    this.batches = new CallBatches(policy);
  }

  /** Records a new line; false when it is a repeat or the backlog is full (counted and logged). */
  admit(entry: TranscriptEntry, nowMs: number): boolean {
    if (this.pending.size >= this.policy.maxBacklog) {
      this.counters.droppedLines++;
      if (this.counters.droppedLines === 1 || this.counters.droppedLines % 1000 === 0) {
        this.logger.error({ droppedLines: this.counters.droppedLines }, 'transcript backlog full: dropping lines');
      }
      return false;
    }
    if (!this.pending.add(entry, nowMs)) return false; // same seq appended twice
    this.counters.linesAppended++;
    return true;
  }

  async flushCall(callSid: string): Promise<void> {
    this.batches.force(callSid);
    this.pump();
    try {
      await this.pending.waitForCall(callSid, this.policy.flushTimeoutMs);
    } finally {
      this.batches.unforce(callSid);
    }
  }

  async flushAll(): Promise<void> {
    this.batches.setForceAll(true);
    this.pump();
    try {
      await this.pending.waitForAll(this.policy.flushTimeoutMs);
    } finally {
      this.batches.setForceAll(false);
    }
  }

  /** Writes every due call's lines in one store write; failed ones are retried with backoff. */
  pump(): void {
    const due = this.batches.takeDue(Date.now());
    if (due.length > 0) this.write(due);
  }

  stats(): TranscriptLogStats {
    const { sinkWrites, linesAppended } = this.counters;
    return {
      ...this.counters,
      pending: this.pending.size,
      storeWritesPerLine: linesAppended === 0 ? 0 : sinkWrites / linesAppended,
      oldestPendingAgeMs: this.pending.oldestAgeMs(Date.now()),
    };
  }

  private write(due: Array<{ callSid: string; batch: Buffered<Ref>[] }>): void {
    const batches = due.map(({ callSid, batch }) => ({ callSid, entries: batch.map((b) => b.entry) }));
    this.counters.sinkWrites++;
    this.sink.appendTranscripts(batches).then(
      () => {
        const refs: Ref[] = [];
        for (const { callSid, batch } of due) {
          this.batches.succeeded(callSid);
          this.pending.settle(batch.map((b) => b.entry));
          for (const b of batch) refs.push(b.ref);
        }
        this.onWritten(refs);
        this.pump();
      },
      (err: unknown) => {
        this.counters.sinkFailures++;
        for (const { callSid } of due) this.batches.failed(callSid, Date.now());
        const lines = batches.reduce((n, b) => n + b.entries.length, 0);
        this.logger.warn({ calls: batches.length, lines, err: String(err) }, 'transcript write failed; will retry');
      },
    );
  }
}
