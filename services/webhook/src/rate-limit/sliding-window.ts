/**
 * The smoothed window, shared by every counter store.
 *
 * Time is cut into buckets of `bucketMs` (default 10 s, dividing the 60 s window into K = 6).
 * A call arriving in bucket j is admitted only if the calls counted in buckets j-K .. j (K+1
 * buckets, the current one included) stay within the limit.
 *
 * Why K+1 buckets and not K: any 60 s span [t, t+60 s) touches at most K+1 consecutive buckets,
 * and every aligned run of K+1 buckets holds at most `limit` calls (the last admission into
 * bucket j saw the earlier K buckets closed). So the admitted count in ANY 60 s span never
 * exceeds the limit: over-admission bound 0, given the writers' clocks agree. The price is on
 * the other side: an admitted call keeps counting for between 60 s and 60 s + one bucket
 * (70 s by default), so a steady stream can be refused slightly early. A classic two-window
 * weighted counter (previous minute x overlap + current) admits up to ~2x the limit in a
 * 60 s span when the previous minute's calls all came at its end; this design cannot.
 */
export interface SlidingWindowShape {
  windowMs: number;
  bucketMs: number;
}

export const DEFAULT_WINDOW: SlidingWindowShape = { windowMs: 60_000, bucketMs: 10_000 };

export function validateWindow(shape: SlidingWindowShape): SlidingWindowShape {
  if (!Number.isInteger(shape.bucketMs) || shape.bucketMs <= 0 || shape.windowMs % shape.bucketMs !== 0) {
    throw new Error(`bucketMs (${shape.bucketMs}) must be a positive integer dividing windowMs (${shape.windowMs})`);
  }
  return shape;
}

export function bucketIndexAt(nowMs: number, shape: SlidingWindowShape): number {
  return Math.floor(nowMs / shape.bucketMs);
}

/** K: the buckets before the current one that still count. */
export function previousBucketCount(shape: SlidingWindowShape): number {
  return shape.windowMs / shape.bucketMs;
}

/** The oldest bucket that still counts for a call in bucket `current`. */
export function oldestCountedBucket(current: number, shape: SlidingWindowShape): number {
  return current - previousBucketCount(shape);
}

/** After this instant no window includes bucket `bucket` any more (TTL for the counter). */
export function bucketIrrelevantAfterMs(bucket: number, shape: SlidingWindowShape): number {
  return (bucket + 1) * shape.bucketMs + shape.windowMs;
}
