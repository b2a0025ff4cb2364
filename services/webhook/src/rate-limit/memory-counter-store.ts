import type { IncrementResult, WindowCounterStore } from './counter-store';
import {
  bucketIndexAt,
  DEFAULT_WINDOW,
  oldestCountedBucket,
  validateWindow,
  type SlidingWindowShape,
} from './sliding-window';

const SWEEP_EVERY = 1000;

/**
 * The embedded default: exact within one process (JavaScript runs each call to completion, so
 * read-and-increment cannot interleave). Not shared between processes: local mode only.
 */
export class MemoryCounterStore implements WindowCounterStore {
  private readonly counters = new Map<string, Map<number, number>>();
  private readonly shape: SlidingWindowShape;
  private incrementsSinceSweep = 0;

  constructor(shape: SlidingWindowShape = DEFAULT_WINDOW) {
    this.shape = validateWindow(shape);
  }

  tryIncrement(counterKey: string, limit: number, nowMs: number): Promise<IncrementResult> {
    const current = bucketIndexAt(nowMs, this.shape);
    const oldest = oldestCountedBucket(current, this.shape);
    if (++this.incrementsSinceSweep >= SWEEP_EVERY) this.sweep(oldest);
    const buckets = this.counters.get(counterKey) ?? new Map<number, number>();
    let windowCount = 0;
    for (const [bucket, count] of buckets) {
      // Older buckets are kept for one extra bucket (see rollback), then dropped.
      if (bucket < oldest - 1) buckets.delete(bucket);
      else if (bucket >= oldest && bucket <= current) windowCount += count;
    }
    if (windowCount >= limit) {
      this.counters.set(counterKey, buckets);
      return Promise.resolve({ counted: false, windowCount });
    }
    buckets.set(current, (buckets.get(current) ?? 0) + 1);
    this.counters.set(counterKey, buckets);
    return Promise.resolve({ counted: true, bucket: current });
  }

  rollback(counterKey: string, bucket: number): Promise<void> {
    const buckets = this.counters.get(counterKey);
    const count = buckets?.get(bucket);
    if (buckets && count !== undefined) {
      if (count <= 1) buckets.delete(bucket);
      else buckets.set(bucket, count - 1);
    }
    return Promise.resolve();
  }

  /** Callers come and go: forget keys whose buckets all fell out of every window. */
  private sweep(oldest: number): void {
    this.incrementsSinceSweep = 0;
    for (const [key, buckets] of this.counters) {
      if (![...buckets.keys()].some((b) => b >= oldest - 1)) this.counters.delete(key);
    }
  }

  /** Keys currently tracked; lets long-running local servers be inspected and tests check cleanup. */
  get trackedKeys(): number {
    return this.counters.size;
  }
}
