export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Nearest-rank percentiles. With no values every percentile is NaN (serialised as null in JSON),
 * so a threshold check such as `p95 < 1500` fails instead of passing on an empty run.
 */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p95: NaN, p99: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => {
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
  };
  return { p50: at(50), p95: at(95), p99: at(99) };
}
