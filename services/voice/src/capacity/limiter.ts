/**
 * The seam between the voice pipeline and provider capacity. Provider limits (Deepgram live
 * streams, ElevenLabs / Deepgram TTS, OpenAI requests) are per ACCOUNT, so the production
 * implementation counts across every task in Redis; the in-process one is the embedded default.
 */

export interface AcquireOptions {
  /** Caller hung up → leave the queue at once, reject with an AbortError (`LimiterAbortError`). */
  signal?: AbortSignal;
  /** Bounded wait → reject with LimiterTimeoutError. 0 = only take a slot that is free now. */
  timeoutMs?: number;
  /**
   * Lower = sooner. Deadline-ordered: e.g. the epoch-ms at which this call would fall silent.
   * FIFO among equal priority. Default: now (FIFO).
   */
  priority?: number;
  /** E.g. callSid, for stats/debugging. */
  owner?: string;
}

export interface Lease {
  readonly id: string;
  /** Idempotent; never rejects (a release Redis did not hear about expires with the lease TTL). */
  release(): Promise<void>;
}

export interface LimiterStats {
  name: string;
  limit: number;
  /** Global (across tasks) where backed by Redis. */
  inUse: number;
  /** Global (across tasks) where backed by Redis. */
  queued: number;
  localInUse: number;
  localQueued: number;
  waitMs: { p50: number; p95: number; p99: number; count: number };
  acquired: number;
  timeouts: number;
  aborts: number;
}

export interface ConcurrencyLimiter {
  readonly name: string;
  acquire(opts?: AcquireOptions): Promise<Lease>;
  /** inUse/queued are global (across tasks) where backed by Redis. */
  stats(): Promise<LimiterStats>;
  /** Releases this process's leases, rejects its waiters, stops timers. */
  close(): Promise<void>;
}

export class LimiterTimeoutError extends Error {
  override readonly name = 'LimiterTimeoutError';
  constructor(
    readonly limiter: string,
    readonly timeoutMs: number,
  ) {
    super(`${limiter}: no slot within ${timeoutMs} ms`);
  }
}

/** Named 'AbortError' like fetch's, so `err.name === 'AbortError'` checks keep working. */
export class LimiterAbortError extends Error {
  override readonly name = 'AbortError';
  constructor(readonly limiter: string) {
    super(`${limiter}: acquire aborted`);
  }
}

export class LimiterClosedError extends Error {
  override readonly name = 'LimiterClosedError';
  constructor(readonly limiter: string) {
    super(`${limiter}: limiter closed`);
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Where limiter warnings go; pino's logger satisfies it. */
export interface LimiterLogger {
  warn(obj: object, msg: string): void;
}

export const silentLogger: LimiterLogger = { warn: () => undefined };
