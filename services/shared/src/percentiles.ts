export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Nearest-rank percentiles. An empty set gives `empty` for each (0 by default, so a stats
 * endpoint keeps one shape; the simulator passes NaN so a threshold check fails on no data).
 */
export function percentiles(values: readonly number[], empty = 0): Percentiles {
  if (values.length === 0) return { p50: empty, p95: empty, p99: empty };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/**
 * The last `capacity` samples, for percentiles over recent behaviour in O(1) memory per metric
 * (a stats endpoint must not grow with uptime).
 */
export class SampleWindow {
  private readonly buf: Float64Array;
  private next = 0;
  private size = 0;
  total = 0;

  constructor(capacity = 2048) {
    this.buf = new Float64Array(capacity);
  }

  add(v: number): void {
    this.buf[this.next] = v;
    this.next = (this.next + 1) % this.buf.length;
    if (this.size < this.buf.length) this.size++;
    this.total++;
  }

  values(): number[] {
    return Array.from(this.buf.subarray(0, this.size));
  }

  percentiles(): Percentiles & { count: number } {
    return { ...percentiles(this.values()), count: this.total };
  }
}
