import {
  silentLogger,
  type CallRecordSink,
  type RecoverableTranscriptLog,
  type StateLogger,
  type TranscriptEntry,
  type TranscriptLogStats,
} from '../types';
import { BatchFlusher } from './batch-flusher';
import { defaultBatchPolicy, type BatchPolicy } from './batch-policy';

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
  private readonly flusher: BatchFlusher<null>;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(sink: CallRecordSink, options: MemoryTranscriptLogOptions = {}) {
    const policy: BatchPolicy = { ...defaultBatchPolicy, ...options.policy };
    this.flusher = new BatchFlusher<null>(sink, policy, options.logger ?? silentLogger);
    this.timer = setInterval(() => this.flusher.pump(), policy.pollMs);
    this.timer.unref();
  }

  append(entry: TranscriptEntry): void {
    if (this.closed) throw new Error('transcript log is closed');
    const now = Date.now();
    if (!this.flusher.admit(entry, now)) return;
    this.flusher.batches.add(entry, null, now);
    this.flusher.pump();
  }

  flushCall(callSid: string): Promise<void> {
    return this.flusher.flushCall(callSid);
  }

  flushAll(): Promise<void> {
    return this.flusher.flushAll();
  }

  /** Nothing to take over: only this process ever wrote to this log. */
  async drainTask(): Promise<number> {
    return 0;
  }
  async drainDeadTasks(): Promise<number> {
    return 0;
  }

  stats(): TranscriptLogStats {
    return this.flusher.stats();
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
}
