import {
  silentLogger,
  type CallRecordSink,
  type RecoverableTranscriptLog,
  type StateLogger,
  type TranscriptEntry,
  type TranscriptLogStats,
} from '../types';
import { defaultBatchPolicy, type BatchPolicy } from './batch-policy';
import { CallBatches } from './call-batches';
import { PendingLines } from './pending-lines';

export interface MemoryTranscriptLogOptions {
  policy?: Partial<BatchPolicy>;
  logger?: StateLogger;
}

/**
 * The embedded default: the same batching as the Redis log, straight from memory to the sink.
 * No other task can take over its lines, so a crash loses what was not yet written (at most one
 * batch per call, ≤ flushMs old); production uses the Redis log.
 */
export class MemoryTranscriptLog implements RecoverableTranscriptLog {
  private readonly policy: BatchPolicy;
  private readonly logger: StateLogger;
  private readonly batches: CallBatches<null>;
  private readonly pending = new PendingLines();
  private readonly timer: NodeJS.Timeout;
  private counters = { sinkWrites: 0, linesAppended: 0, droppedLines: 0, sinkFailures: 0 };
  private closed = false;

  constructor(
    private readonly sink: CallRecordSink,
    options: MemoryTranscriptLogOptions = {},
  ) {
    this.policy = { ...defaultBatchPolicy, ...options.policy };
    this.logger = options.logger ?? silentLogger;
    this.batches = new CallBatches(this.policy);
    this.timer = setInterval(() => this.pump(), this.policy.pollMs);
    this.timer.unref();
  }

  append(entry: TranscriptEntry): void {
    if (this.closed) throw new Error('transcript log is closed');
    if (this.pending.size >= this.policy.maxBacklog) {
      this.counters.droppedLines++;
      if (this.counters.droppedLines === 1 || this.counters.droppedLines % 1000 === 0) {
        this.logger.error({ droppedLines: this.counters.droppedLines }, 'transcript backlog full: dropping lines');
      }
      return;
    }
    const now = Date.now();
    if (!this.pending.add(entry, now)) return; // same seq appended twice
    this.counters.linesAppended++;
    this.batches.add(entry, null, now);
    this.pump();
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

  /** Nothing to take over: only this process ever wrote to this log. */
  async drainTask(): Promise<number> {
    return 0;
  }
  async drainDeadTasks(): Promise<number> {
    return 0;
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

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flushAll();
    } finally {
      this.closed = true;
      clearInterval(this.timer);
    }
  }

  private pump(): void {
    const due = this.batches.takeDue(Date.now());
    if (due.length === 0) return;
    const batches = due.map(({ callSid, batch }) => ({ callSid, entries: batch.map((b) => b.entry) }));
    this.counters.sinkWrites++;
    this.sink.appendTranscripts(batches).then(
      () => {
        for (const b of batches) {
          this.batches.succeeded(b.callSid);
          this.pending.settle(b.entries);
        }
        this.pump();
      },
      (err: unknown) => {
        this.counters.sinkFailures++;
        for (const b of batches) this.batches.failed(b.callSid, Date.now());
        const lines = batches.reduce((n, b) => n + b.entries.length, 0);
        this.logger.warn({ calls: batches.length, lines, err: String(err) }, 'transcript write failed; will retry');
      },
    );
  }
}
