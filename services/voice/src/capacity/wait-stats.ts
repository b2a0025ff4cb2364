/**
 * Per-process wait-time percentiles and counters. The reservoir keeps the most recent samples in
 * a fixed ring, so memory stays bounded over a long-running task and percentiles track the
 * present rather than the whole uptime.
 */
export interface WaitPercentiles {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export const DEFAULT_RESERVOIR_SIZE = 2048;

export class WaitRecorder {
  private readonly samples: Float64Array;
  private filled = 0;
  private next = 0;
  private total = 0;
  acquired = 0;
  timeouts = 0;
  aborts = 0;

  constructor(reservoirSize = DEFAULT_RESERVOIR_SIZE) {
    this.samples = new Float64Array(reservoirSize);
  }

  recordAcquired(waitMs: number): void {
    this.acquired += 1;
    this.total += 1;
    this.samples[this.next] = waitMs;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled += 1;
  }

  percentiles(): WaitPercentiles {
    if (this.filled === 0) return { p50: 0, p95: 0, p99: 0, count: 0 };
    const sorted = this.samples.slice(0, this.filled).sort();
    const at = (q: number): number => {
      const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
      return Math.round((sorted[Math.max(0, i)] ?? 0) * 100) / 100;
    };
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), count: this.total };
  }
}
