import Redis from 'ioredis';
import {
  silentLogger,
  type CallRecordSink,
  type RecoverableTranscriptLog,
  type StateLogger,
  type TranscriptEntry,
  type TranscriptLogStats,
} from '../types';
import { defaultBatchPolicy, retryDelayMs, type BatchPolicy } from './batch-policy';
import { BatchFlusher } from './batch-flusher';
import { ENTRY_FIELD, decodeReadReply, encodeEntry } from './stream-codec';
import { drainStream } from './stream-takeover';
import { isBusyGroupError, isNoGroupError, walKeys, type WalKeys } from './wal-keys';

export interface RedisTranscriptLogOptions {
  taskId: string;
  policy?: Partial<BatchPolicy>;
  keyPrefix?: string;
  /** A stream nobody appends to for this long expires (a dead task's stream the reaper never drained). */
  streamTtlMs?: number;
  heartbeatEveryMs?: number;
  logger?: StateLogger;
}

interface StreamRef {
  stream: string;
  id: string;
}

const DEFAULT_STREAM_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_HEARTBEAT_EVERY_MS = 5_000;

/**
 * The transcript write-ahead log on Redis Streams. One stream per task: its own flusher is the
 * only regular reader, so a call's lines are batched in one place and reach the sink in order;
 * a reaper drains the stream of a task that died. A line is XACKed (and XDELed) only after the
 * sink has it, so a crash at any point leaves it in Redis for a retry or a takeover.
 */
export class RedisTranscriptLog implements RecoverableTranscriptLog {
  readonly taskId: string;
  private readonly keys: WalKeys;
  private readonly stream: string;
  private readonly policy: BatchPolicy;
  private readonly logger: StateLogger;
  private readonly streamTtlMs: number;
  private readonly heartbeatEveryMs: number;
  private readonly flusher: BatchFlusher<StreamRef>;
  /** Lines in the sink whose XACK failed (Redis away); retried by the read loop. */
  private unacked: StreamRef[] = [];
  private groupReady = false;
  private lastHeartbeatMs = 0;
  private stopped = false;
  private closing: Promise<void> | undefined;
  private readonly loop: Promise<void>;

  /** `writer` carries appends and acks; `reader` is dedicated to the blocking XREADGROUP. */
  constructor(
    private readonly writer: Redis,
    private readonly reader: Redis,
    private readonly sink: CallRecordSink,
    options: RedisTranscriptLogOptions,
  ) {
    this.taskId = options.taskId;
    this.keys = walKeys(options.keyPrefix);
    this.stream = this.keys.stream(this.taskId);
    this.policy = { ...defaultBatchPolicy, ...options.policy };
    this.logger = options.logger ?? silentLogger;
    this.streamTtlMs = options.streamTtlMs ?? DEFAULT_STREAM_TTL_MS;
    this.heartbeatEveryMs = options.heartbeatEveryMs ?? DEFAULT_HEARTBEAT_EVERY_MS;
    this.flusher = new BatchFlusher<StreamRef>(sink, this.policy, this.logger, (refs) => {
      this.unacked.push(...refs);
      void this.retryAcks();
    });
    this.loop = this.readLoop();
  }

  /** Opens its own two connections (closed by close()). */
  static connect(redisUrl: string, sink: CallRecordSink, options: RedisTranscriptLogOptions): RedisTranscriptLog {
    // Fail commands after a few reconnect attempts: the log retries on its own schedule.
    const writer = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    const reader = new Redis(redisUrl, { maxRetriesPerRequest: null });
    for (const c of [writer, reader]) c.on('error', () => undefined); // reconnects; failures surface per command
    return new RedisTranscriptLog(writer, reader, sink, options);
  }

  append(entry: TranscriptEntry): void {
    if (this.stopped) throw new Error('transcript log is closed');
    if (!this.flusher.admit(entry, Date.now())) return;
    this.xadd(entry, 0);
  }

  flushCall(callSid: string): Promise<void> {
    return this.flusher.flushCall(callSid);
  }

  flushAll(): Promise<void> {
    return this.flusher.flushAll();
  }

  drainTask(deadTaskId: string): Promise<number> {
    if (deadTaskId === this.taskId) return Promise.resolve(0);
    return drainStream(
      {
        redis: this.writer,
        sink: this.sink,
        keys: this.keys,
        consumer: this.taskId,
        policy: this.policy,
        onWritten: (entries) => {
          this.flusher.counters.sinkWrites++;
          this.flusher.pending.settle(entries);
        },
        onWriteFailed: () => {
          this.flusher.counters.sinkWrites++;
          this.flusher.counters.sinkFailures++;
        },
      },
      deadTaskId,
    );
  }

  /**
   * Drains the streams of tasks whose heartbeat is older than staleAfterMs (tasks that died with
   * lines whose sessions are already gone), then deletes the emptied streams.
   */
  async drainDeadTasks(staleAfterMs: number, limit = 10): Promise<number> {
    const dead = await this.writer.zrangebyscore(this.keys.heartbeats, '-inf', Date.now() - staleAfterMs, 'LIMIT', 0, limit);
    let delivered = 0;
    for (const taskId of dead) {
      if (taskId === this.taskId) continue;
      delivered += await this.drainTask(taskId);
      const stream = this.keys.stream(taskId);
      if ((await this.writer.xlen(stream)) === 0) await this.writer.del(stream);
      await this.writer.zrem(this.keys.heartbeats, taskId);
    }
    return delivered;
  }

  stats(): TranscriptLogStats {
    return this.flusher.stats();
  }

  /**
   * Graceful: writes everything pending, acknowledges it, removes the task's empty stream.
   * `{ flush: false }` drops the connections as a crash would (tests, and a forced exit).
   */
  close(options: { flush?: boolean } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.flush !== false);
    return this.closing;
  }

  private async shutdown(flush: boolean): Promise<void> {
    let flushError: unknown;
    if (flush) {
      await this.flushAll().catch((err: unknown) => {
        flushError = err;
      });
      await this.retryAcks();
    }
    this.stopped = true;
    this.reader.disconnect();
    await this.loop;
    if (flush && flushError === undefined) {
      try {
        if ((await this.writer.xlen(this.stream)) === 0) {
          await this.writer.multi().del(this.stream).zrem(this.keys.heartbeats, this.taskId).exec();
        }
      } catch (err) {
        this.logger.warn({ err: String(err) }, 'could not remove the transcript stream');
      }
    }
    if (flush) await this.writer.quit().catch(() => undefined);
    else this.writer.disconnect();
    if (flushError !== undefined) throw flushError;
  }

  private xadd(entry: TranscriptEntry, failures: number): void {
    this.writer
      .pipeline()
      .xadd(this.stream, '*', ENTRY_FIELD, encodeEntry(entry))
      .pexpire(this.stream, this.streamTtlMs)
      .exec()
      .then((results) => {
        const err = results?.[0]?.[0];
        if (err) throw err;
      })
      .catch((err: unknown) => {
        if (this.stopped) return;
        if (failures === 0) this.logger.warn({ callSid: entry.callSid, err: String(err) }, 'XADD failed; retrying');
        const timer = setTimeout(() => this.xadd(entry, failures + 1), retryDelayMs(failures + 1, this.policy));
        timer.unref();
      });
  }

  private async readLoop(): Promise<void> {
    // First whatever an earlier process with this task id read but never acknowledged.
    let cursor = '0';
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.ensureGroup();
        this.heartbeat();
        await this.retryAcks();
        if (this.flusher.batches.size >= this.policy.maxBacklog) {
          // The sink is far behind: leave further lines in Redis until it catches up.
          await sleep(this.policy.pollMs);
        } else {
          const reply: unknown = await this.reader.xreadgroup(
            'GROUP', this.keys.group, this.taskId, 'COUNT', this.policy.maxBatchEntries,
            'BLOCK', this.policy.pollMs, 'STREAMS', this.stream, cursor,
          );
          const messages = decodeReadReply(reply);
          const now = Date.now();
          for (const m of messages) {
            if (m.entry) this.flusher.batches.add(m.entry, { stream: this.stream, id: m.id }, now);
            else this.unacked.push({ stream: this.stream, id: m.id }); // unreadable: drop it from the log
          }
          if (cursor !== '>') cursor = messages.length === 0 ? '>' : (messages[messages.length - 1]?.id ?? '>');
        }
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        if (isNoGroupError(err)) {
          // Redis came back empty (or the stream expired): recreate the group, re-append.
          this.groupReady = false;
          cursor = '0';
          this.refill();
          continue;
        }
        failures++;
        if (failures === 1) this.logger.warn({ err: String(err) }, 'transcript log read failed; retrying');
        await sleep(retryDelayMs(failures, this.policy));
      }
      this.flusher.pump();
    }
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.writer.xgroup('CREATE', this.stream, this.keys.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!isBusyGroupError(err)) throw err;
    }
    this.groupReady = true;
  }

  /** Lines the sink does not have and that are not in memory are appended again. */
  private refill(): void {
    const missing = this.flusher.pending.entries().filter((e) => !this.flusher.batches.has(e.callSid, e.seq));
    if (missing.length > 0) this.logger.warn({ lines: missing.length }, 'transcript stream lost; re-appending');
    for (const entry of missing) this.xadd(entry, 0);
  }

  private heartbeat(): void {
    const now = Date.now();
    if (now - this.lastHeartbeatMs < this.heartbeatEveryMs) return;
    this.lastHeartbeatMs = now;
    this.writer.zadd(this.keys.heartbeats, now, this.taskId).catch(() => {
      this.lastHeartbeatMs = 0;
    });
  }

  private async retryAcks(): Promise<void> {
    if (this.unacked.length === 0) return;
    const refs = this.unacked;
    this.unacked = [];
    const ids = refs.map((r) => r.id);
    try {
      const results = await this.writer
        .multi()
        .xack(this.stream, this.keys.group, ...ids)
        .xdel(this.stream, ...ids)
        .exec();
      const err = results?.find(([e]) => e)?.[0];
      if (err) throw err;
    } catch (err) {
      if (!this.stopped) this.unacked.push(...refs);
      this.logger.warn({ lines: refs.length, err: String(err) }, 'XACK failed; will retry');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
  });
}
