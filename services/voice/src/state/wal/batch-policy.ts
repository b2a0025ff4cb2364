/** Knobs shared by both transcript logs; every default lives here. */
export interface BatchPolicy {
  /** Write a call's lines once this many are waiting (TRANSCRIPT_BATCH_SIZE). */
  batchSize: number;
  /** ...or once the oldest has waited this long (TRANSCRIPT_FLUSH_MS). */
  flushMs: number;
  /** Lines appended but not yet in the sink beyond which new lines are refused (TRANSCRIPT_MAX_BACKLOG). */
  maxBacklog: number;
  /** Largest single sink write, so a backlog drains in bounded chunks. */
  maxBatchEntries: number;
  /** First retry delay after a failed sink write; doubles per failure up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often due batches are checked (and the longest a Redis read blocks). */
  pollMs: number;
  /** flushCall gives up (rejects; the lines stay queued) after this long. */
  flushTimeoutMs: number;
}

export const defaultBatchPolicy = {
  // The user's plan: flush every 5 entries or every 10 seconds.
  batchSize: 5,
  flushMs: 10_000,
  // ~100k short lines is tens of MB in Redis: far beyond a normal outage's backlog, small
  // enough not to starve the sessions and limiters that share the instance.
  maxBacklog: 100_000,
  maxBatchEntries: 500,
  retryBaseMs: 250,
  retryMaxMs: 15_000,
  pollMs: 250,
  flushTimeoutMs: 30_000,
} as const satisfies BatchPolicy;

/** Exponential backoff with jitter (half fixed, half random), so retrying tasks spread out. */
export function retryDelayMs(failures: number, policy: Pick<BatchPolicy, 'retryBaseMs' | 'retryMaxMs'>): number {
  const capped = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, failures - 1));
  return capped / 2 + Math.random() * (capped / 2);
}
