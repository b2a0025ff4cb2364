/**
 * The storage seams of a call: sessions (who owns a live call), the transcript write-ahead log,
 * and the durable call record. The pipeline codes against these interfaces only; the factory in
 * `state-layer.ts` picks Redis/MongoDB or the embedded defaults at start-up.
 */

export interface TranscriptEntry {
  callSid: string;
  /** Per-call sequence number, assigned by the owner of the call; the idempotency key. */
  seq: number;
  speaker: 'caller' | 'agent' | 'system';
  text: string;
  /** ISO 8601. */
  timestamp: string;
  interrupted?: boolean;
}

export interface TranscriptBatch {
  callSid: string;
  entries: TranscriptEntry[];
}

export interface TurnMetrics {
  turn: number;
  sttEndpointMs?: number;
  llmFirstTokenMs?: number;
  ttsFirstByteMs?: number;
  turnLatencyMs?: number;
  overheadMs?: number;
}

export interface CallStart {
  callSid: string;
  agentId: string;
  from?: string;
  to?: string;
  startedAt: string;
  taskId: string;
}

export type CallEndStatus = 'completed' | 'interrupted' | 'failed' | 'rejected';

export interface CallEnd {
  callSid: string;
  status: CallEndStatus;
  endedAt: string;
  durationSec: number;
  endReason: string;
  turns: TurnMetrics[];
}

export interface CallSession {
  callSid: string;
  agentId: string;
  ownerTaskId: string;
  state: string;
  turn: number;
  nextSeq: number;
  startedAt: string;
  updatedAt: string;
  data?: Record<string, unknown>;
}

/** Memory (embedded default) and Redis (TTL + owner lease). */
export interface SessionStore {
  create(s: CallSession, leaseTtlMs: number): Promise<void>;
  /** Turn boundaries only. Throws SessionOwnershipLostError when another task has claimed the call. */
  save(s: CallSession): Promise<void>;
  get(callSid: string): Promise<CallSession | null>;
  /** One round trip for all of a task's calls; calls the task no longer owns are left alone. */
  renewLeases(taskId: string, callSids: string[], leaseTtlMs: number): Promise<void>;
  /** Sessions whose owner stopped renewing (lease expiry <= now), oldest first. */
  expiredLeases(now: number, limit: number): Promise<CallSession[]>;
  /** Atomic takeover (reaper): true for exactly one claimer of an expired lease. */
  claim(callSid: string, taskId: string, leaseTtlMs: number): Promise<boolean>;
  delete(callSid: string): Promise<void>;
  close(): Promise<void>;
}

/** MongoDB (mongoose) in production; JSON-lines file store locally. */
export interface CallRecordSink {
  /** Upsert, idempotent. */
  startCall(c: CallStart): Promise<void>;
  /** Idempotent by seq: a line already stored is never stored twice, in any order of batches. */
  appendTranscript(callSid: string, entries: TranscriptEntry[]): Promise<void>;
  /**
   * Several calls' lines in one store write (one MongoDB bulkWrite round trip), same
   * idempotency per call. The write-ahead log flushes through this.
   */
  appendTranscripts(batches: ReadonlyArray<TranscriptBatch>): Promise<void>;
  /** Idempotent; the first finalization wins. */
  endCall(e: CallEnd): Promise<void>;
  close(): Promise<void>;
}

export interface TranscriptLogStats {
  /** Lines appended by this instance and not yet acknowledged by the sink. */
  pending: number;
  /** appendTranscript calls made on the sink (successful or not). */
  sinkWrites: number;
  linesAppended: number;
  /** sinkWrites / linesAppended (0 before the first line). */
  storeWritesPerLine: number;
  oldestPendingAgeMs: number;
  /** Lines refused because the backlog reached TRANSCRIPT_MAX_BACKLOG. */
  droppedLines: number;
  /** Sink writes that threw (and were retried). */
  sinkFailures: number;
}

/** The write-ahead log + flusher in front of a CallRecordSink. */
export interface TranscriptLog {
  /** Non-blocking for the caller; durable in Redis as soon as possible. */
  append(entry: TranscriptEntry): void;
  /** At call end: resolves when everything appended for the call is in the sink. */
  flushCall(callSid: string): Promise<void>;
  /** Drain everything. */
  flushAll(): Promise<void>;
  stats(): TranscriptLogStats;
  close(): Promise<void>;
}

/** A transcript log that can take over the write-ahead log of a task that died (reaper). */
export interface RecoverableTranscriptLog extends TranscriptLog {
  /** Writes every entry still in the dead task's log to the sink; returns the number delivered. */
  drainTask(deadTaskId: string): Promise<number>;
  /** Drains the logs of tasks silent for staleAfterMs (lines whose sessions are already gone). */
  drainDeadTasks(staleAfterMs: number): Promise<number>;
}

export class SessionOwnershipLostError extends Error {
  constructor(
    readonly callSid: string,
    readonly taskId: string,
  ) {
    super(`call ${callSid} is no longer owned by task ${taskId}`);
    this.name = 'SessionOwnershipLostError';
  }
}

/** pino-compatible subset, so the state layer logs through whatever logger the service uses. */
export interface StateLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export const silentLogger: StateLogger = {
  warn: () => undefined,
  error: () => undefined,
  info: () => undefined,
};
