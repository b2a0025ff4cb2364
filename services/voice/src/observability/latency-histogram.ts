/**
 * Compresses latency samples into CloudWatch `Values`/`Counts` pairs. PutMetricData accepts at
 * most 150 distinct values per datum, and CloudWatch computes percentiles from them, so samples
 * are rounded onto a fixed grid that is fine where turn latency matters (20 ms steps below 1 s)
 * and coarse in the tail. The grid has at most 145 points, whatever the input.
 */

/** [upper bound, step] bands; a value rounds to the nearest multiple of its band's step. */
const BANDS: ReadonlyArray<readonly [upperMs: number, stepMs: number]> = [
  [1_000, 20],
  [3_000, 50],
  [10_000, 250],
  [60_000, 2_500],
  [120_000, 10_000],
];

/** Values above this are clamped: a two-minute "turn" is a broken call, not a distribution. */
export const MAX_BUCKET_MS = 120_000;

/** The CloudWatch hard limit on distinct values in one MetricDatum. */
export const MAX_DISTINCT_VALUES = 150;

export function bucketLatencyMs(valueMs: number): number {
  if (!Number.isFinite(valueMs) || valueMs <= 0) return 0;
  if (valueMs >= MAX_BUCKET_MS) return MAX_BUCKET_MS;
  for (const [upperMs, stepMs] of BANDS) {
    if (valueMs <= upperMs) return Math.min(upperMs, Math.round(valueMs / stepMs) * stepMs);
  }
  return MAX_BUCKET_MS;
}

export interface ValuesAndCounts {
  values: number[];
  counts: number[];
  /** Number of samples represented (sum of counts). */
  sampleCount: number;
}

/** Ascending values with their counts; empty input gives empty arrays. */
export function toValuesAndCounts(samplesMs: readonly number[]): ValuesAndCounts {
  const counts = new Map<number, number>();
  for (const s of samplesMs) {
    const b = bucketLatencyMs(s);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  return { values, counts: values.map((v) => counts.get(v) ?? 0), sampleCount: samplesMs.length };
}
