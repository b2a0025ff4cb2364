/**
 * One counter per key (global, an agent, a caller), counted in sliding-window buckets
 * (see sliding-window.ts). Implementations: in memory (embedded default) and DynamoDB.
 */
export type IncrementResult =
  /** Counted in `bucket`; pass it to `rollback` to undo. */
  | { counted: true; bucket: number }
  /** Refused: counting it would exceed the limit. `windowCount` is what the window held. */
  | { counted: false; windowCount: number };

export interface WindowCounterStore {
  /** Counts one call at `nowMs` if the window stays within `limit`; atomic against concurrent callers. */
  tryIncrement(counterKey: string, limit: number, nowMs: number): Promise<IncrementResult>;
  /** Undoes one earlier successful increment (a later counter refused the call). */
  rollback(counterKey: string, bucket: number): Promise<void>;
}
